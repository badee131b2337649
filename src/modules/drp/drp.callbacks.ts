import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Clock } from '../../common/clock.js';
import { canonicalJson } from '../../common/crypto.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import type { DrpCallbackEntity } from './drp.entity.js';
import { DrpRepository } from './drp.repository.js';
import { publicAddress } from './drp.rules.js';
import { DrpStatuses } from './drp.status.js';

/**
 * Status callbacks (DRP §2.03): every change of an agent's request is POSTed to its
 * status_callback, as the status object stood when the change committed. The callback row is
 * written in the changing transaction, with a durable job; an agent request's callbacks go out in
 * order, each retried until the agent answers 2xx, or given up on.
 */
@Injectable()
export class DrpCallbacks implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('Drp');
  /** The linked requests each open transaction moved (by its query runner): their callbacks are made as it commits. */
  private readonly pending = new WeakMap<QueryRunner, Set<string>>();

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: DrpRepository,
    private readonly statuses: DrpStatuses,
    private readonly requests: RequestsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    dataSource.subscribers.push(this);
  }

  onModuleInit(): void {
    this.requests.onTransition((m, request) => this.changed(m, request.id));
    this.requests.onExtended((m, request, reason) => this.extended(m, request, reason));
    this.jobs.define('drp.callback', (p) => this.send(String(p.callbackId)), {
      attempts: this.config.webhooks.maxAttempts,
      backoffMs: this.config.webhooks.backoffMs,
      onExhausted: (p: Record<string, unknown>) => this.giveUp(String(p.callbackId)),
    });
  }

  /** A linked Lethe request moved, in the mover's transaction: its agent requests get a callback when it commits. */
  changed(m: EntityManager, requestId: string): Promise<void> {
    const runner = m.queryRunner;
    if (!runner) throw new Error('DRP callbacks need the change’s transaction');
    const pending = this.pending.get(runner) ?? new Set<string>();
    pending.add(requestId);
    this.pending.set(runner, pending);
    return Promise.resolve();
  }

  /** §3.03, §3.08: an extension moves `expected_by`, and `processing_details` MUST give its reason. */
  private async extended(m: EntityManager, request: RequestRecord, reason: string): Promise<void> {
    const rows = await this.repository.byRequestId(m, request.id);
    for (const row of rows) {
      const head = `The business extended its deadline to ${request.dueAt.toISOString().slice(0, 10)}, as the CCPA allows. Its reason: `;
      row.processingDetails = `${head}${reason}`.slice(0, 1000);
      row.updatedAt = this.clock.now();
      await this.repository.saveRequest(m, row);
    }
    if (rows.length > 0) await this.changed(m, request.id);
  }

  /**
   * Just before a transaction that moved linked requests commits, each of their agent requests with a
   * status_callback gets the status object as it now stands (refusal grounds and dates included,
   * whatever order the transaction set them in), unless it equals the last one made, and a job to
   * send it: a committed change is never without its callback.
   */
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const pending = this.pending.get(event.queryRunner);
    if (!pending) return;
    this.pending.delete(event.queryRunner);
    const m = event.manager;
    for (const requestId of pending) {
      const record = await this.requests.record(requestId, m);
      for (const row of await this.repository.byRequestId(m, requestId)) {
        if (!row.statusCallback) continue;
        const body = { ...(await this.statuses.view(row, record)) } as Record<string, unknown>;
        const last = await this.repository.lastCallback(m, row.id);
        if (last && canonicalJson(last.body) === canonicalJson(body)) continue;
        const callback = await this.repository.insertCallback(m, row.id, body, this.clock.now());
        await this.jobs.schedule(m, { name: 'drp.callback', key: `drp:callback:${callback.id}`, payload: { callbackId: callback.id }, runAt: this.clock.now() });
      }
    }
  }

  /** What the agent was told in the answer to its filing: the first entry, already delivered, that later changes are compared with. */
  async told(m: EntityManager, drpRequestId: string, body: Record<string, unknown>): Promise<void> {
    const callback = await this.repository.insertCallback(m, drpRequestId, body, this.clock.now());
    await this.repository.markCallback(m, callback.id, 'deliveredAt', this.clock.now());
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }

  /**
   * Sends an agent request's callbacks in order, up to this one, under the agent request's lock (two
   * jobs never send out of order); stops at the first the agent does not take, and is retried from
   * there. An agent no longer listed gets nothing more.
   */
  private async send(callbackId: string): Promise<void> {
    const first = await this.repository.callback(callbackId);
    if (!first) return;
    const failure = await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lock(m, first.drpRequestId);
      if (!row?.statusCallback) return null;
      if (!this.config.drp.agents.some((a) => a.id === row.agentId)) {
        await this.abandon(m, row.id, row.agentId, callbackId, 'agent_unlisted');
        return null;
      }
      for (const callback of await this.repository.unsent(m, row.id, callbackId)) {
        const problem = await this.post(row.statusCallback, callback);
        if (problem) return problem;
        await this.repository.markCallback(m, callback.id, 'deliveredAt', this.clock.now());
        await this.audit.record(m, { kind: 'agent', agentId: row.agentId }, {
          action: 'drp.callback_delivered',
          targetType: 'drp_request',
          targetId: row.id,
          details: { status: callback.body.status, reason: callback.body.reason ?? null },
        });
      }
      return null;
    });
    if (failure) throw failure;
  }

  /** One POST of the status object: an Error to retry on, or null when the agent took it. */
  private async post(url: string, callback: DrpCallbackEntity): Promise<Error | null> {
    try {
      if (this.config.env === 'production') await this.assertPublic(new URL(url).hostname);
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
        headers: { 'content-type': 'application/json', 'idempotency-key': `${callback.drpRequestId}:${callback.id}` },
        body: JSON.stringify(callback.body),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return null;
      return Object.assign(new Error(`the agent's status_callback answered ${response.status}`), { name: 'CallbackRejected', code: String(response.status) });
    } catch (error) {
      return error as Error;
    }
  }

  /** In production a callback never goes to a private, loopback or link-local address, whatever the name resolves to now. */
  private async assertPublic(hostname: string): Promise<void> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    if (addresses.length === 0 || !addresses.every(publicAddress)) throw Object.assign(new Error('the status_callback host resolves to a private address'), { name: 'CallbackRefused' });
  }

  /** Every try failed: this callback and the earlier ones still unsent are given up on, so later ones can go. */
  private async giveUp(callbackId: string): Promise<void> {
    const callback = await this.repository.callback(callbackId);
    if (!callback) return;
    await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lock(m, callback.drpRequestId);
      if (row) await this.abandon(m, row.id, row.agentId, callbackId, 'undelivered');
    });
  }

  private async abandon(m: EntityManager, drpRequestId: string, agentId: string, uptoId: string, why: 'undelivered' | 'agent_unlisted'): Promise<void> {
    const unsent = await this.repository.unsent(m, drpRequestId, uptoId);
    for (const callback of unsent) await this.repository.markCallback(m, callback.id, 'failedAt', this.clock.now());
    if (unsent.length === 0) return;
    this.logger.warn({ drpRequestId, agentId, callbacks: unsent.length, why }, 'DRP status callbacks given up');
    await this.audit.record(m, { kind: 'agent', agentId }, { action: 'drp.callback_failed', targetType: 'drp_request', targetId: drpRequestId, details: { callbacks: unsent.length, why } });
  }
}
