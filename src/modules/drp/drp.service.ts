import { Inject, Injectable, Logger } from '@nestjs/common';
import { type KeyObject, randomUUID } from 'node:crypto';
import { isEmail } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import type { DrpAgentConfig } from '../../config/drp.config.js';
import { IntakeRateLimit } from '../../infrastructure/http/rate-limit.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { RequestsService } from '../requests/requests.service.js';
import type { DrpStatusDto, DrpTokenDto } from './drp.dto.js';
import { DrpAgentTokenEntity, DrpRequestEntity } from './drp.entity.js';
import { DrpError } from './drp.errors.js';
import { DrpRepository } from './drp.repository.js';
import { callbackAccepted, checkEnvelope, type DrpReason, type DrpRefusal, type DrpStatus, exerciseOf, regimeAccepted, statusOf } from './drp.rules.js';
import { ed25519PublicKey, openSigned } from './drp.signature.js';
import { DrpStatuses } from './drp.status.js';
import { DrpCallbacks } from './drp.callbacks.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A pair-wise setup message issued longer ago than this is refused (and its use is forgotten after twice as long). */
const PAIRING_MAX_AGE_MS = 60 * 60_000;

const DETAILS = {
  optIn: 'An opt-in to the sale or sharing of personal information must come from the person themselves: they can give it where they use the service.',
  noEmail: 'The request carries no usable email address, and an email address is how this business identifies and contacts the person.',
  nothingToOptOut: 'No purpose in this business’s records is covered by an opt-out of sale or sharing: there is nothing to opt out of.',
  regime: (regime: string) => `This business takes DRP requests under the CCPA, or voluntarily; not under "${regime.slice(0, 50)}".`,
  right: (right: string) => `This business does not take "${right.slice(0, 50)}" requests over DRP.`,
};

interface Agent {
  id: string;
  key: KeyObject;
  /** SHA-256 of the verify key, kept with its tokens. */
  fingerprint: string;
  trustVerifiedEmail: boolean;
}

/**
 * The Covered Business side of the Data Rights Protocol 1.0: agents pair, file access, deletion and
 * sale opt-out requests, follow and revoke them (callbacks: drp.callbacks.ts). Requests become Lethe
 * requests (access, erasure, objection), so counsel handle them like any other and the legal clock
 * gives `expected_by`. Every call is audited with the agent as actor, refusals included once the
 * agent is known.
 */
@Injectable()
export class DrpService {
  private readonly logger = new Logger('Drp');
  private readonly agents: Map<string, Agent>;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: DrpRepository,
    private readonly statuses: DrpStatuses,
    private readonly callbacks: DrpCallbacks,
    private readonly requests: RequestsService,
    private readonly catalog: PurposeCatalog,
    private readonly rateLimit: IntakeRateLimit,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.agents = new Map(config.drp.agents.map((a: DrpAgentConfig) => [a.id, { id: a.id, key: ed25519PublicKey(a.verifyKey), fingerprint: sha256Hex(a.verifyKey.toString('hex')), trustVerifiedEmail: a.trustVerifiedEmail }]));
  }

  // ── §2.05, §2.06: pair-wise key setup and agent information ──────────────────────────────

  /**
   * A signed setup message from a listed agent, used once and issued within the hour, gets a new
   * token (the previous one stops working). Any failure is a bare 403 (§2.05.1).
   */
  async pair(agentId: string, body: string): Promise<DrpTokenDto> {
    this.enabled();
    const agent = this.agents.get(agentId);
    const silent = (message: string): DrpError => new DrpError({ status: 403, message, silent: true });
    if (!agent) throw silent('unknown agent');
    await this.limit(agent, undefined);
    const opened = openSigned(body, agent.key);
    if (!opened.ok) throw silent(opened.failure);
    const now = this.clock.now();
    const refusal = checkEnvelope(opened.claims, { agentId, businessId: this.config.drp.businessId!, now: now.getTime(), required: true, maxAgeMs: PAIRING_MAX_AGE_MS });
    if (refusal) {
      this.logger.warn({ agentId, why: refusal.message }, 'DRP pairing refused');
      throw silent(refusal.message);
    }
    const token = `drp_${randomToken(32)}`;
    const version = typeof opened.claims['drp.version'] === 'string' ? opened.claims['drp.version'].slice(0, 20) : null;
    await this.dataSource.transaction(async (m) => {
      const fresh = await this.repository.usePairing(m, sha256Hex(opened.message), agentId, now, new Date(now.getTime() - 2 * PAIRING_MAX_AGE_MS));
      if (!fresh) throw silent('this setup message was used already');
      const entity = Object.assign(new DrpAgentTokenEntity(), { agentId, tokenHash: sha256Hex(token), drpVersion: version, keyFingerprint: agent.fingerprint, issuedAt: now });
      await this.repository.saveToken(m, entity);
      await this.audit.record(m, this.caller(agentId), { action: 'drp.agent_paired', targetType: 'drp_agent', targetId: agentId, details: { drpVersion: version } });
    });
    return { 'agent-id': agentId, token };
  }

  /** §2.06: the token is valid and belongs to the agent the path names. */
  async agentInfo(agentId: string, authorization: string | undefined): Promise<Record<string, never>> {
    const agent = await this.bearer(authorization);
    if (agent.id !== agentId) await this.refuse(agent, 'agent', null, { status: 403, message: 'This token belongs to another agent' });
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.agent_checked', targetType: 'drp_agent', targetId: agent.id }));
    return {};
  }

  // ── §2.01 exercise, §2.02 status, §2.04 revoke ────────────────────────────────────────────

  async exercise(authorization: string | undefined, body: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    const { claims, message } = await this.open(agent, body, true, 'exercise', null);
    const email = typeof claims.email === 'string' && claims.email.trim().length <= 254 && isEmail(claims.email.trim()) ? claims.email.trim() : null;
    await this.limit(agent, email ?? undefined);
    // The signed message, decoded: a re-encoding of the same message (padding, line breaks) is the same request.
    const bodyHash = sha256Hex(message);
    const repeated = await this.repository.byBodyHash(bodyHash);
    if (repeated) return this.answerRepeated(agent, repeated);

    const exercise = exerciseOf(claims.exercise);
    if (!exercise) await this.refuse(agent, 'exercise', null, { status: 400, message: 'exercise must name one right (§3.01), e.g. "access"' });
    const agentRequestId = claims['agent-request-id'];
    if (agentRequestId !== undefined && (typeof agentRequestId !== 'string' || agentRequestId.length === 0 || agentRequestId.length > 200)) {
      await this.refuse(agent, 'exercise', null, { status: 400, message: 'agent-request-id must be a string of at most 200 characters' });
    }
    const callback = claims.status_callback;
    if (callback !== undefined && callback !== null && !callbackAccepted(callback, this.config.env === 'production')) {
      await this.refuse(agent, 'exercise', null, { status: 400, message: 'status_callback must be an https URL on the public internet, of at most 2000 characters, without credentials' });
    }
    const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim().slice(0, 200) : undefined;
    const right = exercise!.kind === 'unsupported' ? exercise!.right : String(Array.isArray(claims.exercise) ? claims.exercise[0] : claims.exercise);

    const now = this.clock.now();
    const row: DrpRequestEntity = Object.assign(new DrpRequestEntity(), {
      id: randomUUID() as string,
      agentId: agent.id,
      agentRequestId: typeof agentRequestId === 'string' ? agentRequestId : null,
      bodyHash,
      exercise: right.slice(0, 100),
      regime: typeof claims.regime === 'string' ? claims.regime.slice(0, 30) : null,
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
      this.fileAnswered(agent, Object.assign(row, { status, reason, processingDetails: details }));
    if (exercise!.kind === 'unsupported') return answer('denied', 'claim_not_covered', DETAILS.right(exercise!.right));
    if (!regimeAccepted(claims.regime)) return answer('denied', 'outside_jurisdiction', DETAILS.regime(String(claims.regime)));
    if (exercise!.kind === 'opt_in') return answer('denied', 'claim_not_covered', DETAILS.optIn);
    if (!email) return answer('denied', 'insuf_verification', DETAILS.noEmail);

    let purposes: string[] | undefined;
    if (exercise!.kind === 'opt_out') {
      purposes = (await this.catalog.all()).filter((p) => p.purpose.optOutSignal).map((p) => p.purpose.key);
      if (purposes.length === 0) return answer('fulfilled', null, DETAILS.nothingToOptOut);
    }
    const optOut = exercise!.kind === 'opt_out';
    // The agent's reference is counsel's: the DRP request_id is the Lethe request's id.
    const verification = optOut ? 'not_required' : agent.trustVerifiedEmail && claims.email_verified === true ? 'vouched' : 'code';
    try {
      await this.requests.intake(
        { type: optOut ? 'objection' : exercise!.kind === 'request' ? exercise!.type : 'access', email, name, jurisdiction: 'US-CA', purposes },
        {
          agent: {
            id: agent.id,
            requestId: row.id,
            verification,
            optOut,
            // In intake's transaction: the request and the agent's link to it are recorded together, or neither is.
            within: async (m, request) => {
              row.requestId = row.id;
              await this.repository.insertRequest(m, row);
              if (row.statusCallback) await this.callbacks.told(m, row.id, { ...(await this.statuses.view(row, request)) });
              await this.audit.record(m, this.caller(agent.id), {
                action: 'drp.request_received',
                targetType: 'drp_request',
                targetId: row.id,
                details: { exercise: row.exercise, regime: row.regime, requestId: row.id, verification },
              });
            },
          },
        },
      );
    } catch (error) {
      // The same signed message, filed twice at once: the second's insert waited for the first and failed; the first stands.
      const first = await this.repository.byBodyHash(bodyHash);
      if (first) return this.answerRepeated(agent, first);
      throw error;
    }
    return this.statuses.view(row);
  }

  async status(authorization: string | undefined, id: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    await this.limit(agent, undefined);
    const row = await this.owned(agent, id, 'status');
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.status_read', targetType: 'drp_request', targetId: row.id }));
    return this.statuses.view(row);
  }

  async revoke(authorization: string | undefined, id: string, body: string): Promise<DrpStatusDto> {
    const agent = await this.bearer(authorization);
    await this.limit(agent, undefined);
    const { claims } = await this.open(agent, body, false, 'revoke', id);
    if (claims.reason !== undefined && (typeof claims.reason !== 'string' || claims.reason.length > 1000)) {
      await this.refuse(agent, 'revoke', id, { status: 400, message: 'reason must be text of at most 1000 characters' });
    }
    const found = await this.owned(agent, id, 'revoke');
    const caller = this.caller(agent.id);
    const row = await this.dataSource.transaction(async (m) => {
      // The Lethe request's lock first, as every change of it takes it (an extension writes this row under it).
      if (found.requestId) await this.requests.lock(m, found.requestId);
      const locked = (await this.repository.lock(m, id))!;
      if (locked.revokedAt) return locked;
      let state: { status: DrpStatus; reason: DrpReason | null };
      if (locked.requestId) {
        const { request, withdrawn } = await this.requests.withdrawByAgent(m, locked.requestId, caller);
        state = statusOf(request);
        // Withdrawn before, by the person: nothing of the agent's to record.
        if (!withdrawn) return state.status === 'revoked' ? locked : this.notRevocable(state.status);
      } else {
        state = { status: locked.status!, reason: locked.reason };
        if (state.status !== 'open' && state.status !== 'in_progress') return this.notRevocable(state.status);
        locked.status = 'revoked';
      }
      locked.revokedAt = this.clock.now();
      locked.updatedAt = locked.revokedAt;
      await this.repository.saveRequest(m, locked);
      await this.audit.record(m, caller, { action: 'drp.request_revoked', targetType: 'drp_request', targetId: locked.id, details: { requestId: locked.requestId, reasonGiven: typeof claims.reason === 'string' } });
      return locked;
    });
    return this.statuses.view(row);
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  private notRevocable(status: DrpStatus): never {
    throw new DrpError({ status: 409, message: `The request is already ${status}: only an open or in-progress request can be revoked` });
  }

  private enabled(): void {
    if (this.agents.size === 0 || !this.config.drp.businessId) throw new DrpError({ status: 404, message: 'This service takes no Data Rights Protocol requests (no agent is configured)' });
  }

  private caller(agentId: string): Caller {
    return { kind: 'agent', agentId };
  }

  /** The per-agent limit, and the per-email one when a request names an email (it may send that address a code). */
  private async limit(agent: Agent, email: string | undefined): Promise<void> {
    const retryAfter = await this.rateLimit.checkAgent(agent.id, email);
    if (retryAfter !== null) throw new DrpError({ status: 429, message: `Too many requests: try again in ${retryAfter} seconds`, retryAfter });
  }

  /**
   * The agent a bearer token was issued to (§3.07: the token picks the key the message must verify
   * with). A token of an agent no longer listed, or paired with a key since replaced, is refused.
   */
  private async bearer(authorization: string | undefined): Promise<Agent> {
    this.enabled();
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new DrpError({ status: 401, message: 'Send the pair-wise token: Authorization: Bearer <token> (POST /v1/agent/{agent-id} issues it)' });
    const row = await this.repository.tokenByHash(sha256Hex(token));
    const agent = row ? this.agents.get(row.agentId) : undefined;
    if (!agent || agent.fingerprint !== row!.keyFingerprint) {
      throw new DrpError({ status: 401, message: 'The token is unknown, was replaced by a newer pairing, or its agent is no longer listed with that key: pair again' });
    }
    return agent;
  }

  /** §3.07's order: base64, the signature with the token's agent key, then agent-id, business-id, issued-at, expires-at. */
  private async open(agent: Agent, body: string, required: boolean, call: string, targetId: string | null): Promise<{ claims: Record<string, unknown>; message: Buffer }> {
    const opened = openSigned(body, agent.key);
    if (!opened.ok) {
      if (opened.failure === 'not_base64') await this.refuse(agent, call, targetId, { status: 400, message: 'The body must be the base64 of the Ed25519 signature followed by the JSON message (§3.07.1)' });
      if (opened.failure === 'bad_signature') await this.refuse(agent, call, targetId, { status: 403, message: 'The signature does not verify with the key of the agent this token belongs to' });
      await this.refuse(agent, call, targetId, { status: 400, message: 'The signed message is not a JSON object' });
    }
    const claims = (opened as { claims: Record<string, unknown> }).claims;
    const refusal = checkEnvelope(claims, { agentId: agent.id, businessId: this.config.drp.businessId!, now: this.clock.now().getTime(), required });
    if (refusal) await this.refuse(agent, call, targetId, refusal);
    return { claims, message: (opened as { message: Buffer }).message };
  }

  /** A call refused once the token named its agent: audited (a bad signature behind a good token is a stolen token), then answered. */
  private async refuse(agent: Agent, call: string, targetId: string | null, refusal: DrpRefusal): Promise<never> {
    await this.dataSource.transaction((m) =>
      this.audit.record(m, this.caller(agent.id), { action: 'drp.call_refused', targetType: targetId ? 'drp_request' : 'drp_agent', targetId: targetId ?? agent.id, details: { call, status: refusal.status, why: refusal.message } }),
    );
    throw new DrpError(refusal);
  }

  private async owned(agent: Agent, id: string, call: string): Promise<DrpRequestEntity> {
    const row = UUID.test(id) ? await this.repository.byId(id.toLowerCase()) : null;
    if (!row) throw new DrpError({ status: 404, message: 'No such request' });
    if (row.agentId !== agent.id) await this.refuse(agent, call, row.id, { status: 403, message: 'Another agent manages this request' });
    return row;
  }

  /** An agent request answered at once (denied, or nothing to do): recorded with its answer, no Lethe request. */
  private async fileAnswered(agent: Agent, row: DrpRequestEntity): Promise<DrpStatusDto> {
    try {
      await this.dataSource.transaction(async (m: EntityManager) => {
        await this.repository.insertRequest(m, row);
        await this.audit.record(m, this.caller(agent.id), {
          action: 'drp.request_received',
          targetType: 'drp_request',
          targetId: row.id,
          details: { exercise: row.exercise, regime: row.regime, requestId: null, status: row.status, reason: row.reason },
        });
      });
    } catch (error) {
      const first = await this.repository.byBodyHash(row.bodyHash);
      if (first) return this.answerRepeated(agent, first);
      throw error;
    }
    return this.statuses.view(row, null);
  }

  private async answerRepeated(agent: Agent, row: DrpRequestEntity): Promise<DrpStatusDto> {
    if (row.agentId !== agent.id) await this.refuse(agent, 'exercise', row.id, { status: 403, message: 'This signed request was filed by another agent' });
    await this.dataSource.transaction((m) => this.audit.record(m, this.caller(agent.id), { action: 'drp.request_repeated', targetType: 'drp_request', targetId: row.id }));
    return this.statuses.view(row);
  }
}
