import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One link of the global audit chain. Rows are never updated or deleted: a trigger rejects both,
 * and `hash` covers every other column plus the previous row's hash.
 */
@Entity('audit_event')
@Index('idx_audit_event_action', ['action', 'seq'])
@Index('idx_audit_event_target', ['targetType', 'targetId', 'seq'])
@Index('idx_audit_event_actor', ['actor', 'seq'])
@Index('idx_audit_event_at', ['at'])
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 50 })
  targetType: string;

  @Column({ name: 'target_id', type: 'varchar', length: 200, nullable: true })
  targetId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

/** The head of the chain: one row, locked by each writer so concurrent writers never fork it. */
@Entity('audit_head')
export class AuditHeadEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'bigint' })
  seq: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

/**
 * How far the trail has been streamed to one destination (audit.export.ts): every entry up to
 * `last_seq` was acknowledged by it. Moved only after the receiver's 2xx; its moves are not audited
 * (an entry per move would itself be exported, and so on for ever).
 */
@Entity('audit_export_cursor')
export class AuditExportCursorEntity {
  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_audit_export_cursor' })
  sink: string;

  @Column({ name: 'last_seq', type: 'bigint' })
  lastSeq: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
