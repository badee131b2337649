import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { SYSTEM } from '../auth/roles.js';
import { Clock } from '../clock.js';
import { describeError } from '../errors/describe-error.js';
import { CONFIG } from '../../config/config.module.js';
import type { AuditExportConfig, LetheConfig } from '../../config/config.schema.js';
import { backoffMs, toExportRequest, verdict } from './audit.otlp.js';
import { otlpPost } from './audit.otlp-http.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** What one pass of the loop did, and so what it waits for next. */
type Pass =
  | { kind: 'sent'; count: number }
  | { kind: 'caught-up' }
  /** Another process holds the cursor: it is the exporter for now. */
  | { kind: 'elsewhere' }
  | { kind: 'retry'; afterMs: number | undefined }
  | { kind: 'refused' };

export interface AuditExportStatus {
  sink: string;
  /** The last entry the receiver acknowledged (0: none yet); undefined before the cursor exists. */
  exportedSeq: number | undefined;
  headSeq: number;
  /** Entries written but not yet acknowledged. */
  behind: number;
  /** `refused`: the receiver refused a batch it may not be sent again; the export waits for an operator (alert on it). */
  state: 'starting' | 'idle' | 'exporting' | 'retrying' | 'refused' | 'stopped';
  /** Records the receiver acknowledged but reported rejected (OTLP partial success), since this process started. */
  rejectedRecords: number;
}

/** Log records at most this long after an entry commits in this process (its wake-up is coalesced). */
const WAKE_DELAY_MS = 20;

/**
 * Streams the audit trail to a SIEM as OpenTelemetry logs over OTLP/HTTP, in chain order, at least
 * once: the cursor (audit_export_cursor) moves past a batch only after the receiver answered 2xx,
 * so a crash re-sends at most the batch that was in flight.
 *
 * Order and no skipping: entries get their seq under the lock on audit_head, held until their
 * transaction ends (AuditService.record), so an entry with a higher seq commits after every lower
 * one; reading `seq > cursor ORDER BY seq` never passes an entry that commits later.
 *
 * One exporter at a time across processes: on a Postgres server, each batch is read, sent and the
 * cursor moved in one transaction that holds the cursor's row lock (FOR UPDATE SKIP LOCKED; the
 * others find it locked and wait). A process that dies loses its connection, so the lock goes with
 * it and the batch is sent again by whoever takes it next. The embedded database (PGlite) runs one
 * transaction at a time for the whole process and belongs to one process: holding a transaction
 * over an HTTP call would stall every request, so there each statement stands alone, the single
 * loop of the single process is the exclusion, and the cursor moves only from where it was read.
 *
 * Runs in processes that run jobs (LETHE_WORKERS, the worker); off without LETHE_AUDIT_EXPORT_OTLP_ENDPOINT.
 */
@Injectable()
export class AuditExporter implements OnApplicationBootstrap, BeforeApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger('AuditExport');
  private readonly settings: AuditExportConfig | undefined;
  private readonly holdLockWhileSending: boolean;
  private readonly instanceId = randomUUID();
  private readonly recordedIn = new WeakSet<QueryRunner>();
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private interruptSleep: (() => void) | undefined;
  private state: AuditExportStatus['state'] = 'starting';
  private rejected = 0;

  constructor(
    @Inject(CONFIG) config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.settings = config.queue.workers ? config.auditExport : undefined;
    this.holdLockWhileSending = config.database.url !== undefined;
    if (this.settings) {
      audit.onRecorded((transaction) => this.recordedIn.add(transaction));
      dataSource.subscribers.push(this);
    }
  }

  onApplicationBootstrap(): void {
    if (!this.settings) return;
    // run() handles its own failures; this only keeps a bug there from becoming an unhandled rejection.
    this.loop = this.run(this.settings).catch((error: unknown) => {
      this.state = 'stopped';
      this.logger.error({ err: describeError(error) }, 'the audit export stopped');
    });
  }

  /** Stops between batches or aborts the one in flight (its cursor does not move: it is sent again). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.wakeTimer);
    this.interruptSleep?.();
    await this.loop;
    this.state = 'stopped';
  }

  /** After a transaction that appended entries commits: export them now rather than at the next poll. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!this.recordedIn.has(event.queryRunner)) return;
    this.recordedIn.delete(event.queryRunner);
    if (this.stop.signal.aborted) return;
    this.woken = true;
    if (this.wakeTimer === undefined) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.interruptSleep?.();
      }, WAKE_DELAY_MS);
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.recordedIn.delete(event.queryRunner);
  }

  /** How far the export is behind the trail, for monitoring (not yet on /metrics). */
  async status(): Promise<AuditExportStatus | undefined> {
    if (!this.settings) return undefined;
    const [exportedSeq, head] = await Promise.all([this.repository.cursor(this.settings.sink), this.repository.head()]);
    const headSeq = head?.seq ?? 0;
    return { sink: this.settings.sink, exportedSeq, headSeq, behind: Math.max(0, headSeq - (exportedSeq ?? 0)), state: this.state, rejectedRecords: this.rejected };
  }

  private async run(settings: AuditExportConfig): Promise<void> {
    this.logger.log({ sink: settings.sink, origin: new URL(settings.logsUrl).origin }, 'streaming the audit trail over OTLP/HTTP');
    let failures = 0;
    let cursorReady = false;
    while (!this.stop.signal.aborted) {
      let pass: Pass;
      try {
        if (!cursorReady) cursorReady = await this.createCursor(settings);
        pass = await this.pass(settings);
      } catch (error) {
        if (this.stop.signal.aborted) break;
        // Unreachable receiver, timeout, or a database error: the cursor has not moved; try again.
        this.logger.warn({ err: failure(error), sink: settings.sink }, 'audit export attempt failed; retrying');
        pass = { kind: 'retry', afterMs: undefined };
      }
      switch (pass.kind) {
        case 'sent':
          failures = 0;
          this.state = 'exporting';
          if (pass.count < settings.batchSize) await this.sleep(settings.pollIntervalMs, true);
          break;
        case 'caught-up':
        case 'elsewhere':
          failures = 0;
          this.state = 'idle';
          await this.sleep(settings.pollIntervalMs, true);
          break;
        case 'retry':
          failures += 1;
          this.state = 'retrying';
          await this.sleep(Math.min(pass.afterMs ?? backoffMs(failures, settings.backoffMs, settings.maxBackoffMs), 3_600_000), false);
          break;
        case 'refused':
          failures = 0;
          this.state = 'refused';
          await this.sleep(settings.maxBackoffMs, false);
          break;
      }
    }
  }

  /**
   * The sink's cursor, created on first use. Its creation is audited (the trail starts going
   * somewhere new); its moves are not: an entry per move would be exported, and so on for ever.
   */
  private async createCursor(settings: AuditExportConfig): Promise<true> {
    await this.dataSource.transaction(async (m) => {
      if (await this.repository.createCursor(m, settings.sink, settings.start, this.clock.now())) {
        await this.audit.record(m, SYSTEM, {
          action: 'audit.export_started',
          targetType: 'audit_export',
          targetId: settings.sink,
          details: { protocol: 'otlp/http+json', origin: new URL(settings.logsUrl).origin, start: settings.start },
        });
      }
    });
    return true;
  }

  /** One batch: claim the cursor, read the entries after it, send them, move the cursor on a 2xx. */
  private pass(settings: AuditExportConfig): Promise<Pass> {
    if (this.holdLockWhileSending) return this.dataSource.transaction((m) => this.sendBatch(settings, m));
    return this.sendBatch(settings, this.dataSource.manager);
  }

  private async sendBatch(settings: AuditExportConfig, m: EntityManager): Promise<Pass> {
    const from = await this.repository.claimCursor(m, settings.sink);
    if (from === undefined) return { kind: 'elsewhere' };
    const rows = await this.repository.entriesAfter(m, from, settings.batchSize);
    if (rows.length === 0) return { kind: 'caught-up' };
    const links = rows.map((row) => ({ ...row, seq: Number(row.seq) }));
    const first = links[0]!.seq;
    const last = links[links.length - 1]!.seq;
    if (first !== from + 1 || last - first !== links.length - 1) {
      // audit_event rows are never deleted (a trigger refuses it): a gap is tampering. Do not skip it.
      this.logger.error({ sink: settings.sink, after: from, first, last, count: links.length }, 'the audit trail has a gap after the cursor; export stopped (GET /v1/audit-events/verify)');
      return { kind: 'refused' };
    }
    const answer = await otlpPost({
      url: settings.logsUrl,
      body: JSON.stringify(toExportRequest(links, { instanceId: this.instanceId }, this.clock.now())),
      headers: settings.headers,
      ca: settings.ca,
      timeoutMs: settings.timeoutMs,
      signal: this.stop.signal,
    });
    const result = verdict(answer.status, answer.retryAfter, answer.body, this.clock.now());
    switch (result.kind) {
      case 'accepted':
        if (!(await this.repository.advanceCursor(m, settings.sink, from, last, this.clock.now()))) {
          // Only another exporter on the same cursor can have moved it (a misconfiguration on the embedded database).
          this.logger.warn({ sink: settings.sink, from, last }, 'the audit export cursor moved under this exporter; reading it again');
          return { kind: 'retry', afterMs: undefined };
        }
        if (result.rejected > 0) {
          // OTLP partial success: the receiver took the request but dropped some records, and forbids
          // sending it again. The receiver's message is not logged: it may quote the records.
          this.rejected += result.rejected;
          this.logger.error({ sink: settings.sink, first, last, rejected: result.rejected }, 'the receiver rejected audit records (OTLP partial success); they are not sent again');
        }
        this.logger.debug({ sink: settings.sink, first, last }, 'audit entries exported');
        return { kind: 'sent', count: links.length };
      case 'retry':
        this.logger.warn({ sink: settings.sink, first, last, status: answer.status, retryAfterMs: result.afterMs }, 'the receiver asked for the audit batch again later');
        return result;
      case 'refused':
        this.logger.error(
          { sink: settings.sink, first, last, status: answer.status, retryInMs: settings.maxBackoffMs },
          'the receiver refused an audit batch; the export waits here rather than skip it (check the endpoint and LETHE_AUDIT_EXPORT_HEADERS)',
        );
        return result;
    }
  }

  /** Waits `ms`, or less on shutdown; `wakeable`: also until an entry commits in this process. */
  private async sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stop.signal.aborted) return;
    if (wakeable && this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.interruptSleep = wakeable ? done : () => (this.stop.signal.aborted ? done() : undefined);
    });
    this.interruptSleep = undefined;
    if (wakeable) this.woken = false;
  }
}

/**
 * What is logged of a failed attempt: the error's name and code (ECONNREFUSED, a TLS verdict such as
 * DEPTH_ZERO_SELF_SIGNED_CERT, a SQLSTATE), never its message, which may quote a row or the URL.
 * Read by property, not `instanceof`: node:https errors may come from another realm (Jest's VM).
 */
function failure(error: unknown): { name: string; code: unknown } {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return { name: typeof name === 'string' ? name : typeof error, code };
}
