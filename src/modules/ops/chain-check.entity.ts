import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last scheduled verification of one tamper-evident chain (chain.check.ts), so that every
 * process's /metrics can say whether it held. One row per chain.
 */
@Entity('chain_check')
export class ChainCheckEntity {
  /** `audit` or `consent`. */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  chain: string;

  /** audit: the last run found the chain intact. consent: the last whole pass did, and the pass under way has found no break yet. */
  @Column({ type: 'boolean' })
  ok: boolean;

  @Column({ name: 'last_run_at', type: 'timestamptz' })
  lastRunAt: Date;

  /** Links (audit) or events (consent) the last run verified. */
  @Column({ type: 'integer', default: 0 })
  checked: number;

  /** audit: the first sequence number that does not verify; null while intact. */
  @Column({ name: 'first_broken_seq', type: 'integer', nullable: true })
  firstBrokenSeq: number | null;

  /** consent: subjects' chains found broken in the pass under way. */
  @Column({ name: 'broken_subjects', type: 'integer', default: 0 })
  brokenSubjects: number;

  /** consent: the keyed subject reference the next slice starts after; '' to start a pass. */
  @Column({ type: 'varchar', length: 64, default: '' })
  cursor: string;
}
