import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SubprocessorStatus = 'proposed' | 'active' | 'offboarded';

@Entity('subprocessor')
export class SubprocessorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'legal_entity', type: 'varchar', length: 300 })
  legalEntity: string;

  @Column({ type: 'varchar', length: 500 })
  service: string;

  @Column({ name: 'processing_countries', type: 'text', array: true })
  processingCountries: string[];

  @Column({ name: 'data_categories', type: 'text', array: true })
  dataCategories: string[];

  /** Register records (activities) it serves. */
  @Column({ type: 'text', array: true })
  activities: string[];

  @Column({ name: 'dpa_signed_on', type: 'date', nullable: true })
  dpaSignedOn: string | null;

  @Column({ name: 'dpa_url', type: 'varchar', length: 2000, nullable: true })
  dpaUrl: string | null;

  @Column({ name: 'transfer_mechanism', type: 'varchar', length: 30, nullable: true })
  transferMechanism: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  certifications: { name: string; reportDate?: string }[];

  @Column({ name: 'risk_rating', type: 'varchar', length: 10 })
  riskRating: 'low' | 'medium' | 'high';

  @Column({ name: 'next_review_on', type: 'date', nullable: true })
  nextReviewOn: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: SubprocessorStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** Public history of the inventory, for the feed. */
@Entity('subprocessor_change')
@Index('idx_subprocessor_change_at', ['at'])
export class SubprocessorChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'subprocessor_id', type: 'uuid' })
  subprocessorId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 20 })
  kind: 'proposed' | 'activated' | 'offboarded' | 'updated';

  @Column({ type: 'varchar', length: 500 })
  summary: string;
}

/** Art 28(2) notice of an intended addition or replacement, with its objection window. */
@Entity('subprocessor_notice')
export class SubprocessorNoticeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'subprocessor_id', type: 'uuid' })
  subprocessorId: string;

  @Column({ name: 'replaces_id', type: 'uuid', nullable: true })
  replacesId: string | null;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'objection_deadline', type: 'timestamptz' })
  objectionDeadline: Date;

  @Column({ type: 'varchar', length: 12 })
  status: 'open' | 'closed' | 'overridden';

  @Column({ name: 'override_reason', type: 'varchar', length: 2000, nullable: true })
  overrideReason: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}

@Entity('subprocessor_objection')
export class SubprocessorObjectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'notice_id', type: 'uuid' })
  noticeId: string;

  @Column({ type: 'varchar', length: 200 })
  customer: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy: string;
}

/** A customer contact told of changes, after confirming by email (double opt-in). */
@Entity('subprocessor_subscriber')
export class SubprocessorSubscriberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'email_hash', type: 'varchar', length: 64, unique: true })
  emailHash: string;

  @Column({ name: 'email_sealed', type: 'text' })
  emailSealed: string;

  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'unsubscribed_at', type: 'timestamptz', nullable: true })
  unsubscribedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

