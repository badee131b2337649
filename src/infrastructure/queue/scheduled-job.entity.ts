import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ScheduledJobStatus = 'pending' | 'done' | 'failed' | 'cancelled';

/**
 * Pending work as the system of record knows it. A row is written in the same transaction as the
 * change that needs the work; the queue only carries "do this now". At boot (and periodically) the
 * reconciler re-enqueues every pending row, so an emptied queue loses nothing.
 */
@Entity('scheduled_job')
@Index('idx_scheduled_job_pending', ['runAt'], { where: "status = 'pending'" })
export class ScheduledJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable identity of the work, e.g. `api-key.expire:<keyId>`; rescheduling reuses it. */
  @Column({ name: 'job_key', type: 'varchar', length: 300, unique: true })
  key: string;

  @Column({ type: 'varchar', length: 60 })
  queue: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload: Record<string, unknown>;

  @Column({ name: 'run_at', type: 'timestamptz' })
  runAt: Date;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status: ScheduledJobStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Error class and code only: messages can quote personal data. */
  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
