import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, Caller } from '../auth/roles.js';
import { Clock } from '../clock.js';
import { decodeCursor, Page, toPage } from '../pagination.js';
import { assertNoPersonalData, ChainVerifier, hashLink, VerifyResult } from './audit.chain.js';
import { AuditEventEntity } from './audit-event.entity.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Ids and facts only; personal data is refused. */
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  targetType?: string;
  targetId?: string;
  actor?: string;
  /** Leave these actions out (e.g. reads, from a record's history of changes). */
  excludeActions?: readonly string[];
  from?: Date;
  to?: Date;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface AuditEventView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const VERIFY_PAGE = 2_000;

@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends one entry in the caller's transaction, so the entry exists exactly when the change it
   * records does. Writers queue on the head row's lock, so the chain never forks.
   */
  async record(manager: EntityManager, caller: Caller, entry: AuditEntry): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('AuditService.record needs the EntityManager of an open transaction');
    const details = entry.details ?? {};
    assertNoPersonalData(details);
    const [head] = (await manager.query('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE')) as { seq: string; hash: string }[];
    if (!head) throw new Error('audit_head is missing: migrations have not run');
    const link = {
      seq: Number(head.seq) + 1,
      at: this.clock.now(),
      actor: actorOf(caller),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details,
      prevHash: head.hash,
    };
    const hash = hashLink(link);
    await manager.query(
      `WITH appended AS (
         INSERT INTO audit_event (seq, at, actor, action, target_type, target_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       )
       UPDATE audit_head SET seq = $1, hash = $9 WHERE id = 1`,
      [link.seq, link.at, link.actor, link.action, link.targetType, link.targetId, JSON.stringify(details), link.prevHash, hash],
    );
  }

  async list(query: AuditQuery): Promise<Page<AuditEventView>> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.targetType) qb.andWhere('e.targetType = :targetType', { targetType: query.targetType });
    if (query.targetId) qb.andWhere('e.targetId = :targetId', { targetId: query.targetId });
    if (query.actor) qb.andWhere('e.actor = :actor', { actor: query.actor });
    if (query.excludeActions?.length) qb.andWhere('e.action NOT IN (:...excluded)', { excluded: [...query.excludeActions] });
    if (query.from) qb.andWhere('e.at >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.at < :to', { to: query.to });
    const cursor = decodeCursor(query.cursor, (v): v is { seq: number } => Number.isSafeInteger(v.seq));
    if (cursor) qb.andWhere(query.order === 'asc' ? 'e.seq > :seq' : 'e.seq < :seq', { seq: cursor.seq });
    const rows = await qb
      .orderBy('e.seq', query.order === 'asc' ? 'ASC' : 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return toPage(rows, query.limit, (row) => ({ seq: Number(row.seq) }), toView);
  }

  /** Recomputes every hash from the first entry to the head, a page at a time. */
  async verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const rows = await this.dataSource
        .getRepository(AuditEventEntity)
        .createQueryBuilder('e')
        .where('e.seq > :after', { after })
        .orderBy('e.seq', 'ASC')
        .limit(VERIFY_PAGE)
        .getMany();
      for (const row of rows) {
        if (!verifier.step({ ...row, seq: Number(row.seq) })) break;
      }
      if (rows.length < VERIFY_PAGE) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
    const [head] = (await this.dataSource.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as { seq: string; hash: string }[];
    return verifier.finish({ seq: Number(head?.seq ?? 0), hash: head?.hash ?? '' });
  }
}

function toView(row: AuditEventEntity): AuditEventView {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
