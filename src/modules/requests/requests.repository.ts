import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { IDENTITY_PAUSES_CLOCK, type Jurisdiction } from '../deadlines/deadline.rules.js';
import { RequestEntity, RequestEventEntity, RequestNoteEntity } from './request.entity.js';
import type { RequestType } from './request.types.js';
import { CLOSED, type RequestStatus } from './request.state.js';

/** What a counsel list or count is narrowed to (every field optional, all of them ANDed). */
export interface RequestFilter {
  status?: RequestStatus;
  type?: RequestType;
  jurisdiction?: Jurisdiction;
  /** Keyed hashes of assignees' emails (the `assignee`, `assigneeRef` and `mine` filters). */
  assigneeHashes?: string[];
  open?: boolean;
  /** Due (instant in force) on or before. */
  dueBefore?: Date;
  /** Open, clock running, past due at `now`. */
  overdueAt?: Date;
}

export interface BoardCounts {
  open: number;
  overdue: number;
  dueThisWeek: number;
  paused: number;
  acknowledgementDue: number;
}

const list = (values: Iterable<string>) => [...values].map((v) => `'${v}'`).join(', ');

/** Conditions on `r`, shared by the lists, the counts and the rules in request.clock.ts. */
const OPEN = `r.status NOT IN (${list(CLOSED)})`;
const PAUSED = `(r.status = 'paused_for_clarification' OR (r.status = 'awaiting_verification' AND r.jurisdiction IN (${list(IDENTITY_PAUSES_CLOCK)})))`;
const RUNNING = `(${OPEN} AND NOT ${PAUSED})`;
const ACKNOWLEDGEMENT_DUE = `(${OPEN} AND r.acknowledge_by IS NOT NULL AND r.email_hash IS NULL)`;

/** The requests module's SQL: dsr_request, its timeline (request_event) and counsel's notes (request_note). */
@Injectable()
export class RequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private filtered(filter: RequestFilter): SelectQueryBuilder<RequestEntity> {
    const qb = this.dataSource.getRepository(RequestEntity).createQueryBuilder('r');
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.type) qb.andWhere('r.type = :type', { type: filter.type });
    if (filter.jurisdiction) qb.andWhere('r.jurisdiction = :jurisdiction', { jurisdiction: filter.jurisdiction });
    filter.assigneeHashes?.forEach((hash, i) => qb.andWhere(`r.assignee_hash = :assignee${i}`, { [`assignee${i}`]: hash }));
    if (filter.open === true) qb.andWhere(OPEN);
    if (filter.open === false) qb.andWhere(`NOT (${OPEN})`);
    if (filter.dueBefore) qb.andWhere('r.due_at <= :dueBefore', { dueBefore: filter.dueBefore });
    if (filter.overdueAt) qb.andWhere(`${RUNNING} AND r.due_at < :overdueAt`, { overdueAt: filter.overdueAt });
    return qb;
  }

  /** A page by the due instant in force (extensions included), then id; `limit + 1` rows for toPage. */
  async page(filter: RequestFilter, after: { at: Date; id: string } | undefined, limit: number): Promise<RequestEntity[]> {
    const qb = this.filtered(filter);
    if (after) qb.andWhere('(r.due_at, r.id) > (:afterAt, :afterId)', { afterAt: after.at, afterId: after.id });
    return qb.orderBy('r.due_at', 'ASC').addOrderBy('r.id', 'ASC').limit(limit + 1).getMany();
  }

  /** Requests per status under every filter but the status. */
  async statusCounts(filter: RequestFilter): Promise<Record<string, number>> {
    const rows = (await this.filtered({ ...filter, status: undefined }).select('r.status', 'status').addSelect('count(*)::int', 'n').groupBy('r.status').getRawMany()) as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /**
   * The board's counts in one statement. `weekEnds` is, per jurisdiction, the last instant of the
   * seventh day after today there: a running clock due by then is due this week.
   */
  async boardCounts(filter: RequestFilter, now: Date, weekEnds: Record<Jurisdiction, Date>): Promise<BoardCounts> {
    const qb = this.filtered(filter);
    const params: Record<string, Date | string> = { now };
    const week = Object.entries(weekEnds).map(([jurisdiction, end], i) => {
      params[`weekZone${i}`] = jurisdiction;
      params[`weekEnd${i}`] = end;
      return `(r.jurisdiction = :weekZone${i} AND r.due_at <= :weekEnd${i})`;
    });
    const row = (await qb
      .select(`count(*) FILTER (WHERE ${OPEN})::int`, 'open')
      .addSelect(`count(*) FILTER (WHERE ${RUNNING} AND r.due_at < :now)::int`, 'overdue')
      .addSelect(`count(*) FILTER (WHERE ${RUNNING} AND r.due_at >= :now AND (${week.join(' OR ')}))::int`, 'dueThisWeek')
      .addSelect(`count(*) FILTER (WHERE ${OPEN} AND ${PAUSED})::int`, 'paused')
      .addSelect(`count(*) FILTER (WHERE ${ACKNOWLEDGEMENT_DUE})::int`, 'acknowledgementDue')
      .setParameters(params)
      .getRawOne()) as BoardCounts;
    return row;
  }

  /**
   * For /metrics, one statement over the (status, due_at) index: running clocks past due at `now`,
   * and running clocks due by `soon` (not yet past due) that nobody is assigned to.
   */
  async clockCounts(now: Date, soon: Date): Promise<{ overdue: number; dueSoonUnassigned: number }> {
    return (await this.dataSource
      .getRepository(RequestEntity)
      .createQueryBuilder('r')
      .select('count(*) FILTER (WHERE r.due_at < :now)::int', 'overdue')
      .addSelect('count(*) FILTER (WHERE r.due_at >= :now AND r.assignee_hash IS NULL)::int', 'dueSoonUnassigned')
      .where(RUNNING)
      .andWhere('r.due_at <= :soon')
      .setParameters({ now, soon })
      .getRawOne()) as { overdue: number; dueSoonUnassigned: number };
  }

  /** The people open requests are assigned to: one sealed email per keyed hash. */
  async assignees(): Promise<{ hash: string; sealed: string }[]> {
    const rows = (await this.dataSource
      .getRepository(RequestEntity)
      .createQueryBuilder('r')
      .select('r.assignee_hash', 'hash')
      .addSelect('min(r.assignee_sealed)', 'sealed')
      .where(OPEN)
      .andWhere('r.assignee_hash IS NOT NULL')
      .groupBy('r.assignee_hash')
      .limit(500)
      .getRawMany()) as { hash: string; sealed: string }[];
    return rows;
  }

  // ── One request ───────────────────────────────────────────────────────────────────────────

  byId(id: string, m: EntityManager = this.dataSource.manager): Promise<RequestEntity | null> {
    return m.getRepository(RequestEntity).findOneBy({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(RequestEntity).existsBy({ id });
  }

  /** The request, locked for update in `m`'s transaction; null if there is none. */
  lock(m: EntityManager, id: string): Promise<RequestEntity | null> {
    return m.getRepository(RequestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(m: EntityManager, request: RequestEntity): Promise<void> {
    await m.getRepository(RequestEntity).insert(request);
  }

  async save(m: EntityManager, request: RequestEntity): Promise<void> {
    await m.getRepository(RequestEntity).save(request);
  }

  /** The oldest open request of `type` by the same email hash, or by the same *proven* subject ref. */
  openDuplicate(type: RequestType, emailHash: string | null, provenSubjectRef: string | null): Promise<RequestEntity | null> {
    return this.dataSource
      .getRepository(RequestEntity)
      .createQueryBuilder('r')
      .where('r.type = :type', { type })
      .andWhere(OPEN)
      .andWhere('(r.emailHash = :emailHash OR (r.subjectRef = :subjectRef AND r.subjectIdProof IS NOT NULL))', { emailHash: emailHash ?? '-', subjectRef: provenSubjectRef ?? '-' })
      .orderBy('r.receivedAt', 'ASC')
      .getOne();
  }

  /** Open requests, soonest due first (the digest, the calendar feed). */
  openByDue(limit?: number, m: EntityManager = this.dataSource.manager): Promise<RequestEntity[]> {
    const qb = m.getRepository(RequestEntity).createQueryBuilder('r').where(OPEN).orderBy('r.dueAt', 'ASC');
    return (limit === undefined ? qb : qb.limit(limit)).getMany();
  }

  /** Requests received in [from, to) (the evidence pack's statistics). */
  receivedBetween(from: Date, to: Date): Promise<RequestEntity[]> {
    return this.dataSource.getRepository(RequestEntity).createQueryBuilder('r').where('r.receivedAt >= :from AND r.receivedAt < :to', { from, to }).getMany();
  }

  // ── Timeline and notes ────────────────────────────────────────────────────────────────────

  async insertEvent(m: EntityManager, event: Omit<RequestEventEntity, 'id'>): Promise<void> {
    await m.getRepository(RequestEventEntity).insert(event as never);
  }

  /** The timeline, oldest first; only what the requester may see unless `all`. */
  events(requestId: string, all: boolean, m: EntityManager = this.dataSource.manager): Promise<RequestEventEntity[]> {
    return m.getRepository(RequestEventEntity).find({ where: all ? { requestId } : { requestId, isPublic: true }, order: { id: 'ASC' } });
  }

  async insertNote(m: EntityManager, note: Omit<RequestNoteEntity, 'id'>): Promise<void> {
    await m.getRepository(RequestNoteEntity).insert(note);
  }

  notes(requestId: string, m: EntityManager): Promise<RequestNoteEntity[]> {
    return m.getRepository(RequestNoteEntity).find({ where: { requestId }, order: { at: 'ASC' } });
  }
}
