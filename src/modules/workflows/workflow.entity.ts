import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { stepActions, type StepName, type StepStatus } from './workflow.plan.js';

/**
 * One idempotent unit of a request's workflow: a step against one store (or `-` for steps that
 * touch no store). Its key `<requestId>:<step>:<storeId>` is also the durable job's key.
 */
@Entity('workflow_step')
@Index('idx_workflow_step_request', ['requestId', 'createdAt'])
// Small (failed steps wait for counsel), so /metrics counts them without reading every step.
@Index('idx_workflow_step_failed', ['status'], { where: "status = 'failed'" })
export class WorkflowStepEntity {
  @PrimaryColumn({ type: 'varchar', length: 160 })
  key: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'varchar', length: 20 })
  step: StepName;

  @Column({ name: 'store_id', type: 'varchar', length: 64 })
  storeId: string;

  @Column({ type: 'varchar', length: 12 })
  status: StepStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Kind and message of the last failure; never personal data (DataStoreError messages carry codes only). */
  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  /** What the step found or did: counts, plans, file hashes. No personal data. */
  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ name: 'waived_reason', type: 'varchar', length: 2000, nullable: true })
  waivedReason: string | null;

  /**
   * While the step runs: who runs it (one attempt's random id) and until when, by the database's
   * clock. The runner renews it; another run takes the step over only once it lapsed.
   */
  @Column({ name: 'lease_owner', type: 'varchar', length: 40, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The one access or portability package of a request, and its download budget. */
@Entity('export_package')
export class ExportPackageEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_export_package_request', { unique: true })
  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'varchar', length: 12 })
  kind: 'access' | 'portability';

  @Column({ name: 'file_name', type: 'varchar', length: 200 })
  fileName: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'bigint' })
  bytes: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'max_downloads', type: 'integer' })
  maxDownloads: number;

  @Column({ type: 'integer', default: 0 })
  downloads: number;

  /** Download links issued so far (counsel may re-send one); every one shares the expiry and the download budget. */
  @Column({ name: 'links_issued', type: 'integer', default: 1 })
  linksIssued: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}

/** Art 19: one recipient told of a rectification, erasure or restriction (or why it could not be). */
@Entity('recipient_notice')
@Index('uq_recipient_notice', ['requestId', 'action', 'recipient'], { unique: true })
export class RecipientNoticeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  /** rectification | erasure | restriction | restriction_lifted */
  @Column({ type: 'varchar', length: 30 })
  action: string;

  @Column({ type: 'varchar', length: 200 })
  recipient: string;

  @Column({ name: 'data_categories', type: 'text', array: true })
  dataCategories: string[];

  @Column({ type: 'varchar', length: 10 })
  channel: 'email' | 'webhook' | 'none';

  /** queued | sent | failed | no_contact */
  @Column({ type: 'varchar', length: 12 })
  status: 'queued' | 'sent' | 'failed' | 'no_contact';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}

/** A step as counsel sees it, with what counsel may do to it while the request is (or is not) open. */
export function stepView(s: WorkflowStepEntity, requestOpen: boolean) {
  return {
    key: s.key,
    step: s.step,
    storeId: s.storeId,
    status: s.status,
    attempts: s.attempts,
    error: s.lastError,
    waivedReason: s.waivedReason,
    result: s.result,
    updatedAt: s.updatedAt.toISOString(),
    allowedActions: stepActions(s, requestOpen),
  };
}

/** A notice as the requester and counsel see it: `notifiedAt` only when it was delivered. */
export function noticeView(r: RecipientNoticeEntity) {
  return { recipient: r.recipient, action: r.action, dataCategories: r.dataCategories, channel: r.channel, status: r.status, ...(r.sentAt ? { notifiedAt: r.sentAt.toISOString() } : {}) };
}
