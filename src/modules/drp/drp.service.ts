import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type KeyObject, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import type { DrpStatusDto, DrpTokenDto } from './drp.dto.js';
import { DrpAgentTokenEntity, type DrpCallbackEntity, DrpRequestEntity } from './drp.entity.js';
import { DrpRepository } from './drp.repository.js';
import { callbackAccepted, checkEnvelope, type DrpReason, type DrpRefusal, type DrpStatus, exerciseOf, FINAL, regimeAccepted, statusOf } from './drp.rules.js';
import { ed25519PublicKey, openSigned } from './drp.signature.js';

/** A refusal in DRP's own error shape (§3.06), answered by DrpErrorFilter. */
export class DrpError extends Error {
  constructor(readonly refusal: DrpRefusal) {
    super(refusal.message);
    this.name = 'DrpError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{1,60}$/;

const DETAILS = {
  verify: 'We emailed the person a code and a link to confirm their email address; the request goes ahead once they do.',
  optIn: 'An opt-in to the sale or sharing of personal information must come from the person themselves: they can give it where they use the service.',
  noEmail: 'The request carries no email address, and an email address is how this business identifies and contacts the person.',
  nothingToOptOut: 'No purpose in this business’s records is covered by an opt-out of sale or sharing: there is nothing to opt out of.',
  regime: (regime: string) => `This business takes DRP requests under the CCPA, or voluntarily; not under "${regime}".`,
  right: (right: string) => `This business does not take "${right}" requests over DRP.`,
};

interface Agent {
  id: string;
  key: KeyObject;
}

/**
 * The Covered Business side of the Data Rights Protocol 1.0: agents pair, file access, deletion and
 * sale opt-out requests, follow and revoke them, and are called back on every change. Requests
 * become Lethe requests (access, erasure, objection), so counsel handle them like any other and the
 * legal clock gives `expected_by`.
 */
@Injectable()
export class DrpService implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('Drp');
  private readonly agents: Map<string, Agent>;
  /** The linked requests each open transaction moved (by its query runner): their callbacks are made as it commits. */
  private readonly pendingCallbacks = new WeakMap<QueryRunner, Set<string>>();

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: DrpRepository,
    private readonly requests: RequestsService,
    private readonly catalog: PurposeCatalog,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.agents = new Map(config.drp.agents.map((a) => [a.id, { id: a.id, key: ed25519PublicKey(a.verifyKey) }]));
    dataSource.subscribers.push(this);
  }

  onModuleInit(): void {
    this.requests.onTransition((m, request) => this.changed(m, request.id));
    this.requests.onExtended((m, request) => this.extended(m, request));
    this.jobs.define('drp.callback', (p) => this.callBack(String(p.callbackId)), {
      attempts: this.config.webhooks.maxAttempts,
      backoffMs: this.config.webhooks.backoffMs,
      onExhausted: (p: Record<string, unknown>) => this.unreached(String(p.callbackId)),
    });
  }

  // ── §2.05, §2.06: pair-wise key setup and agent information ──────────────────────────────

  /** A signed setup message from a listed agent gives it a new token; any failure is a bare 403 (§2.05.1). */
  async pair(agentId: string, body: string): Promise<DrpTokenDto> {
    this.enabled();
    const agent = this.agents.get(agentId);
    const silent = (message: string): DrpError => new DrpError({ status: 403, message, silent: true });
    if (!agent) throw silent('unknown agent');
    const opened = openSigned(body, agent.key);
    if (!opened.ok) throw silent(opened.failure);
    const refusal = checkEnvelope(opened.claims, { agentId, businessId: this.config.drp.businessId!, now: this.clock.now().getTime(), required: true });
    if (refusal) throw silent(refusal.message);
    const token = `drp_${randomToken(32)}`;
    const version = typeof opened.claims['drp.version'] === 'string' ? opened.claims['drp.version'].slice(0, 20) : null;
    await this.dataSource.transaction(async (m) => {
      const entity = Object.assign(new DrpAgentTokenEntity(), { agentId, tokenHash: sha256Hex(token), drpVersion: version, issuedAt: this.clock.now() });
      await this.repository.saveToken(m, entity);
      await this.audit.record(m, this.caller(agentId), { action: 'drp.agent_paired', targetType: 'drp_agent', targetId: agentId, details: { drpVersion: version } });
    });
    return { 'agent-id': agentId, token };
  }

  /** §2.06: the token is valid and belongs to the agent the path names. */
  async agentInfo(agentId: string, authorization: string | undefined): Promise<Record<string, never>> {
    const agent = await this.bearer(authorization);
    if (agent.id !== agentId) throw new DrpError({ status: 403, message: 'This token belongs to another agent' });
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.agent_checked', targetType: 'drp_agent', targetId: agent.id }));
    return {};
  }

  // ── §2.01 exercise, §2.02 status, §2.04 revoke ────────────────────────────────────────────

  async exercise(authorization: string | undefined, body: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    const claims = this.open(agent, body, true);
    const bodyHash = sha256Hex(body.trim());
    const repeated = await this.repository.byBodyHash(bodyHash);
    if (repeated) return this.answerRepeated(agent, repeated);

    const exercise = exerciseOf(claims.exercise);
    if (!exercise) throw new DrpError({ status: 400, message: 'exercise must name a right (§3.01), e.g. "access"' });
    const agentRequestId = claims['agent-request-id'];
    if (agentRequestId !== undefined && (typeof agentRequestId !== 'string' || agentRequestId.length === 0 || agentRequestId.length > 200)) {
      throw new DrpError({ status: 400, message: 'agent-request-id must be a string of at most 200 characters' });
    }
    const callback = claims.status_callback;
    if (callback !== undefined && callback !== null && !callbackAccepted(callback)) {
      throw new DrpError({ status: 400, message: 'status_callback must be an https URL (http only to this machine) of at most 2000 characters, without credentials' });
    }
    const email = typeof claims.email === 'string' && EMAIL.test(claims.email.trim()) ? claims.email.trim() : null;
    const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim().slice(0, 200) : undefined;
    const regime = typeof claims.regime === 'string' ? claims.regime.slice(0, 30) : null;

    const now = this.clock.now();
    const row: DrpRequestEntity = Object.assign(new DrpRequestEntity(), {
      id: randomUUID() as string,
      agentId: agent.id,
      agentRequestId: typeof agentRequestId === 'string' ? agentRequestId : null,
      bodyHash,
      exercise: typeof claims.exercise === 'string' ? claims.exercise.slice(0, 100) : String(exercise.kind),
      regime,
      drpVersion: typeof claims['drp.version'] === 'string' ? claims['drp.version'].slice(0, 20) : null,
      statusCallback: typeof callback === 'string' ? callback : null,
      requestId: null,
      status: null,
      reason: null,
      processingDetails: null,
      receivedAt: now,
      revokedAt: null,
      updatedAt: now,
    } satisfies DrpRequestEntity);

    const answer = (status: DrpStatus, reason: DrpReason | null, details: string): Promise<DrpStatusDto> =>
      this.file(agent, Object.assign(row, { status, reason, processingDetails: details }), null);
    if (exercise.kind === 'unsupported') return answer('denied', 'claim_not_covered', DETAILS.right(exercise.right));
    if (!regimeAccepted(claims.regime)) return answer('denied', 'outside_jurisdiction', DETAILS.regime(String(claims.regime)));
    if (exercise.kind === 'opt_in') return answer('denied', 'claim_not_covered', DETAILS.optIn);
    if (!email) return answer('denied', 'insuf_verification', DETAILS.noEmail);

    let purposes: string[] | undefined;
    if (exercise.kind === 'opt_out') {
      purposes = (await this.catalog.all()).filter((p) => p.purpose.optOutSignal).map((p) => p.purpose.key);
      if (purposes.length === 0) return answer('fulfilled', null, DETAILS.nothingToOptOut);
    }
    const created = await this.requests.intake(
      { type: exercise.kind === 'opt_out' ? 'objection' : exercise.type, email, name, jurisdiction: 'US-CA', purposes },
      { agent: { id: agent.id, vouched: claims.email_verified === true } },
    );
    // The agent's reference is counsel's: the DRP request_id is the Lethe request's id (a second
    // agent request answered by the same open request gets one of its own).
    if (!created.duplicate) row.id = created.id;
    return this.file(agent, Object.assign(row, { requestId: created.id }), created.duplicate ? 'linked to an open request of the same kind' : null);
  }

  async status(authorization: string | undefined, id: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    const row = await this.owned(agent, id);
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.status_read', targetType: 'drp_request', targetId: row.id }));
    return this.view(row);
  }

  async revoke(authorization: string | undefined, id: string, body: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    const claims = this.open(agent, body, false);
    if (claims.reason !== undefined && (typeof claims.reason !== 'string' || claims.reason.length > 1000)) throw new DrpError({ status: 400, message: 'reason must be text of at most 1000 characters' });
    await this.owned(agent, id);
    const caller = this.caller(agent.id);
    const row = await this.dataSource.transaction(async (m) => {
      const locked = (await this.repository.lock(m, id))!;
      if (locked.revokedAt) return locked;
      const current = locked.requestId ? statusOf(await this.requests.withdrawByAgent(m, locked.requestId, caller)) : { status: locked.status!, reason: locked.reason };
      if (current.status !== 'revoked') throw new DrpError({ status: 409, message: `The request is already ${current.status}: only an open or in-progress request can be revoked`, fatal: true });
      locked.revokedAt = this.clock.now();
      locked.updatedAt = locked.revokedAt;
      if (!locked.requestId) locked.status = 'revoked';
      await this.repository.saveRequest(m, locked);
      await this.audit.record(m, caller, { action: 'drp.request_revoked', targetType: 'drp_request', targetId: locked.id, details: { requestId: locked.requestId, reasonGiven: typeof claims.reason === 'string' } });
      return locked;
    });
    return this.view(row);
  }

  // ── status callbacks (§2.03) ───────────────────────────────────────────────────────────────

  /** A linked Lethe request moved, in the mover's transaction: its agent requests get a callback when it commits. */
  private changed(m: EntityManager, requestId: string): Promise<void> {
    const runner = m.queryRunner;
    if (!runner) throw new Error('DRP callbacks need the transition’s transaction');
    const pending = this.pendingCallbacks.get(runner) ?? new Set<string>();
    pending.add(requestId);
    this.pendingCallbacks.set(runner, pending);
    return Promise.resolve();
  }

  /** §3.08: an extension moves `expected_by`, and `processing_details` says why. */
  private async extended(m: EntityManager, request: RequestRecord): Promise<void> {
    for (const row of await this.repository.byRequestId(m, request.id)) {
      row.processingDetails = `The business extended its deadline, as the CCPA allows, to ${request.dueAt.toISOString().slice(0, 10)}. The person was emailed the reason.`;
      row.updatedAt = this.clock.now();
      await this.repository.saveRequest(m, row);
    }
    await this.changed(m, request.id);
  }

  /**
   * Just before a transaction that moved linked requests commits, each of their agent requests with
   * a status_callback gets the status object as it now stands (refusal grounds and dates included,
   * whatever order the transaction set them in), unless it equals the last one sent, and a job to
   * send it. In the same transaction: a committed change is never without its callback.
   */
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const pending = this.pendingCallbacks.get(event.queryRunner);
    if (!pending) return;
    this.pendingCallbacks.delete(event.queryRunner);
    const m = event.manager;
    for (const requestId of pending) {
      const record = await this.requests.record(requestId, m);
      for (const row of await this.repository.byRequestId(m, requestId)) {
        if (!row.statusCallback) continue;
        const body = { ...(await this.view(row, record)) } as Record<string, unknown>;
        const last = await this.repository.lastCallback(m, row.id);
        if (last && JSON.stringify(last.body) === JSON.stringify(body)) continue;
        const callback = await this.repository.insertCallback(m, row.id, body, this.clock.now());
        await this.jobs.schedule(m, { name: 'drp.callback', key: `drp:callback:${callback.id}`, payload: { callbackId: callback.id }, runAt: this.clock.now() });
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pendingCallbacks.delete(event.queryRunner);
  }

  /**
   * Sends an agent request's callbacks in order, up to this one, under the agent request's lock (so
   * two jobs never send out of order); stops at the first the agent does not take with a 2xx, and
   * is retried from there.
   */
  private async callBack(callbackId: string): Promise<void> {
    const first = await this.repository.callback(callbackId);
    if (!first) return;
    const failure = await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lock(m, first.drpRequestId);
      if (!row?.statusCallback) return null;
      for (const callback of await this.repository.unsent(m, row.id, callbackId)) {
        const problem = await this.post(row.statusCallback, callback);
        if (problem) return problem;
        await this.repository.markCallback(m, callback.id, 'deliveredAt', this.clock.now());
        await this.audit.record(m, this.caller(row.agentId), {
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

  /** One POST of the status object; an Error to retry on, or null when the agent took it. */
  private async post(url: string, callback: DrpCallbackEntity): Promise<Error | null> {
    try {
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

  /** Every try failed: this callback and the earlier ones still unsent are given up on, so later ones can go. */
  private async unreached(callbackId: string): Promise<void> {
    const callback = await this.repository.callback(callbackId);
    if (!callback) return;
    await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lock(m, callback.drpRequestId);
      if (!row) return;
      const given = await this.repository.unsent(m, row.id, callbackId);
      for (const unsent of given) await this.repository.markCallback(m, unsent.id, 'failedAt', this.clock.now());
      if (given.length === 0) return;
      this.logger.warn({ drpRequestId: row.id, agentId: row.agentId, callbacks: given.length }, 'every try of a DRP status callback failed');
      await this.audit.record(m, this.caller(row.agentId), { action: 'drp.callback_failed', targetType: 'drp_request', targetId: row.id, details: { callbacks: given.length } });
    });
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  private enabled(): void {
    if (this.agents.size === 0 || !this.config.drp.businessId) throw new DrpError({ status: 404, message: 'This service takes no Data Rights Protocol requests (no agent is configured)', fatal: true });
  }

  private caller(agentId: string): Caller {
    return { kind: 'agent', agentId };
  }

  /** The agent a bearer token was issued to (§3.07: the token picks the key the message must verify with). */
  private async bearer(authorization: string | undefined): Promise<Agent> {
    this.enabled();
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new DrpError({ status: 401, message: 'Send the pair-wise token: Authorization: Bearer <token> (POST /v1/agent/{agent-id} issues it)' });
    const row = await this.repository.tokenByHash(sha256Hex(token));
    const agent = row ? this.agents.get(row.agentId) : undefined;
    if (!agent) throw new DrpError({ status: 401, message: 'The token is unknown, was replaced by a newer pairing, or its agent is no longer listed' });
    return agent;
  }

  /** §3.07's order: base64, the signature with the token's agent key, then agent-id, business-id, issued-at, expires-at. */
  private open(agent: Agent, body: string, required: boolean): Record<string, unknown> {
    const opened = openSigned(body, agent.key);
    if (!opened.ok) {
      if (opened.failure === 'not_base64') throw new DrpError({ status: 400, message: 'The body must be the base64 of the Ed25519 signature followed by the JSON message (§3.07.1)', fatal: true });
      if (opened.failure === 'bad_signature') throw new DrpError({ status: 403, message: 'The signature does not verify with the key of the agent this token belongs to', fatal: true });
      throw new DrpError({ status: 400, message: 'The signed message is not a JSON object', fatal: true });
    }
    const refusal = checkEnvelope(opened.claims, { agentId: agent.id, businessId: this.config.drp.businessId!, now: this.clock.now().getTime(), required });
    if (refusal) throw new DrpError(refusal);
    return opened.claims;
  }

  private async owned(agent: Agent, id: string): Promise<DrpRequestEntity> {
    const row = UUID.test(id) ? await this.repository.byId(id.toLowerCase()) : null;
    if (!row) throw new DrpError({ status: 404, message: 'No such request' });
    if (row.agentId !== agent.id) throw new DrpError({ status: 403, message: 'Another agent manages this request' });
    return row;
  }

  /**
   * Records the agent's request and answers with its status. With a Lethe request behind it, under
   * that request's lock: a change after this commits finds the link and calls the agent back; one
   * before it is in the answer.
   */
  private async file(agent: Agent, row: DrpRequestEntity, note: string | null): Promise<DrpStatusDto> {
    const caller = this.caller(agent.id);
    try {
      const record = await this.dataSource.transaction(async (m) => {
        const locked = row.requestId ? await this.requests.lock(m, row.requestId) : null;
        await this.repository.insertRequest(m, row);
        await this.audit.record(m, caller, {
          action: 'drp.request_received',
          targetType: 'drp_request',
          targetId: row.id,
          details: { exercise: row.exercise, regime: row.regime, requestId: row.requestId, status: row.status, reason: row.reason, note },
        });
        return locked;
      });
      return this.view(row, record);
    } catch (error) {
      // The same signed request, filed twice at once: the first one stands.
      const first = await this.repository.byBodyHash(row.bodyHash);
      if (first) return this.answerRepeated(agent, first);
      throw error;
    }
  }

  private async answerRepeated(agent: Agent, row: DrpRequestEntity): Promise<DrpStatusDto> {
    if (row.agentId !== agent.id) throw new DrpError({ status: 403, message: 'This signed request was filed by another agent' });
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.request_repeated', targetType: 'drp_request', targetId: row.id }));
    return this.view(row);
  }

  /** §3.03's status object, from the Lethe request's state (or the answer recorded at filing). */
  private async view(row: DrpRequestEntity, known?: RequestRecord | null): Promise<DrpStatusDto> {
    const record = known ?? (row.requestId ? await this.requests.record(row.requestId) : null);
    const state = record ? statusOf(record) : { status: row.status ?? 'open', reason: row.reason };
    const view: DrpStatusDto = { request_id: row.id, status: state.status, received_at: row.receivedAt.toISOString() };
    if (row.agentRequestId) view.agent_request_id = row.agentRequestId;
    if (state.reason) view.reason = state.reason;
    if (record && !FINAL.has(state.status)) view.expected_by = record.dueAt.toISOString();
    const details = state.reason === 'need_user_verification' ? DETAILS.verify : row.processingDetails;
    if (details) view.processing_details = details;
    if (record && state.reason === 'need_user_verification') view.user_verification_url = `${this.config.publicUrl}/privacy/requests/${record.id}`;
    return view;
  }
}
