import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../infrastructure/database/errors.js';
import { CONSENT_GENESIS, ConsentContent, ConsentProof } from './consent.chain.js';
import { ConsentAction, ConsentEventEntity, ConsentHeadEntity } from './consent.entity.js';

/** An event ready to append: everything but its place in the chain. */
export interface PreparedEvent extends ConsentContent, ConsentProof {
  subjectId: string;
  idempotencyKey: string | null;
  requestHash: string;
  contentHash: string;
  /** The TC/GPP strings sealed (`keyId:data`); null for an event without any. */
  signalsSealed: string | null;
}

export interface AppendedLink {
  seq: number;
  hash: string;
}

export interface StateRow {
  purpose: string;
  action: ConsentAction;
  occurredAt: Date;
  noticeVersion: string;
  erasedAt: Date | null;
}

/** An outbox row waiting to be fanned out, with what subscribers filter on. */
export interface OutboxRow {
  id: string;
  eventId: string;
  purpose: string;
  action: string;
}

export interface DailyCount {
  date: string;
  purpose: string;
  granted: number;
  withdrawn: number;
}

const EVENT_COLUMNS = `id, subject_ref, subject_id, seq, purpose, action, notice_version, notice_language, notice_hash,
  occurred_at, recorded_at, method, source_system, recorded_by, ip_truncated, ip_hash, user_agent, locale, jurisdiction,
  proof_digest, idempotency_key, request_hash, content_hash, prev_hash, hash, signals_sealed`;

/**
 * One event, one statement, one round trip: move the subject's chain head (its row lock orders
 * concurrent writers for that subject; other subjects never wait), append the event with the link
 * hash computed in SQL, update the current state, and write the outbox row. The link-hash formula is
 * consent.chain.ts's `linkHash`.
 */
const APPEND_ONE = `
WITH head AS (
  INSERT INTO consent_head AS h (subject_ref, seq, hash, prev_hash)
  VALUES ($1, 1, encode(sha256(convert_to($24::text || ':1:' || $2::text, 'UTF8')), 'hex'), $24)
  ON CONFLICT (subject_ref) DO UPDATE
    SET seq = h.seq + 1,
        prev_hash = h.hash,
        hash = encode(sha256(convert_to(h.hash || ':' || (h.seq + 1)::text || ':' || $2::text, 'UTF8')), 'hex')
  RETURNING seq, hash, prev_hash
), ev AS (
  INSERT INTO consent_event (${EVENT_COLUMNS})
  SELECT $3, $1, $4, head.seq, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $2, head.prev_hash, head.hash, $23
    FROM head
  RETURNING id, seq, hash
), state AS (
  INSERT INTO consent_state (subject_ref, purpose, action, occurred_at, notice_version, event_id)
  SELECT $1, $5, $6, $10, $7, ev.id FROM ev
  ON CONFLICT (subject_ref, purpose) DO UPDATE
    SET action = EXCLUDED.action, occurred_at = EXCLUDED.occurred_at, notice_version = EXCLUDED.notice_version, event_id = EXCLUDED.event_id
    WHERE consent_state.occurred_at <= EXCLUDED.occurred_at
), outbox AS (
  INSERT INTO consent_outbox (event_id) SELECT ev.id FROM ev
)
SELECT seq, hash FROM ev`;

export function appendOneParams(e: PreparedEvent): unknown[] {
  return [
    e.subjectRef, e.contentHash, e.id, e.subjectId, e.purpose, e.action, e.noticeVersion, e.noticeLanguage, e.noticeHash,
    e.occurredAt, e.recordedAt, e.method, e.sourceSystem, e.recordedBy, e.ipTruncated, e.ipHash, e.userAgent, e.locale,
    e.jurisdiction, e.proofDigest, e.idempotencyKey, e.requestHash, e.signalsSealed, CONSENT_GENESIS,
  ];
}

export { APPEND_ONE };

/**
 * Many events of distinct subjects, one statement, one round trip, one commit: APPEND_ONE for a whole
 * group (consent.writer.ts gathers it). Each subject appears once, so each head, state row and link
 * is computed exactly as APPEND_ONE does; heads are locked in subject order, so groups and batches cannot deadlock.
 */
const APPEND_GROUP = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
    $19::text[], $20::text[], $21::text[], $22::text[], $23::text[]) WITH ORDINALITY
    AS i(subject_ref, content_hash, id, subject_id, purpose, action, notice_version, notice_language, notice_hash, occurred_at, recorded_at,
         method, source_system, recorded_by, ip_truncated, ip_hash, user_agent, locale, jurisdiction, proof_digest, idempotency_key, request_hash,
         signals_sealed, n)
), head AS (
  INSERT INTO consent_head AS h (subject_ref, seq, hash, prev_hash)
  SELECT subject_ref, 1, encode(sha256(convert_to($24::text || ':1:' || content_hash, 'UTF8')), 'hex'), $24 FROM input ORDER BY subject_ref
  ON CONFLICT (subject_ref) DO UPDATE
    SET seq = h.seq + 1,
        prev_hash = h.hash,
        hash = encode(sha256(convert_to(h.hash || ':' || (h.seq + 1)::text || ':' || (SELECT content_hash FROM input WHERE input.subject_ref = EXCLUDED.subject_ref), 'UTF8')), 'hex')
  RETURNING subject_ref, seq, hash, prev_hash
), ev AS (
  INSERT INTO consent_event (${EVENT_COLUMNS})
  SELECT i.id, i.subject_ref, i.subject_id, head.seq, i.purpose, i.action, i.notice_version, i.notice_language, i.notice_hash, i.occurred_at,
         i.recorded_at, i.method, i.source_system, i.recorded_by, i.ip_truncated, i.ip_hash, i.user_agent, i.locale, i.jurisdiction,
         i.proof_digest, i.idempotency_key, i.request_hash, i.content_hash, head.prev_hash, head.hash, i.signals_sealed
    FROM input i JOIN head ON head.subject_ref = i.subject_ref
  RETURNING id, seq, hash
), state AS (
  INSERT INTO consent_state (subject_ref, purpose, action, occurred_at, notice_version, event_id)
  SELECT i.subject_ref, i.purpose, i.action, i.occurred_at, i.notice_version, ev.id FROM input i JOIN ev ON ev.id = i.id
  ON CONFLICT (subject_ref, purpose) DO UPDATE
    SET action = EXCLUDED.action, occurred_at = EXCLUDED.occurred_at, notice_version = EXCLUDED.notice_version, event_id = EXCLUDED.event_id
    WHERE consent_state.occurred_at <= EXCLUDED.occurred_at
), outbox AS (
  INSERT INTO consent_outbox (event_id) SELECT ev.id FROM ev JOIN input i ON i.id = ev.id ORDER BY i.n
)
SELECT id, seq, hash FROM ev`;


/** The ledger refused an event it already holds: its id or its idempotency key is taken. */
export function isDuplicateEvent(error: unknown): boolean {
  return isUniqueViolation(error, 'uq_consent_event_idempotency') || isUniqueViolation(error, 'pk_consent_event');
}

@Injectable()
export class ConsentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async appendOne(event: PreparedEvent): Promise<AppendedLink> {
    const [row] = (await this.dataSource.query(APPEND_ONE, appendOneParams(event))) as [{ seq: number; hash: string }];
    return row;
  }

  /**
   * Events of distinct subjects (the caller's promise: one event per subject), in one statement that
   * commits on its own. Their links, in the order given. On any error nothing of the group was written.
   */
  appendGroup(events: PreparedEvent[]): Promise<AppendedLink[]> {
    return this.group(this.dataSource, events);
  }

  private async group(runner: Pick<DataSource | EntityManager, 'query'>, events: PreparedEvent[]): Promise<AppendedLink[]> {
    // APPEND_ONE's parameters, column-wise: $1…$23 become arrays, $24 (the genesis hash) stays one value.
    const rowsOfParams = events.map(appendOneParams);
    const params = Array.from({ length: 23 }, (_, i) => rowsOfParams.map((row) => row[i]));
    const rows = (await runner.query(APPEND_GROUP, [...params, CONSENT_GENESIS])) as { id: string; seq: number; hash: string }[];
    const links = new Map(rows.map((row) => [row.id, { seq: row.seq, hash: row.hash }]));
    return events.map((e) => links.get(e.id.toLowerCase())!);
  }

  /**
   * Many events, several per subject allowed, in the caller's transaction: in rounds of
   * appendGroup's statement, round k holding each subject's k-th event, so each chain grows in the
   * given order. The first round locks every head the batch touches, in subject order (later rounds
   * only touch heads already held), so concurrent batches cannot deadlock.
   */
  async appendInRounds(manager: EntityManager, events: PreparedEvent[]): Promise<AppendedLink[]> {
    const rounds: PreparedEvent[][] = [];
    const count = new Map<string, number>();
    for (const event of events) {
      const round = count.get(event.subjectRef) ?? 0;
      count.set(event.subjectRef, round + 1);
      (rounds[round] ??= []).push(event);
    }
    const links = new Map<PreparedEvent, AppendedLink>();
    for (const round of rounds) {
      const appended = await this.group(manager, round);
      round.forEach((event, i) => links.set(event, appended[i]!));
    }
    return events.map((event) => links.get(event)!);
  }

  /** Which of these event ids the ledger already holds. */
  async existingIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await manager.query('SELECT id FROM consent_event WHERE id = ANY($1::uuid[])', [ids])) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }

  /** When each purpose last received a withdrawal from an opt-out signal, for one subject. */
  async lastSignalOptOuts(subjectRef: string): Promise<Map<string, Date>> {
    const rows = (await this.dataSource.query(
      `SELECT purpose, max(occurred_at) AS at FROM consent_event WHERE subject_ref = $1 AND method = 'gpc_signal' AND action = 'withdrawn' GROUP BY purpose`,
      [subjectRef],
    )) as { purpose: string; at: Date }[];
    return new Map(rows.map((row) => [row.purpose, new Date(row.at)]));
  }

  /** The event behind each purpose's current state, and how it was collected (for receipts and the privacy center). */
  async stateEvents(subjectRef: string): Promise<Map<string, { eventId: string; method: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT s.purpose, s.event_id AS "eventId", e.method FROM consent_state s JOIN consent_event e ON e.id = s.event_id WHERE s.subject_ref = $1`,
      [subjectRef],
    )) as { purpose: string; eventId: string; method: string }[];
    return new Map(rows.map((row) => [row.purpose, { eventId: row.eventId, method: row.method }]));
  }

  findByIdempotencyKeys(manager: EntityManager, keys: string[]): Promise<ConsentEventEntity[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return manager.getRepository(ConsentEventEntity).createQueryBuilder('e').where('e.idempotencyKey IN (:...keys)', { keys }).getMany();
  }

  byIdempotencyKey(idempotencyKey: string): Promise<ConsentEventEntity | null> {
    return this.dataSource.getRepository(ConsentEventEntity).findOneBy({ idempotencyKey });
  }

  byId(id: string): Promise<ConsentEventEntity | null> {
    return this.dataSource.getRepository(ConsentEventEntity).findOneBy({ id });
  }

  /** Each purpose's state for one subject, with whether the event behind it was pseudonymised (an erasure). */
  currentStates(subjectRef: string): Promise<StateRow[]> {
    return this.dataSource.query(
      `SELECT s.purpose, s.action, s.occurred_at AS "occurredAt", s.notice_version AS "noticeVersion", e.pseudonymised_at AS "erasedAt"
         FROM consent_state s JOIN consent_event e ON e.id = s.event_id WHERE s.subject_ref = $1`,
      [subjectRef],
    ) as Promise<StateRow[]>;
  }

  /** A subject's events after `afterSeq`, in chain order; `limit + 1` rows for toPage. */
  historyPage(subjectRef: string, afterSeq: number, limit: number): Promise<ConsentEventEntity[]> {
    return this.dataSource
      .getRepository(ConsentEventEntity)
      .createQueryBuilder('e')
      .where('e.subjectRef = :ref', { ref: subjectRef })
      .andWhere('e.seq > :after', { after: afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /** A subject's whole chain, in order. */
  chainOf(subjectRef: string): Promise<ConsentEventEntity[]> {
    return this.dataSource.getRepository(ConsentEventEntity).find({ where: { subjectRef }, order: { seq: 'ASC' } });
  }

  headOf(subjectRef: string): Promise<ConsentHeadEntity | null> {
    return this.dataSource.getRepository(ConsentHeadEntity).findOneBy({ subjectRef });
  }

  /** The next 500 subjects (by keyed reference) that have a chain. */
  async subjectRefsAfter(after: string): Promise<string[]> {
    const rows = (await this.dataSource.query('SELECT subject_ref AS ref FROM consent_head WHERE subject_ref > $1 ORDER BY subject_ref LIMIT 500', [after])) as { ref: string }[];
    return rows.map((row) => row.ref);
  }

  /** Clears the subject id, user agent and signal strings of a subject's events not yet pseudonymised; how many. */
  async pseudonymise(manager: EntityManager, subjectRef: string, at: Date): Promise<number> {
    const [, count] = (await manager.query(
      `UPDATE consent_event SET subject_id = NULL, user_agent = NULL, signals_sealed = NULL, pseudonymised_at = $2 WHERE subject_ref = $1 AND pseudonymised_at IS NULL`,
      [subjectRef, at],
    )) as [unknown, number];
    return count;
  }

  /** Grants and withdrawals per UTC day and purpose, occurred in [from, until). */
  dailyCounts(from: Date, until: Date, purpose: string | null): Promise<DailyCount[]> {
    return this.dataSource.query(
      `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, purpose,
              count(*) FILTER (WHERE action = 'granted')::int AS granted,
              count(*) FILTER (WHERE action = 'withdrawn')::int AS withdrawn
         FROM consent_event
        WHERE occurred_at >= $1 AND occurred_at < $2 AND ($3::text IS NULL OR purpose = $3)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, until, purpose],
    ) as Promise<DailyCount[]>;
  }

  /** Deletes up to `limit` outbox rows, oldest first, skipping rows another worker holds; how many. */
  async deleteOutboxBatch(manager: EntityManager, limit: number): Promise<number> {
    const [, dropped] = (await manager.query(
      `DELETE FROM consent_outbox WHERE id IN (SELECT id FROM consent_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    )) as [unknown, number];
    return dropped;
  }

  /** Locks up to `limit` outbox rows, oldest first, skipping rows another worker holds; with their event's purpose and action. */
  lockOutboxBatch(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    return manager.query(
      `SELECT o.id, o.event_id AS "eventId", e.purpose, e.action
         FROM consent_outbox o JOIN consent_event e ON e.id = o.event_id
        ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [limit],
    ) as Promise<OutboxRow[]>;
  }

  async deleteOutboxRows(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query('DELETE FROM consent_outbox WHERE id = ANY($1::bigint[])', [ids]);
  }
}

/** Index of the event that produced a subject's final head (for its prevHash). */
