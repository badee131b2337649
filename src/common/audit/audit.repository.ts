import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ChainLink } from './audit.chain.js';
import { AuditEventEntity } from './audit-event.entity.js';

export interface AuditHead {
  seq: number;
  hash: string;
}

/** What a list of entries is narrowed to (every field optional, all of them ANDed). */
export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actor?: string;
  /** Leave these actions out (e.g. reads, from a record's history of changes). */
  excludeActions?: readonly string[];
  from?: Date;
  to?: Date;
}

/** The audit trail's SQL: audit_event and its one-row head, audit_head. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The chain head, locked until the caller's transaction ends: writers queue here, so the chain
   * never forks. Undefined when the head row is missing (migrations have not run).
   */
  async lockHead(manager: EntityManager): Promise<AuditHead | undefined> {
    const [head] = (await manager.query('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE')) as { seq: string; hash: string }[];
    return head && { seq: Number(head.seq), hash: head.hash };
  }

  /** Inserts the entry and moves the head to it, in one statement. */
  async append(manager: EntityManager, link: ChainLink, hash: string): Promise<void> {
    await manager.query(
      `WITH appended AS (
         INSERT INTO audit_event (seq, at, actor, action, target_type, target_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       )
       UPDATE audit_head SET seq = $1, hash = $9 WHERE id = 1`,
      [link.seq, link.at, link.actor, link.action, link.targetType, link.targetId, JSON.stringify(link.details), link.prevHash, hash],
    );
  }

  /** A page by seq in `order`, after (in that order) `afterSeq`; `limit + 1` rows for toPage. */
  listPage(filter: AuditFilter, order: 'asc' | 'desc', afterSeq: number | undefined, limit: number): Promise<AuditEventEntity[]> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.targetType) qb.andWhere('e.targetType = :targetType', { targetType: filter.targetType });
    if (filter.targetId) qb.andWhere('e.targetId = :targetId', { targetId: filter.targetId });
    if (filter.actor) qb.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.excludeActions?.length) qb.andWhere('e.action NOT IN (:...excluded)', { excluded: [...filter.excludeActions] });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < :to', { to: filter.to });
    if (afterSeq !== undefined) qb.andWhere(order === 'asc' ? 'e.seq > :seq' : 'e.seq < :seq', { seq: afterSeq });
    return qb
      .orderBy('e.seq', order === 'asc' ? 'ASC' : 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** Up to `limit` entries after `afterSeq`, in chain order: the verifier's pages. */
  chainAfter(afterSeq: number, limit: number): Promise<AuditEventEntity[]> {
    return this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e').where('e.seq > :after', { after: afterSeq }).orderBy('e.seq', 'ASC').limit(limit).getMany();
  }

  // ── The exporter's cursor (audit.export.ts) ──────────────────────────────────────────────────

  /**
   * Creates the sink's cursor unless it exists: at 0 (the whole trail) or at the head as it is now.
   * True when this call created it. Concurrent callers queue on the primary key; one creates it.
   */
  async createCursor(m: EntityManager, sink: string, start: 'beginning' | 'now', now: Date): Promise<boolean> {
    const rows = (await m.query(
      `INSERT INTO audit_export_cursor (sink, last_seq, updated_at)
       SELECT $1, CASE WHEN $2 = 'now' THEN COALESCE((SELECT seq FROM audit_head WHERE id = 1), 0) ELSE 0 END, $3
       ON CONFLICT (sink) DO NOTHING
       RETURNING sink`,
      [sink, start, now],
    )) as unknown[];
    return rows.length === 1;
  }

  /**
   * The sink's cursor, its row locked until `m`'s transaction ends; undefined when another
   * transaction holds it (SKIP LOCKED: that process is exporting) or it does not exist. Outside a
   * transaction the lock ends with the statement.
   */
  async claimCursor(m: EntityManager, sink: string): Promise<number | undefined> {
    const [row] = (await m.query('SELECT last_seq FROM audit_export_cursor WHERE sink = $1 FOR UPDATE SKIP LOCKED', [sink])) as { last_seq: string }[];
    return row && Number(row.last_seq);
  }

  /** The sink's cursor, read without a lock (for the lag); undefined when it does not exist. */
  async cursor(sink: string): Promise<number | undefined> {
    const [row] = (await this.dataSource.query('SELECT last_seq FROM audit_export_cursor WHERE sink = $1', [sink])) as { last_seq: string }[];
    return row && Number(row.last_seq);
  }

  /** Moves the cursor from `from` to `to`; false (nothing moved) when it is no longer at `from`. */
  async advanceCursor(m: EntityManager, sink: string, from: number, to: number, now: Date): Promise<boolean> {
    const [, affected] = (await m.query('UPDATE audit_export_cursor SET last_seq = $3, updated_at = $4 WHERE sink = $1 AND last_seq = $2', [sink, from, to, now])) as [
      unknown,
      number,
    ];
    return affected === 1;
  }

  /** Up to `limit` entries after `afterSeq` in chain order, read with `m` (the exporter's transaction, if any). */
  entriesAfter(m: EntityManager, afterSeq: number, limit: number): Promise<AuditEventEntity[]> {
    return m.getRepository(AuditEventEntity).createQueryBuilder('e').where('e.seq > :after', { after: afterSeq }).orderBy('e.seq', 'ASC').limit(limit).getMany();
  }

  /** The chain head as it is now, without a lock; undefined when the row is missing. */
  async head(): Promise<AuditHead | undefined> {
    const [head] = (await this.dataSource.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as { seq: string; hash: string }[];
    return head && { seq: Number(head.seq), hash: head.hash };
  }
}
