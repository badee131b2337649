import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { actorOf, Caller } from '../auth/roles.js';
import { Clock } from '../clock.js';
import { decodeCursor, Page, toPage } from '../pagination.js';
import { assertNoPersonalData, ChainVerifier, hashLink, VerifyResult } from './audit.chain.js';
import type { AuditEventEntity } from './audit-event.entity.js';
import { type AuditFilter, AuditRepository } from './audit.repository.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Ids and facts only; personal data is refused. */
  details?: Record<string, unknown>;
}

export interface AuditQuery extends AuditFilter {
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
  private readonly listeners: Array<(transaction: QueryRunner) => void> = [];

  constructor(
    private readonly repository: AuditRepository,
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
    const head = await this.repository.lockHead(manager);
    if (!head) throw new Error('audit_head is missing: migrations have not run');
    const link = {
      seq: head.seq + 1,
      at: this.clock.now(),
      actor: actorOf(caller),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details,
      prevHash: head.hash,
    };
    await this.repository.append(manager, link, hashLink(link));
    for (const listener of this.listeners) listener(manager.queryRunner);
  }

  /** Tells `listener` of each entry appended, with the transaction it is in (the exporter wakes once that commits). */
  onRecorded(listener: (transaction: QueryRunner) => void): void {
    this.listeners.push(listener);
  }

  async list(query: AuditQuery): Promise<Page<AuditEventView>> {
    const cursor = decodeCursor(query.cursor, (v): v is { seq: number } => Number.isSafeInteger(v.seq));
    const rows = await this.repository.listPage(query, query.order, cursor?.seq, query.limit);
    return toPage(rows, query.limit, (row) => ({ seq: Number(row.seq) }), toView);
  }

  /** Recomputes every hash from the first entry to the head, a page at a time. */
  async verify(): Promise<VerifyResult> {
    const verifier = new ChainVerifier();
    let after = 0;
    for (;;) {
      const rows = await this.repository.chainAfter(after, VERIFY_PAGE);
      for (const row of rows) {
        if (!verifier.step({ ...row, seq: Number(row.seq) })) break;
      }
      if (rows.length < VERIFY_PAGE) break;
      after = Number(rows[rows.length - 1]!.seq);
    }
    const head = await this.repository.head();
    return verifier.finish({ seq: head?.seq ?? 0, hash: head?.hash ?? '' });
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
