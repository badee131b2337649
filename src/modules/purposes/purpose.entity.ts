import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { LawfulBasis, SpecialCategoryCondition } from './purpose.types.js';

@Entity('purpose')
export class PurposeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  key: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'lawful_basis', type: 'varchar', length: 30 })
  lawfulBasis: LawfulBasis;

  @Column({ name: 'special_category_condition', type: 'varchar', length: 40, nullable: true })
  specialCategoryCondition: SpecialCategoryCondition | null;

  @Column({ name: 'data_categories', type: 'text', array: true })
  dataCategories: string[];

  /** ISO 8601 duration (P2Y) or criteria text. */
  @Column({ type: 'varchar', length: 500 })
  retention: string;

  /** Covered by opt-out preference signals (Global Privacy Control): sale or sharing, targeted advertising. */
  @Column({ name: 'opt_out_signal', type: 'boolean', default: false })
  optOutSignal: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A published notice text. Immutable: a trigger rejects UPDATE and DELETE. */
@Entity('purpose_notice')
@Index('uq_purpose_notice_version', ['purposeId', 'version', 'language'], { unique: true })
export class PurposeNoticeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'purpose_id', type: 'uuid' })
  purposeId: string;

  @Column({ type: 'varchar', length: 50 })
  version: string;

  /** BCP 47 tag, e.g. en, en-GB, fr. */
  @Column({ type: 'varchar', length: 35 })
  language: string;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url: string | null;

  /** SHA-256 of the text shown (of the text, or of the document at `url` as the publisher states it). */
  @Column({ name: 'text_sha256', type: 'varchar', length: 64 })
  textSha256: string;

  @Column({ name: 'effective_from', type: 'timestamptz' })
  effectiveFrom: Date;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'varchar', length: 200 })
  publishedBy: string;
}
