import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Jurisdiction, Pause } from '../deadlines/deadline.rules.js';
import type { RequestStatus } from './request.state.js';
import type { Locale } from '../../common/i18n/locales.js';
import type { Channel, RefusalGround, RequestType } from './request.types.js';

/**
 * A data-subject request. Contact data (email, name), free text and requested changes are sealed
 * with AES-256-GCM (`contact_key_id` names the key); look-ups use keyed hashes.
 */
@Entity('dsr_request')
@Index('idx_dsr_request_due', ['status', 'dueAt'])
@Index('idx_dsr_request_email', ['emailHash', 'type'])
@Index('idx_dsr_request_subject', ['subjectRef', 'type'])
export class RequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 20 })
  type: RequestType;

  @Column({ type: 'varchar', length: 30 })
  status: RequestStatus;

  /** The status a clarification pause began in, to return to. */
  @Column({ name: 'paused_from', type: 'varchar', length: 30, nullable: true })
  pausedFrom: RequestStatus | null;

  @Column({ type: 'varchar', length: 10 })
  jurisdiction: Jurisdiction;

  /** The language the requester reads: their mails and the privacy center's pages. */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  locale: Locale;

  @Column({ type: 'varchar', length: 20 })
  channel: Channel;

  @Column({ name: 'subject_ref', type: 'varchar', length: 64, nullable: true })
  subjectRef: string | null;

  /** How the subject id was proven (`iam_token`, `counsel:<method>`); null while it is only what was typed. */
  @Column({ name: 'subject_id_proof', type: 'varchar', length: 80, nullable: true })
  subjectIdProof: string | null;

  @Column({ name: 'subject_id_confirmed_at', type: 'timestamptz', nullable: true })
  subjectIdConfirmedAt: Date | null;

  @Column({ name: 'email_hash', type: 'varchar', length: 64, nullable: true })
  emailHash: string | null;

  /** Sealed JSON { email, name?, subjectId?, details?, changes? }; null once identity data is purged. */
  @Column({ name: 'personal_sealed', type: 'text', nullable: true })
  personalSealed: string | null;

  @Column({ name: 'contact_key_id', type: 'varchar', length: 16, nullable: true })
  contactKeyId: string | null;

  /** Objection: the purposes objected to (catalogue keys, not personal data). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  purposes: string[];

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /**
   * Which of the jurisdiction's clocks runs: `opt_out` for an opt-out of sale or sharing (CCPA: 15
   * business days, no verification, no extension; an authorized agent's sale:opt-out).
   */
  @Column({ name: 'clock_kind', type: 'varchar', length: 10, default: 'standard' })
  clockKind: 'standard' | 'opt_out';

  @Column({ name: 'clock_started_on', type: 'date' })
  clockStartedOn: string;

  /** Closed pauses and restarts: [{ from, to, reason }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  pauses: Pause[];

  /** An open pause: the day the controller asked, and why. */
  @Column({ name: 'pause_started_on', type: 'date', nullable: true })
  pauseStartedOn: string | null;

  @Column({ name: 'pause_reason', type: 'varchar', length: 20, nullable: true })
  pauseReason: Pause['reason'] | null;

  @Column({ name: 'due_on', type: 'date' })
  dueOn: string;

  /** The last instant of the due date in force (extended or not), in the profile's time zone. */
  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'extended_due_on', type: 'date', nullable: true })
  extendedDueOn: string | null;

  @Column({ name: 'extension_notice_by', type: 'date', nullable: true })
  extensionNoticeBy: string | null;

  @Column({ name: 'acknowledge_by', type: 'date', nullable: true })
  acknowledgeBy: string | null;

  @Column({ type: 'boolean', default: false })
  extended: boolean;

  @Column({ name: 'extension_reason', type: 'varchar', length: 2000, nullable: true })
  extensionReason: string | null;

  /** Counsel's email for reminders, sealed; its keyed hash for filtering. */
  @Column({ name: 'assignee_sealed', type: 'text', nullable: true })
  assigneeSealed: string | null;

  @Column({ name: 'assignee_hash', type: 'varchar', length: 64, nullable: true })
  assigneeHash: string | null;

  @Column({ name: 'verification_method', type: 'varchar', length: 60, nullable: true })
  verificationMethod: string | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  /** When verification was asked for: the unverified reminder and purge count from here, not from receipt. */
  @Column({ name: 'verification_asked_at', type: 'timestamptz', nullable: true })
  verificationAskedAt: Date | null;

  @Column({ name: 'code_hash', type: 'varchar', length: 64, nullable: true })
  codeHash: string | null;

  @Column({ name: 'code_expires_at', type: 'timestamptz', nullable: true })
  codeExpiresAt: Date | null;

  @Column({ name: 'code_attempts', type: 'integer', default: 0 })
  codeAttempts: number;

  @Column({ name: 'code_locked_at', type: 'timestamptz', nullable: true })
  codeLockedAt: Date | null;

  @Column({ name: 'code_sends', type: 'integer', default: 0 })
  codeSends: number;

  @Column({ name: 'code_sends_day', type: 'date', nullable: true })
  codeSendsDay: string | null;

  @Column({ name: 'code_last_sent_at', type: 'timestamptz', nullable: true })
  codeLastSentAt: Date | null;

  @Column({ name: 'status_token_hash', type: 'varchar', length: 64 })
  statusTokenHash: string;

  @Column({ name: 'refusal_ground', type: 'varchar', length: 30, nullable: true })
  refusalGround: RefusalGround | null;

  @Column({ name: 'refusal_explanation', type: 'text', nullable: true })
  refusalExplanation: string | null;

  @Column({ name: 'identity_purged_at', type: 'timestamptz', nullable: true })
  identityPurgedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The request's timeline. `public` entries are shown to the requester; none holds personal data. */
@Entity('dsr_request_event')
@Index('idx_dsr_request_event_request', ['requestId', 'id'])
export class RequestEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ name: 'is_public', type: 'boolean' })
  isPublic: boolean;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}

/** Counsel's notes: free text, sealed. */
@Entity('dsr_request_note')
export class RequestNoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 200 })
  author: string;

  @Column({ name: 'body_sealed', type: 'text' })
  bodySealed: string;

  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId: string;
}
