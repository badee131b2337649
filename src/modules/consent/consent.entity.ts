import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const CONSENT_ACTIONS = ['granted', 'withdrawn'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

export const COLLECTION_METHODS = [
  'signup_form',
  'settings_page',
  'withdrawal_link',
  'cookie_banner',
  'email_link',
  'api',
  'import',
  'gpc_signal',
  'authorized_agent',
  'paper_form',
  'verbal',
  'other',
] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

/**
 * One consent event: append-only (a trigger rejects UPDATE and DELETE, except pseudonymisation,
 * which may only clear subject_id, user_agent and signals_sealed and stamp pseudonymised_at).
 */
@Entity('consent_event')
@Index('uq_consent_event_subject_seq', ['subjectRef', 'seq'], { unique: true })
@Index('idx_consent_event_purpose_time', ['purpose', 'occurredAt'])
@Index('uq_consent_event_idempotency', ['idempotencyKey'], { unique: true })
export class ConsentEventEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_consent_event' })
  id: string;

  /** HMAC of the subject id: the chain and every look-up use it. */
  @Column({ name: 'subject_ref', type: 'varchar', length: 64 })
  subjectRef: string;

  /** The IAM user id as given; null once pseudonymised. */
  @Column({ name: 'subject_id', type: 'varchar', length: 200, nullable: true })
  subjectId: string | null;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  purpose: string;

  @Column({ type: 'varchar', length: 10 })
  action: ConsentAction;

  @Column({ name: 'notice_version', type: 'varchar', length: 50 })
  noticeVersion: string;

  @Column({ name: 'notice_language', type: 'varchar', length: 35 })
  noticeLanguage: string;

  @Column({ name: 'notice_hash', type: 'varchar', length: 64 })
  noticeHash: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'varchar', length: 30 })
  method: CollectionMethod;

  @Column({ name: 'source_system', type: 'varchar', length: 100 })
  sourceSystem: string;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy: string;

  @Column({ name: 'ip_truncated', type: 'varchar', length: 64, nullable: true })
  ipTruncated: string | null;

  @Column({ name: 'ip_hash', type: 'varchar', length: 64, nullable: true })
  ipHash: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  locale: string | null;

  /**
   * The IAB TC and/or GPP strings the event carried, as evidence: `keyId:data`, the canonical JSON
   * `{ tcString?, gppString? }` sealed with LETHE_ENCRYPTION_KEYS (AES-256-GCM). Null when none was
   * sent, and after pseudonymisation; the proof digest commits to it either way.
   */
  @Column({ name: 'signals_sealed', type: 'text', nullable: true })
  signalsSealed: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  jurisdiction: string | null;

  @Column({ name: 'proof_digest', type: 'varchar', length: 64 })
  proofDigest: string;

  /** Idempotency-Key header or eventId; unique. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the canonical request, to tell a retry from a conflicting reuse of the key. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ name: 'content_hash', type: 'varchar', length: 64 })
  contentHash: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ name: 'pseudonymised_at', type: 'timestamptz', nullable: true })
  pseudonymisedAt: Date | null;
}

/** The head of each subject's chain. Writers for one subject queue on its row. */
@Entity('consent_head')
export class ConsentHeadEntity {
  @PrimaryColumn({ name: 'subject_ref', type: 'varchar', length: 64 })
  subjectRef: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;
}

/** Current state per subject and purpose: the latest event by occurredAt. Derived; the ledger is the record. */
@Entity('consent_state')
export class ConsentStateEntity {
  @PrimaryColumn({ name: 'subject_ref', type: 'varchar', length: 64 })
  subjectRef: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  purpose: string;

  @Column({ type: 'varchar', length: 10 })
  action: ConsentAction;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'notice_version', type: 'varchar', length: 50 })
  noticeVersion: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;
}

/** Accepted events waiting to be fanned out to webhook subscribers (transactional outbox). */
@Entity('consent_outbox')
export class ConsentOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;
}
