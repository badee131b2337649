import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { canonicalJson, sha256Hex } from '../../common/crypto.js';
import { toCsv } from '../../common/csv.js';
import { ConflictError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { FieldError } from '../../common/errors/problem.js';
import { Keyring } from '../../common/keyring.js';
import { decodeCursor, Page, pageSize, toPage } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { findNotice, noticeInForce, PurposeCatalog } from '../purposes/purpose-catalog.js';
import { ConsentProof, contentHash, proofDigest, StoredConsentLink, truncateIp, verifyConsentChain } from './consent.chain.js';
import {
  ConsentBatchDto,
  ConsentChainVerificationDto,
  ConsentEventDto,
  ConsentHistoryItemDto,
  ConsentHistoryQueryDto,
  ConsentReportQueryDto,
  ConsentReportDto,
  ConsentStateDto,
  PseudonymisedDto,
  RecordedBatchDto,
  RecordedConsentDto,
  RecordedEventDto,
  SubjectConsentsDto,
} from './consent.dto.js';
import { ConsentEventEntity } from './consent.entity.js';
import { AppendedLink, ConsentRepository, isDuplicateEvent, PreparedEvent, StateRow } from './consent.repository.js';
import { buildReceipt, ConsentReceipt } from './consent.receipt.js';
import { ConsentSignals, gpcOutcomes, type SignalLedger, type Signalled } from './consent.signals.js';
import { ConsentWriter } from './consent.writer.js';

const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_REPORT_DAYS = 366;

export interface Recorded {
  replayed: boolean;
  body: RecordedEventDto;
}

/** An event checked and ready to append; `gpc` when its GPP string said Gpc = 1. */
interface Prepared {
  event?: PreparedEvent;
  errors: FieldError[];
  gpc: boolean;
}

@Injectable()
export class ConsentService {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: ConsentRepository,
    private readonly writer: ConsentWriter,
    private readonly signals: ConsentSignals,
    private readonly catalog: PurposeCatalog,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The stable, keyed reference under which a subject's ledger is kept. */
  subjectRef(subjectId: string): string {
    return this.keyring.keyedHash('consent-subject', subjectId);
  }

  async record(dto: ConsentEventDto, idempotencyKey: string | undefined, caller: Caller): Promise<Recorded> {
    const now = this.clock.now();
    const { event, errors, gpc } = await this.prepare(dto, idempotencyKey ?? dto.eventId ?? null, caller, now);
    if (!event) throw new ValidationFailed(errors);
    if (gpc) {
      // A GPP string with Gpc = 1: the event and the withdrawals the GPC rules call for, in one transaction.
      const [followUp] = await this.signals.gpcFollowUps([{ dto, event, gpc }], now, this.ledger(caller, now));
      const { items, replayed } = await this.appendAll([event, ...followUp!.events]).catch((error: unknown) => {
        // The batch's 409 names events[0]; this route has one event.
        if (error instanceof ConflictError) throw new ConflictError('idempotency_conflict', 'This idempotency key (or eventId) was already used with a different event');
        throw error;
      });
      return { replayed: replayed[0]!, body: { ...items[0]!, gpc: { ...followUp!.outcome, events: items.slice(1) } } };
    }
    const outcome = await this.writer.append(event);
    if ('link' in outcome) return { replayed: false, body: recorded(event, outcome.link) };
    return { replayed: true, body: await this.replay(event) };
  }

  async recordBatch(dto: ConsentBatchDto, idempotencyKey: string | undefined, caller: Caller): Promise<RecordedBatchDto> {
    const now = this.clock.now();
    const events: PreparedEvent[] = [];
    const signalled: Signalled[] = [];
    const errors: FieldError[] = [];
    const seenKeys = new Map<string, number>();
    const seenIds = new Map<string, number>();
    for (const [i, item] of dto.events.entries()) {
      if (idempotencyKey !== undefined && item.eventId !== undefined) {
        const first = seenIds.get(item.eventId.toLowerCase());
        if (first !== undefined) errors.push({ path: `events[${i}].eventId`, message: `eventId repeats events[${first}].eventId` });
        seenIds.set(item.eventId.toLowerCase(), i);
      }
      const key = idempotencyKey !== undefined ? `${idempotencyKey}:${i}` : (item.eventId ?? null);
      const prepared = await this.prepare(item, key, caller, now);
      errors.push(...prepared.errors.map((e) => ({ path: `events[${i}].${e.path}`, message: e.message })));
      if (key !== null) {
        const first = seenKeys.get(key);
        if (first !== undefined) errors.push({ path: `events[${i}].eventId`, message: `eventId repeats events[${first}].eventId` });
        seenKeys.set(key, i);
      }
      if (prepared.event) {
        events.push(prepared.event);
        signalled.push({ dto: item, event: prepared.event, gpc: prepared.gpc });
      }
    }
    if (errors.length > 0) throw new ValidationFailed(errors);
    if (signalled.some((s) => s.gpc)) {
      // GPP strings with Gpc = 1: after the batch's events, the withdrawals the GPC rules call for, all in one transaction.
      const followUps = await this.signals.gpcFollowUps(signalled, now, this.ledger(caller, now));
      const { items } = await this.appendAll([...events, ...followUps.flatMap((f) => f.events)]);
      return { items: items.slice(0, events.length), gpc: gpcOutcomes(followUps, items.slice(events.length)) };
    }
    return { items: (await this.appendAll(events)).items };
  }

  /**
   * Events in one transaction, all or nothing. An eventId the ledger already holds, or a concurrent
   * retry that won the race: again, with every id checked first (now a replay, or the 409 naming each item).
   */
  private async appendAll(events: PreparedEvent[]): Promise<{ items: RecordedConsentDto[]; replayed: boolean[] }> {
    try {
      return await this.appendBatch(events, false);
    } catch (error) {
      if (!isDuplicateEvent(error)) throw error;
      try {
        return await this.appendBatch(events, true);
      } catch (again) {
        if (!isDuplicateEvent(again)) throw again;
        throw new ConflictError('idempotency_conflict', 'Some events were recorded concurrently under other idempotency keys; nothing was written');
      }
    }
  }

  /** Per purpose, the event behind the subject's current state and its collection method. */
  stateEvents(subjectId: string): Promise<Map<string, { eventId: string; method: string }>> {
    return this.repository.stateEvents(this.subjectRef(subjectId));
  }

  /** When each purpose last received a Global Privacy Control opt-out, for one subject. */
  lastSignalOptOuts(subjectId: string): Promise<Map<string, Date>> {
    return this.repository.lastSignalOptOuts(this.subjectRef(subjectId));
  }

  async current(subjectId: string): Promise<SubjectConsentsDto> {
    // The event behind each state row says whether it was pseudonymised (an erasure): then no grant is live.
    const rows = await this.repository.currentStates(this.subjectRef(subjectId));
    const byPurpose = new Map(rows.map((row) => [row.purpose, row]));
    const now = this.clock.now();
    const purposes: ConsentStateDto[] = (await this.catalog.all()).map((entry) => {
      const row = byPurpose.get(entry.purpose.key);
      const inForce = noticeInForce(entry, now);
      const given = row ? entry.notices.find((n) => n.version === row.noticeVersion) : undefined;
      const state = liveState(row);
      return {
        purpose: entry.purpose.key,
        state,
        since: (state === 'erased' ? row?.erasedAt : row?.occurredAt)?.toISOString() ?? null,
        noticeVersion: row?.noticeVersion ?? null,
        currentNoticeVersion: inForce?.version ?? null,
        reconsentNeeded:
          row !== undefined && state === 'granted' &&
          inForce !== undefined &&
          inForce.version !== row.noticeVersion &&
          (given === undefined || inForce.effectiveFrom.getTime() > given.effectiveFrom.getTime()),
      };
    });
    return { subjectId, purposes };
  }

  async history(subjectId: string, query: ConsentHistoryQueryDto): Promise<Page<ConsentHistoryItemDto>> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { seq: number } => Number.isSafeInteger(v.seq));
    const rows = await this.repository.historyPage(this.subjectRef(subjectId), cursor?.seq ?? 0, limit);
    return toPage(rows, limit, (row) => ({ seq: row.seq }), historyItem);
  }

  async verify(subjectId: string): Promise<ConsentChainVerificationDto> {
    return this.verifyRef(this.subjectRef(subjectId));
  }

  /** Every subject's chain, a page of subjects at a time (for the evidence pack). */
  async verifyAll(): Promise<{ subjects: number; events: number; broken: { subjectRef: string; firstBrokenSeq: number | null }[] }> {
    const result = { subjects: 0, events: 0, broken: [] as { subjectRef: string; firstBrokenSeq: number | null }[] };
    let after = '';
    for (;;) {
      const refs = await this.repository.subjectRefsAfter(after);
      if (refs.length === 0) return result;
      for (const ref of refs) {
        const verdict = await this.verifyRef(ref);
        result.subjects += 1;
        result.events += verdict.checked;
        if (!verdict.valid) result.broken.push({ subjectRef: ref, firstBrokenSeq: verdict.firstBrokenSeq });
      }
      after = refs[refs.length - 1]!;
    }
  }

  /**
   * Up to `limit` subjects' chains after `after` (by keyed reference), for the scheduled check that
   * walks the whole ledger a slice per run; `next` is where the following slice starts, null once
   * the last subject was verified.
   */
  async verifySlice(after: string, limit: number): Promise<{ subjects: number; events: number; broken: number; next: string | null }> {
    const result = { subjects: 0, events: 0, broken: 0, next: after as string | null };
    while (result.subjects < limit) {
      const refs = (await this.repository.subjectRefsAfter(result.next!)).slice(0, limit - result.subjects);
      if (refs.length === 0) return { ...result, next: null };
      for (const ref of refs) {
        const verdict = await this.verifyRef(ref);
        result.subjects += 1;
        result.events += verdict.checked;
        if (!verdict.valid) result.broken += 1;
      }
      result.next = refs[refs.length - 1]!;
    }
    return result;
  }

  private async verifyRef(ref: string): Promise<ConsentChainVerificationDto> {
    const [rows, head] = await Promise.all([this.repository.chainOf(ref), this.repository.headOf(ref)]);
    return verifyConsentChain(rows.map((row) => storedLink(row, this.signals.storedDigest(row.signalsSealed))), head);
  }

  async receipt(eventId: string): Promise<ConsentReceipt> {
    const event = await this.repository.byId(eventId);
    if (!event) throw new NotFoundError('Consent event');
    const entry = await this.catalog.get(event.purpose);
    if (!entry) throw new NotFoundError('Purpose');
    const notice = entry.notices.find((n) => n.version === event.noticeVersion && n.language === event.noticeLanguage);
    return buildReceipt({
      event,
      purpose: entry.purpose,
      notice,
      controller: this.config.controller,
      withdrawalMethod: this.config.consent.withdrawalMethod,
      signals: this.signals.receipt(event.signalsSealed),
    });
  }

  /**
   * Erasure with proof kept (Art 17(3)(e), Art 7(1)): the subject id, user agent and TC/GPP strings leave the ledger;
   * the keyed reference, what was agreed and the chain stay, and the chain still verifies.
   */
  async pseudonymise(subjectId: string, caller: Caller): Promise<PseudonymisedDto> {
    const subjectRef = this.subjectRef(subjectId);
    const events = await this.dataSource.transaction(async (manager) => {
      const count = await this.repository.pseudonymise(manager, subjectRef, this.clock.now());
      await this.audit.record(manager, caller, {
        action: 'consent.pseudonymised',
        targetType: 'consent_subject',
        targetId: subjectRef,
        details: { events: count },
      });
      return count;
    });
    return { events, subjectRef };
  }

  async report(query: ConsentReportQueryDto): Promise<ConsentReportDto> {
    const from = new Date(`${query.from}T00:00:00Z`);
    const to = new Date(`${query.to}T00:00:00Z`);
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    if (days < 0 || days >= MAX_REPORT_DAYS) {
      throw new ValidationFailed([{ path: 'to', message: `to must be on or after from, and at most ${MAX_REPORT_DAYS - 1} days later` }]);
    }
    const rows = await this.repository.dailyCounts(from, new Date(to.getTime() + 86_400_000), query.purpose ?? null);
    return { from: query.from, to: query.to, rows };
  }

  reportCsv(report: ConsentReportDto): string {
    return toCsv(['date', 'purpose', 'granted', 'withdrawn'], report.rows.map((r) => [r.date, r.purpose, r.granted, r.withdrawn]));
  }

  /**
   * The batch in one transaction. Replays of idempotency keys are answered from the ledger; an
   * eventId already recorded under another key is found by the insert's primary key, or, when
   * `checkIds` (after such a failure), named per item beforehand.
   */
  private async appendBatch(events: PreparedEvent[], checkIds: boolean): Promise<{ items: RecordedConsentDto[]; replayed: boolean[] }> {
    return this.dataSource.transaction(async (manager) => {
      const keys = events.flatMap((e) => (e.idempotencyKey ? [e.idempotencyKey] : []));
      const existing = new Map((await this.repository.findByIdempotencyKeys(manager, keys)).map((row) => [row.idempotencyKey!, row]));
      const conflicts: FieldError[] = [];
      events.forEach((e, i) => {
        const before = e.idempotencyKey ? existing.get(e.idempotencyKey) : undefined;
        if (before && before.requestHash !== e.requestHash) {
          conflicts.push({ path: `events[${i}]`, message: 'this idempotency key was already used with a different event' });
        }
      });
      const fresh = events.filter((e) => !e.idempotencyKey || !existing.has(e.idempotencyKey));
      // An eventId already in the ledger under another idempotency key: the single route's 409.
      const taken = checkIds ? await this.repository.existingIds(manager, fresh.map((e) => e.id)) : new Set<string>();
      events.forEach((e, i) => {
        if (taken.has(e.id.toLowerCase()) && fresh.includes(e)) conflicts.push({ path: `events[${i}].eventId`, message: 'this eventId was already recorded with another idempotency key' });
      });
      if (conflicts.length > 0) throw new ConflictError('idempotency_conflict', 'Some idempotency keys or event ids were used before with different events; nothing was written', { errors: conflicts });
      const links = fresh.length > 0 ? await this.repository.appendInRounds(manager, fresh) : [];
      const linkOf = new Map(fresh.map((e, i) => [e.id, links[i]!]));
      const before = events.map((e) => (e.idempotencyKey ? existing.get(e.idempotencyKey) : undefined));
      return {
        items: events.map((e, i) => (before[i] ? recordedFromRow(before[i]) : recorded(e, linkOf.get(e.id)!))),
        replayed: before.map((row) => row !== undefined),
      };
    });
  }

  /** What the GPC follow-ups read of the ledger, and how they prepare a withdrawal (as this caller, now). */
  private ledger(caller: Caller, now: Date): SignalLedger {
    return {
      current: (subjectId) => this.current(subjectId),
      lastSignalOptOuts: (subjectId) => this.lastSignalOptOuts(subjectId),
      prepare: async (dto) => (await this.prepare(dto, null, caller, now)).event,
    };
  }

  private async replay(event: PreparedEvent): Promise<RecordedConsentDto> {
    const before = event.idempotencyKey ? await this.repository.byIdempotencyKey(event.idempotencyKey) : await this.repository.byId(event.id);
    if (!before || before.requestHash !== event.requestHash) {
      throw new ConflictError('idempotency_conflict', 'This idempotency key (or eventId) was already used with a different event');
    }
    return recordedFromRow(before);
  }

  /** Validates an event against the catalogue and the clock, and computes what the ledger stores. */
  private async prepare(
    dto: ConsentEventDto,
    idempotencyKey: string | null,
    caller: Caller,
    now: Date,
  ): Promise<Prepared> {
    const signals = this.signals.check(dto);
    const errors: FieldError[] = [...signals.errors];
    const occurredAt = new Date(dto.occurredAt);
    if (occurredAt.getTime() > now.getTime() + this.config.consent.clockSkewSeconds * 1000) {
      errors.push({ path: 'occurredAt', message: 'occurredAt is in the future' });
    } else if (occurredAt.getTime() < EARLIEST) {
      errors.push({ path: 'occurredAt', message: 'occurredAt is before 2000-01-01' });
    }
    if (idempotencyKey !== null && idempotencyKey.length > 200) errors.push({ path: 'Idempotency-Key', message: 'Idempotency-Key must be at most 200 characters' });
    const entry = await this.catalog.get(dto.purpose);
    const notice = entry ? findNotice(entry, dto.noticeVersion, dto.noticeLanguage) : undefined;
    if (!entry) {
      errors.push({ path: 'purpose', message: `purpose ${dto.purpose} is not in the purposes catalogue` });
    } else if (notice === 'ambiguous') {
      errors.push({ path: 'noticeLanguage', message: `noticeLanguage is required: version ${dto.noticeVersion} was published in several languages` });
    } else if (!notice) {
      errors.push({ path: 'noticeVersion', message: `no notice version ${dto.noticeVersion}${dto.noticeLanguage ? ` (${dto.noticeLanguage})` : ''} is published for ${dto.purpose}` });
    } else if (notice.effectiveFrom.getTime() > occurredAt.getTime()) {
      errors.push({ path: 'noticeVersion', message: `notice version ${dto.noticeVersion} was not yet in force at occurredAt` });
    }
    if (errors.length > 0 || !notice || notice === 'ambiguous') return { errors, gpc: false };

    const proof: ConsentProof = {
      ipTruncated: dto.proof?.ipAddress ? truncateIp(dto.proof.ipAddress) : null,
      ipHash: dto.proof?.ipAddress ? this.keyring.keyedHash('ip', dto.proof.ipAddress) : null,
      userAgent: dto.proof?.userAgent ?? null,
      locale: dto.proof?.locale ?? null,
      jurisdiction: dto.proof?.jurisdiction ?? null,
      signals: this.signals.digest(signals.evidence),
    };
    const base = {
      id: dto.eventId ?? randomUUID(),
      subjectRef: this.subjectRef(dto.subjectId),
      purpose: dto.purpose,
      action: dto.action,
      noticeVersion: notice.version,
      noticeLanguage: notice.language,
      noticeHash: notice.textSha256,
      occurredAt,
      recordedAt: now,
      method: dto.method,
      sourceSystem: dto.sourceSystem,
      recordedBy: actorOf(caller),
      proofDigest: proofDigest(proof),
    };
    return {
      errors,
      gpc: signals.gpc,
      event: {
        ...base,
        ...proof,
        subjectId: dto.subjectId,
        idempotencyKey,
        requestHash: sha256Hex(canonicalJson(dto)),
        contentHash: contentHash(base),
        signalsSealed: this.signals.seal(signals.evidence),
      },
    };
  }
}

/**
 * What a read says of one purpose: an erasure pseudonymised the event behind the state, so whatever
 * it recorded is no longer live ('erased'); a later event (a new grant after erasure) is live again.
 */
export function liveState(row: Pick<StateRow, 'action' | 'erasedAt'> | undefined): ConsentStateDto['state'] {
  if (!row) return 'none';
  return row.erasedAt ? 'erased' : row.action;
}

function receiptPath(id: string): string {
  return `/v1/consent-events/${id}/receipt`;
}

function recorded(e: PreparedEvent, link: AppendedLink): RecordedConsentDto {
  return recordedFromRow({ ...e, ...link });
}

function recordedFromRow(
  row: Pick<ConsentEventEntity, 'id' | 'subjectId' | 'purpose' | 'action' | 'noticeVersion' | 'occurredAt' | 'recordedAt' | 'seq' | 'hash'>,
): RecordedConsentDto {
  return {
    id: row.id,
    subjectId: row.subjectId,
    purpose: row.purpose,
    action: row.action,
    noticeVersion: row.noticeVersion,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    seq: row.seq,
    hash: row.hash,
    receipt: receiptPath(row.id),
  };
}

function historyItem(row: ConsentEventEntity): ConsentHistoryItemDto {
  return {
    ...recordedFromRow(row),
    method: row.method,
    sourceSystem: row.sourceSystem,
    ipNetwork: row.ipTruncated,
    jurisdiction: row.jurisdiction,
    locale: row.locale,
    signalEvidence: row.signalsSealed !== null,
    pseudonymised: row.pseudonymisedAt !== null,
  };
}

function storedLink(row: ConsentEventEntity, signals: string | undefined): StoredConsentLink {
  return {
    id: row.id,
    subjectRef: row.subjectRef,
    purpose: row.purpose,
    action: row.action,
    noticeVersion: row.noticeVersion,
    noticeLanguage: row.noticeLanguage,
    noticeHash: row.noticeHash,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    method: row.method,
    sourceSystem: row.sourceSystem,
    recordedBy: row.recordedBy,
    proofDigest: row.proofDigest,
    seq: row.seq,
    contentHash: row.contentHash,
    prevHash: row.prevHash,
    hash: row.hash,
    proof: { ipTruncated: row.ipTruncated, ipHash: row.ipHash, userAgent: row.userAgent, locale: row.locale, jurisdiction: row.jurisdiction, signals },
    pseudonymised: row.pseudonymisedAt !== null,
  };
}
