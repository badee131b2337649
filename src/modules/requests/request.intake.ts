import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { type Caller, hasRole } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { ValidationFailed } from '../../common/errors/domain.error.js';
import type { FieldError } from '../../common/errors/problem.js';
import { DEFAULT_LOCALE, type Locale } from '../../common/i18n/locales.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { type RectifiableField, rectifiableFields } from '../../config/data-stores.config.js';
import type { IamIdentity } from './iam-token.js';
import type { CreatedRequestDto, CreateRequestDto } from './request.dto.js';
import { RequestEntity } from './request.entity.js';
import { RequestLifecycle, type Personal } from './request.lifecycle.js';
import { requesterMail } from './request.mail.js';
import type { RequestRecord, RequestType } from './request.types.js';
import { RequestVerification } from './request.verification.js';
import { RequestsRepository } from './requests.repository.js';
import { recordedByCounsel } from './unverified.plan.js';

export interface IntakeContext {
  /** An API key caller: counsel recording a request that came by post, phone or email. */
  caller?: Caller;
  iam?: IamIdentity;
  /** The requester's language as their browser asks for it, when the request names none. */
  locale?: Locale;
  /**
   * An authorized agent filed it over the Data Rights Protocol (signature checked), with the id its
   * DRP request is known by. `verification`: `vouched`, the agent verified the email and is trusted to
   * (`email_verified` from an agent with trustVerifiedEmail); `not_required`, an opt-out of sale or
   * sharing, which the law does not let depend on verification; `code`, the requester verifies with
   * the emailed code, as on the web. `optOut` runs the opt-out clock. `within` runs last in intake's
   * transaction (the agent's request is recorded with it, or neither is). An agent's request is never
   * answered by another open request: those may be someone else's, or another agent's.
   */
  agent?: {
    id: string;
    requestId: string;
    verification: 'vouched' | 'not_required' | 'code';
    optOut: boolean;
    within: (m: EntityManager, request: RequestRecord) => Promise<void>;
  };
}

/** A new request: checked, sealed, acknowledged, and on its way to verification. */
@Injectable()
export class RequestIntake {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly verification: RequestVerification,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async intake(dto: CreateRequestDto, context: IntakeContext): Promise<CreatedRequestDto> {
    const counsel = hasRole(context.caller, 'counsel');
    const errors = this.problems(dto, context, counsel);
    if (errors.length > 0) throw new ValidationFailed(errors);
    const email = context.iam?.email ?? dto.email ?? null;
    const subjectId = context.iam?.subjectId ?? dto.subjectId ?? null;

    const emailHash = email ? this.keyring.keyedHash('request-email', email.trim().toLowerCase()) : null;
    const subjectRef = subjectId ? this.keyring.keyedHash('consent-subject', subjectId) : null;
    // A typed subject id proves nothing: only a proven one (IAM token) may match another request by id,
    // or anyone could block someone else's request, and learn of it, by typing their id.
    const duplicate = context.agent ? null : await this.openDuplicate(dto.type, emailHash, context.iam ? subjectRef : null);
    if (duplicate) return this.answerDuplicate(duplicate, context.caller);

    const now = this.clock.now();
    const id = context.agent?.requestId ?? randomUUID();
    const statusToken = `rt_${randomToken(32)}`;
    const personal: Personal = { email, name: dto.name ?? null, subjectId, details: dto.details ?? null, changes: dto.changes ?? null };
    const sealed = this.keyring.seal(JSON.stringify(personal));
    const fields: Omit<RequestEntity, 'clockStartedOn' | 'dueOn' | 'extendedDueOn' | 'extensionNoticeBy' | 'acknowledgeBy' | 'dueAt'> = {
      id,
      type: dto.type,
      status: 'received',
      pausedFrom: null,
      jurisdiction: dto.jurisdiction ?? this.config.requests.defaultJurisdiction,
      locale: dto.locale ?? context.locale ?? DEFAULT_LOCALE,
      channel: dto.channel ?? (context.agent ? 'authorized_agent' : context.iam ? 'iam' : counsel ? 'email' : 'web'),
      subjectRef,
      subjectIdProof: context.iam ? 'iam_token' : null,
      subjectIdConfirmedAt: context.iam ? now : null,
      emailHash,
      personalSealed: sealed.data,
      contactKeyId: sealed.keyId,
      purposes: dto.purposes ?? [],
      receivedAt: dto.receivedAt ? new Date(dto.receivedAt) : now,
      clockKind: context.agent?.optOut ? 'opt_out' : 'standard',
      pauses: [],
      pauseStartedOn: null,
      pauseReason: null,
      extended: false,
      extensionReason: null,
      assigneeSealed: null,
      assigneeHash: null,
      verificationMethod: null,
      verifiedAt: null,
      verificationAskedAt: null,
      codeHash: null,
      codeExpiresAt: null,
      codeAttempts: 0,
      codeLockedAt: null,
      codeSends: 0,
      codeSendsDay: null,
      codeLastSentAt: null,
      statusTokenHash: sha256Hex(statusToken),
      refusalGround: null,
      refusalExplanation: null,
      identityPurgedAt: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const request = Object.assign(new RequestEntity(), fields);
    this.lifecycle.applyClock(request);
    const actor: Caller = context.caller ?? (context.agent ? { kind: 'agent', agentId: context.agent.id } : { kind: 'subject', requestId: id });
    await this.dataSource.transaction(async (m) => {
      await this.repository.insert(m, request);
      await this.lifecycle.event(m, request, actor, 'received', true, { channel: request.channel, jurisdiction: request.jurisdiction });
      await this.audit.record(m, actor, { action: 'request.received', targetType: 'request', targetId: id, details: { type: request.type, channel: request.channel, jurisdiction: request.jurisdiction } });
      const vouchedBy = context.iam
        ? 'iam_token'
        : context.agent?.verification === 'vouched'
          ? 'authorized_agent'
          : context.agent?.verification === 'not_required'
            ? 'not_required_opt_out'
            : null;
      if (vouchedBy) {
        await this.lifecycle.move(m, request, 'verify', actor, { method: vouchedBy });
        request.verificationMethod = vouchedBy;
        request.verifiedAt = now;
        await this.lifecycle.afterVerified(m, request, actor);
      } else if (email) {
        await this.lifecycle.move(m, request, 'request_verification', actor);
        request.verificationAskedAt = now;
        // A request counsel recorded (post, phone, …) was made on no page of ours: nowhere to type
        // a code, so counsel confirms the requester's identity with them instead.
        if (!recordedByCounsel(request.channel)) await this.verification.sendCode(m, request, personal);
        await this.lifecycle.scheduleUnverified(m, request);
      }
      // The token rides in the fragment: browsers never send it to a server, nor in a Referer.
      const follow = { statusToken, statusUrl: `${this.config.publicUrl}/v1/requests/${id}/status`, pageUrl: `${this.config.publicUrl}/privacy/requests/${id}#token=${statusToken}` };
      const identity = vouchedBy === 'not_required_opt_out' ? 'not_needed' : vouchedBy ? 'confirmed' : recordedByCounsel(request.channel) ? 'with_counsel' : 'code';
      if (email) await this.lifecycle.mail(m, request, personal, 'received', (c) => requesterMail.received(c, request.dueOn, identity, follow));
      await this.repository.save(m, request);
      await this.lifecycle.scheduleReminders(m, request);
      if (context.agent) await context.agent.within(m, request);
    });
    return { id, status: request.status, statusToken, duplicate: false };
  }

  /** The fields a requester may ask to correct, with their labels (from the data stores' configuration). */
  rectifiableFields(): { items: { field: string; label: string }[]; nextCursor: null } {
    return { items: this.published().map(({ field, label }) => ({ field, label })), nextCursor: null };
  }

  /** What is wrong with a request as made, field by field (the DTO checked each field alone). */
  private problems(dto: CreateRequestDto, context: IntakeContext, counsel: boolean): FieldError[] {
    const errors: FieldError[] = [];
    if (!counsel && dto.receivedAt !== undefined) errors.push({ path: 'receivedAt', message: 'receivedAt may only be set by counsel' });
    if (!counsel && dto.channel !== undefined) errors.push({ path: 'channel', message: 'channel may only be set by counsel' });
    if (dto.receivedAt !== undefined && new Date(dto.receivedAt).getTime() > this.clock.now().getTime()) {
      errors.push({ path: 'receivedAt', message: 'receivedAt must not be in the future' });
    }
    if (dto.type === 'rectification' && !dto.changes?.length) errors.push({ path: 'changes', message: 'changes are required for rectification' });
    if (dto.type !== 'rectification' && dto.changes !== undefined) errors.push({ path: 'changes', message: 'changes are only for rectification' });
    if (dto.type === 'rectification') errors.push(...this.unknownFields(dto.changes ?? []));
    if (dto.type === 'objection' && !dto.purposes?.length) errors.push({ path: 'purposes', message: 'purposes are required for an objection' });
    if (dto.type !== 'objection' && dto.purposes !== undefined) errors.push({ path: 'purposes', message: 'purposes are only for an objection' });
    const email = context.iam?.email ?? dto.email ?? null;
    const subjectId = context.iam?.subjectId ?? dto.subjectId ?? null;
    if (!context.iam && !email && !(counsel && subjectId)) errors.push({ path: 'email', message: 'email is required unless you sign in with your account' });
    return errors;
  }

  private published(): RectifiableField[] {
    return rectifiableFields(this.config.dataStores);
  }

  /**
   * A correction must name a field some store can change. Without any published field (no data store,
   * or none that declares one) counsel handles corrections by hand and any field is taken.
   */
  private unknownFields(changes: { field: string }[]): FieldError[] {
    const fields = this.published();
    if (fields.length === 0) return [];
    const known = new Set(fields.map((f) => f.field));
    const accepted = fields.map((f) => `${f.field} (${f.label})`).join(', ');
    return changes.flatMap((c, i) => (known.has(c.field) ? [] : [{ path: `changes[${i}].field`, message: `field must be one of the fields we can correct: ${accepted}` }]));
  }

  /** An open request of the same type by the same email, or by the same *proven* subject id (`provenSubjectRef`). */
  private async openDuplicate(type: RequestType, emailHash: string | null, provenSubjectRef: string | null): Promise<RequestEntity | null> {
    if (!emailHash && !provenSubjectRef) return null;
    return this.repository.openDuplicate(type, emailHash, provenSubjectRef);
  }

  private async answerDuplicate(existing: RequestEntity, caller?: Caller): Promise<CreatedRequestDto> {
    const actor: Caller = caller ?? { kind: 'subject', requestId: existing.id };
    await this.dataSource.transaction(async (m) => {
      await this.lifecycle.event(m, existing, actor, 'duplicate_received', false, {});
      await this.audit.record(m, actor, { action: 'request.duplicate_received', targetType: 'request', targetId: existing.id });
      await this.lifecycle.mail(m, existing, this.lifecycle.personal(existing), `duplicate-${this.clock.now().getTime()}`, (c) => requesterMail.duplicate(c));
    });
    // The existing token is stored only as a hash, and handing a new one to whoever knows the email would leak the request.
    return { id: existing.id, status: existing.status, statusToken: null, duplicate: true };
  }
}
