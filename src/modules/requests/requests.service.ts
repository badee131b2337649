import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller, hasRole, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, safeEqual, sha256Hex } from '../../common/crypto.js';
import { ConflictError, DomainError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { FieldError } from '../../common/errors/problem.js';
import { Keyring } from '../../common/keyring.js';
import { pageSize } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { Rendered } from '../../infrastructure/mail/templates.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { computeDeadline } from '../deadlines/deadline.rules.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { addDays, endOfLocalDay, LocalDate, localDateIn } from '../deadlines/local-date.js';
import { supervisoryAuthority } from './request.authorities.js';
import {
  AssignDto,
  ClarificationDto,
  CompleteDto,
  CreatedRequestDto,
  CreateRequestDto,
  ExtendDto,
  ManualVerificationDto,
  NoteDto,
  RefuseDto,
  RequestDetailDto,
  RequestStatusDto,
  RequestSummaryDto,
  TimelinePageDto,
  TimelineQueryDto,
} from './request.dto.js';
import { counselActions } from './request.actions.js';
import { actorInWords, describeEntry } from './request.timeline.js';
import { RequestEntity, RequestEventEntity, RequestNoteEntity } from './request.entity.js';
import { summaryOf } from './request.summary.js';
import { counselMail, MailContext, requesterMail } from './request.mail.js';
import { allowedActions, isOpen, RequestAction, transition } from './request.state.js';
import { IamIdentity } from './iam-token.js';
import { actionableSubjectId, subjectIdStanding } from './request.identity.js';
import { identityPauseFrom, recordedByCounsel, unverifiedPlan } from './unverified.plan.js';
import { requesterView } from './request.requester-view.js';
import { DEFAULT_LOCALE, type Locale } from '../../common/i18n/locales.js';
import { noticeView, RecipientNoticeEntity, stepView, WorkflowStepEntity } from '../workflows/workflow.entity.js';
import { RectifiableField, rectifiableFields } from '../data-stores/data-store.config.js';

const CODE_DIGITS = 6;
const CODE_TTL_MINUTES = 15;
const MAX_CODE_ATTEMPTS = 5;
const MAX_CODE_SENDS_PER_DAY = 5;
const RESEND_INTERVAL_MS = 60_000;
const REMINDER_HOUR = 9;
const REMINDERS = ['7d', '2d', 'due', 'overdue', 'ack'] as const;

interface Personal {
  email: string | null;
  name: string | null;
  subjectId: string | null;
  details: string | null;
  changes: { field: string; newValue: string; note?: string }[] | null;
}

/**
 * Called inside the transaction of every transition, after the request's status changed: the
 * workflows start, guard or cancel their steps here. Throwing refuses the transition.
 */
export type TransitionListener = (m: EntityManager, request: RequestEntity, action: RequestAction) => Promise<void>;

/** What a hand completion adds to the requester's email (the workflows add the Art 15 information to an access request). */
export type CompletionExtras = (request: RequestEntity) => Promise<{ paragraphs: string[]; attachments: NonNullable<Rendered['attachments']> }>;

/** What the workflows need to reach the subject's data. Never logged, never stored unsealed. */
export interface SubjectOfRequest {
  email: string | null;
  /** The subject id only once proven (IAM token, counsel's confirmation); null otherwise. */
  subjectId: string | null;
  /** A subject id was given but not proven: the workflows used the verified email only. */
  subjectIdUnproven: boolean;
  name: string | null;
  changes: { field: string; newValue: string; note?: string }[] | null;
}

export interface IntakeContext {
  /** An API key caller: counsel recording a request that came by post, phone or email. */
  caller?: Caller;
  iam?: IamIdentity;
  /** The requester's language as their browser asks for it, when the request names none. */
  locale?: Locale;
}

@Injectable()
export class RequestsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly listeners: TransitionListener[] = [];
  private completionExtras: CompletionExtras | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly deadlines: DeadlinesService,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define('requests', 'request.reminder', (p, ctx) => this.remind(String(p.requestId), p.which as (typeof REMINDERS)[number], ctx.complete));
    this.jobs.define('requests', 'request.unverified-reminder', (p) => this.remindUnverified(String(p.requestId)));
    this.jobs.define('requests', 'request.expire-unverified', (p) => this.expireUnverified(String(p.requestId)));
    this.jobs.define('requests', 'request.digest', () => this.digest());
  }

  /** The daily digest is pending work like any other: make sure one is scheduled. */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.ensureScheduled('request.digest', (m) => this.scheduleDigest(m));
  }

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  onHandCompletion(extras: CompletionExtras): void {
    this.completionExtras = extras;
  }

  // ── Intake ──────────────────────────────────────────────────────────────────────────────────

  async intake(dto: CreateRequestDto, context: IntakeContext): Promise<CreatedRequestDto> {
    const counsel = hasRole(context.caller, 'counsel');
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
    if (errors.length > 0) throw new ValidationFailed(errors);

    const emailHash = email ? this.keyring.keyedHash('request-email', email.trim().toLowerCase()) : null;
    const subjectRef = subjectId ? this.keyring.keyedHash('consent-subject', subjectId) : null;
    // A typed subject id proves nothing: only a proven one (IAM token) may match another request by id,
    // or anyone could block someone else's request, and learn of it, by typing their id.
    const duplicate = await this.findOpenDuplicate(dto.type, emailHash, context.iam ? subjectRef : null);
    if (duplicate) return this.answerDuplicate(duplicate, context.caller);

    const now = this.clock.now();
    const id = randomUUID();
    const statusToken = `rt_${randomToken(32)}`;
    const personal: Personal = { email, name: dto.name ?? null, subjectId, details: dto.details ?? null, changes: dto.changes ?? null };
    const sealed = this.keyring.seal(JSON.stringify(personal));
    const request = this.dataSource.getRepository(RequestEntity).create({
      id,
      type: dto.type,
      status: 'received',
      pausedFrom: null,
      jurisdiction: dto.jurisdiction ?? this.config.requests.defaultJurisdiction,
      locale: dto.locale ?? context.locale ?? DEFAULT_LOCALE,
      channel: dto.channel ?? (context.iam ? 'iam' : counsel ? 'email' : 'web'),
      subjectRef,
      subjectIdProof: context.iam ? 'iam_token' : null,
      subjectIdConfirmedAt: context.iam ? now : null,
      emailHash,
      personalSealed: sealed.data,
      contactKeyId: sealed.keyId,
      purposes: dto.purposes ?? [],
      receivedAt: dto.receivedAt ? new Date(dto.receivedAt) : now,
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
    });
    this.applyClock(request);
    const actor: Caller = context.caller ?? { kind: 'subject', requestId: id };
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(RequestEntity).insert(request);
      await this.event(m, request, actor, 'received', true, { channel: request.channel, jurisdiction: request.jurisdiction });
      await this.audit.record(m, actor, { action: 'request.received', targetType: 'request', targetId: id, details: { type: request.type, channel: request.channel, jurisdiction: request.jurisdiction } });
      if (context.iam) {
        await this.move(m, request, 'verify', actor, { method: 'iam_token' });
        request.verificationMethod = 'iam_token';
        request.verifiedAt = now;
        await this.afterVerified(m, request, actor);
      } else if (email) {
        await this.move(m, request, 'request_verification', actor);
        request.verificationAskedAt = now;
        // A request counsel recorded (post, phone, …) was made on no page of ours: nowhere to type
        // a code, so counsel confirms the requester's identity with them instead.
        if (!recordedByCounsel(request.channel)) await this.sendCode(m, request, personal);
        await this.scheduleUnverified(m, request);
      }
      // The token rides in the fragment: browsers never send it to a server, nor in a Referer.
      const follow = { statusToken, statusUrl: `${this.config.publicUrl}/v1/requests/${id}/status`, pageUrl: `${this.config.publicUrl}/privacy/requests/${id}#token=${statusToken}` };
      const identity = context.iam ? 'confirmed' : recordedByCounsel(request.channel) ? 'with_counsel' : 'code';
      if (email) await this.mail(m, request, personal, 'received', (c) => requesterMail.received(c, request.dueOn, identity, follow));
      await m.getRepository(RequestEntity).save(request);
      await this.scheduleReminders(m, request);
    });
    return { id, status: request.status, statusToken, duplicate: false };
  }

  /** The fields a requester may ask to correct, with their labels (from the data stores' configuration). */
  rectifiableFields(): { items: { field: string; label: string }[]; nextCursor: null } {
    return { items: this.published().map(({ field, label }) => ({ field, label })), nextCursor: null };
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

  // ── The requester, with the status token ───────────────────────────────────────────────────

  async status(id: string, token: string | undefined): Promise<RequestStatusDto> {
    const request = await this.withToken(id, token);
    const timeline = await this.dataSource.getRepository(RequestEventEntity).find({ where: { requestId: id, isPublic: true }, order: { id: 'ASC' } });
    const limits = { maxAttempts: MAX_CODE_ATTEMPTS, maxSendsPerDay: MAX_CODE_SENDS_PER_DAY, resendIntervalMs: RESEND_INTERVAL_MS };
    const view = requesterView(request, this.deadlines.profile(request.jurisdiction), this.clock.now(), limits, this.unverifiedPlan(request).expiresOn);
    return { ...view, timeline: timeline.map((e) => ({ at: e.at.toISOString(), kind: e.kind })) };
  }

  async verifyCode(id: string, token: string | undefined, code: string): Promise<RequestStatusDto> {
    await this.withToken(id, token);
    const outcome = await this.dataSource.transaction(async (m) => {
      const request = await this.lock(m, id);
      const actor: Caller = { kind: 'subject', requestId: id };
      if (request.status !== 'awaiting_verification') {
        throw new ConflictError('not_awaiting_verification', `This request is ${request.status}; there is nothing to verify`, { allowed: allowedActions(request.status) });
      }
      if (request.codeLockedAt) throw new DomainError(423, 'verification_locked', 'Locked', 'Too many wrong codes: the request is locked until privacy counsel unlocks it');
      const now = this.clock.now();
      const right = request.codeHash !== null && safeEqual(request.codeHash, this.codeHash(id, code));
      if (!right || !request.codeExpiresAt || request.codeExpiresAt.getTime() < now.getTime()) {
        request.codeAttempts += 1;
        const locked = request.codeAttempts >= MAX_CODE_ATTEMPTS;
        if (locked) request.codeLockedAt = now;
        await m.getRepository(RequestEntity).save(request);
        await this.event(m, request, actor, locked ? 'verification_locked' : 'verification_failed', false, { attempts: request.codeAttempts });
        await this.audit.record(m, actor, { action: locked ? 'request.verification_locked' : 'request.verification_failed', targetType: 'request', targetId: id, details: { attempts: request.codeAttempts } });
        return { failed: right ? 'expired' : 'wrong', locked, attemptsLeft: MAX_CODE_ATTEMPTS - request.codeAttempts };
      }
      await this.verifyInside(m, request, actor, 'email_code');
      await m.getRepository(RequestEntity).save(request);
      return { failed: null };
    });
    if (outcome.failed !== null) {
      // Written above, in its own committed transaction: the attempt counts even though we answer 4xx.
      if (outcome.locked) throw new DomainError(423, 'verification_locked', 'Locked', 'Too many wrong codes: the request is locked until privacy counsel unlocks it');
      throw new DomainError(400, outcome.failed === 'expired' ? 'code_expired' : 'code_invalid', 'Bad Request', outcome.failed === 'expired' ? 'The code has expired: ask for a new one' : 'The code is not right', {
        attemptsLeft: outcome.attemptsLeft,
      });
    }
    return this.status(id, token);
  }

  async resendCode(id: string, token: string | undefined): Promise<void> {
    await this.withToken(id, token);
    await this.dataSource.transaction(async (m) => {
      const request = await this.lock(m, id);
      if (request.status !== 'awaiting_verification') throw new ConflictError('not_awaiting_verification', `This request is ${request.status}`, { allowed: allowedActions(request.status) });
      if (request.codeLockedAt) throw new DomainError(423, 'verification_locked', 'Locked', 'The request is locked until privacy counsel unlocks it');
      const now = this.clock.now();
      const today = now.toISOString().slice(0, 10);
      if (request.codeLastSentAt && now.getTime() - request.codeLastSentAt.getTime() < RESEND_INTERVAL_MS) {
        throw new DomainError(429, 'too_soon', 'Too Many Requests', 'A code was sent less than a minute ago', { retryAfterSeconds: Math.ceil((RESEND_INTERVAL_MS - (now.getTime() - request.codeLastSentAt.getTime())) / 1000) });
      }
      if (request.codeSendsDay === today && request.codeSends >= MAX_CODE_SENDS_PER_DAY) {
        throw new DomainError(429, 'too_many_codes', 'Too Many Requests', `At most ${MAX_CODE_SENDS_PER_DAY} codes a day`);
      }
      await this.sendCode(m, request, this.personal(request));
      await m.getRepository(RequestEntity).save(request);
    });
  }

  async withdraw(id: string, token: string | undefined): Promise<RequestStatusDto> {
    await this.withToken(id, token);
    await this.dataSource.transaction(async (m) => {
      const request = await this.lock(m, id);
      const actor: Caller = { kind: 'subject', requestId: id };
      await this.move(m, request, 'withdraw', actor);
      await this.close(m, request);
      await this.mail(m, request, this.personal(request), 'withdrawn', (c) => requesterMail.withdrawn(c));
      await m.getRepository(RequestEntity).save(request);
    });
    return this.status(id, token);
  }

  // ── Counsel ──────────────────────────────────────────────────────────────────────────────────

  /** The full request, personal data included: every read is audited. */
  async detail(id: string, caller: Caller): Promise<RequestDetailDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await m.getRepository(RequestEntity).findOneBy({ id });
      if (!request) throw new NotFoundError('Request');
      await this.audit.record(m, caller, { action: 'request.viewed', targetType: 'request', targetId: id });
      const [timeline, notes, steps, notices] = await Promise.all([
        m.getRepository(RequestEventEntity).find({ where: { requestId: id }, order: { id: 'ASC' } }),
        m.getRepository(RequestNoteEntity).find({ where: { requestId: id }, order: { at: 'ASC' } }),
        m.getRepository(WorkflowStepEntity).find({ where: { requestId: id }, order: { createdAt: 'ASC', key: 'ASC' } }),
        m.getRepository(RecipientNoticeEntity).find({ where: { requestId: id }, order: { createdAt: 'ASC', recipient: 'ASC' } }),
      ]);
      const personal = this.personal(request);
      return {
        ...this.summaryOf(request, this.clock.now()),
        email: personal.email,
        name: personal.name,
        subjectId: personal.subjectId,
        subjectIdStanding: subjectIdStanding(personal.subjectId, request.subjectIdProof, request.subjectIdConfirmedAt),
        details: personal.details,
        changes: personal.changes,
        purposes: request.purposes,
        clockStartedOn: request.clockStartedOn,
        pauses: request.pauses,
        pauseStartedOn: request.pauseStartedOn,
        extendedDueOn: request.extendedDueOn,
        extensionNoticeBy: request.extensionNoticeBy,
        acknowledgeBy: request.acknowledgeBy,
        verificationMethod: request.verificationMethod,
        verifiedAt: request.verifiedAt?.toISOString() ?? null,
        refusalGround: request.refusalGround,
        today: this.today(request),
        verificationLocked: request.codeLockedAt !== null,
        allowedActions: counselActions({
          type: request.type,
          status: request.status,
          pausedFrom: request.pausedFrom,
          today: this.today(request),
          extended: request.extended,
          extendedDueOn: request.extendedDueOn,
          extensionNoticeBy: request.extensionNoticeBy,
          codeLocked: request.codeLockedAt !== null,
          hasSubjectId: request.subjectRef !== null,
          subjectIdProof: request.subjectIdProof,
          steps,
          noticesInFlight: notices.some((n) => n.status === 'queued'),
        }),
        timeline: timeline.map((e) => ({ at: e.at.toISOString(), kind: e.kind, actor: e.actor, public: e.isPublic, details: e.details })),
        notes: notes.map((n) => ({ id: n.id, at: n.at.toISOString(), author: n.author, body: this.keyring.open({ keyId: n.keyId, data: n.bodySealed }) })),
        steps: steps.map((s) => stepView(s, isOpen(request.status))),
        recipients: notices.map(noticeView),
      };
    });
  }

  /** The request's history in words, oldest first, from its audit entries (reads of the request left out). */
  async timeline(id: string, query: TimelineQueryDto): Promise<TimelinePageDto> {
    const exists = await this.dataSource.getRepository(RequestEntity).existsBy({ id });
    if (!exists) throw new NotFoundError('Request');
    const page = await this.audit.list({ targetType: 'request', targetId: id, excludeActions: ['request.viewed'], order: 'asc', limit: pageSize(query), cursor: query.cursor });
    return {
      items: page.items.map((e) => ({ at: e.at, actor: actorInWords(e.actor), action: e.action, summary: describeEntry(e.action, e.details) })),
      nextCursor: page.nextCursor,
    };
  }

  assign(id: string, dto: AssignDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      const sealed = this.keyring.seal(dto.assigneeEmail);
      request.assigneeSealed = `${sealed.keyId}:${sealed.data}`;
      request.assigneeHash = this.keyring.keyedHash('assignee', dto.assigneeEmail.toLowerCase());
      await this.event(m, request, caller, 'assigned', false, {});
      await this.audit.record(m, caller, { action: 'request.assigned', targetType: 'request', targetId: id });
    });
  }

  verifyManually(id: string, dto: ManualVerificationDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      await this.verifyInside(m, request, caller, `manual:${dto.method}`);
      const sealed = this.keyring.seal(`Identity checked (${dto.method}): ${dto.note}`);
      await m.getRepository(RequestNoteEntity).insert({ requestId: id, at: this.clock.now(), author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
    });
  }

  unlock(id: string, caller: Caller) {
    return this.act(id, async (m, request) => {
      if (!request.codeLockedAt) throw new ConflictError('not_locked', 'Verification is not locked');
      request.codeLockedAt = null;
      request.codeAttempts = 0;
      await this.event(m, request, caller, 'verification_unlocked', false, {});
      await this.audit.record(m, caller, { action: 'request.verification_unlocked', targetType: 'request', targetId: id });
    });
  }

  extend(id: string, dto: ExtendDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      if (!isOpen(request.status)) throw new ConflictError('illegal_transition', `Cannot extend a request that is ${request.status}`, { allowed: allowedActions(request.status) });
      if (request.extended) throw new ConflictError('already_extended', 'This request has already been extended');
      if (!request.extendedDueOn || !request.extensionNoticeBy) throw new ConflictError('no_extension', `The ${request.jurisdiction} rules allow no extension`);
      const today = this.today(request);
      if (today > request.extensionNoticeBy) {
        throw new ConflictError('extension_too_late', `The requester had to be told of an extension by ${request.extensionNoticeBy}`);
      }
      const originalDueOn = request.dueOn;
      request.extended = true;
      request.extensionReason = dto.reason;
      this.applyClock(request);
      await this.event(m, request, caller, 'extended', true, { dueOn: request.extendedDueOn });
      await this.audit.record(m, caller, { action: 'request.extended', targetType: 'request', targetId: id, details: { from: originalDueOn, to: request.extendedDueOn } });
      await this.mail(m, request, this.personal(request), 'extended', (c) => requesterMail.extended(c, dto.reason, originalDueOn, request.extendedDueOn!));
      await this.scheduleReminders(m, request);
    });
  }

  refuse(id: string, dto: RefuseDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      await this.move(m, request, 'refuse', caller, { ground: dto.ground });
      request.refusalGround = dto.ground;
      request.refusalExplanation = dto.explanation;
      await this.close(m, request);
      const authority = supervisoryAuthority(request.jurisdiction, this.config.controller.country);
      await this.mail(m, request, this.personal(request), 'refused', (c) => requesterMail.refused(c, dto.ground, dto.explanation, authority));
    });
  }

  askClarification(id: string, dto: ClarificationDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      const from = request.status;
      await this.move(m, request, 'pause_for_clarification', caller);
      request.pausedFrom = from;
      request.pauseStartedOn = this.today(request);
      request.pauseReason = 'clarification';
      await this.mail(m, request, this.personal(request), `clarification-${request.pauses.length}`, (c) => requesterMail.clarification(c, dto.message));
      await this.scheduleReminders(m, request);
    });
  }

  clarificationReceived(id: string, caller: Caller) {
    return this.act(id, async (m, request) => {
      const result = transition(request.status, 'resume', request.pausedFrom);
      if (!result.ok) throw illegal(request.status, 'resume', result.allowed);
      request.pauses = [...request.pauses, { from: request.pauseStartedOn!, to: this.today(request), reason: request.pauseReason ?? 'clarification' }];
      request.pauseStartedOn = null;
      request.pauseReason = null;
      const pausedFrom = request.pausedFrom;
      request.pausedFrom = null;
      await this.move(m, request, 'resume', caller, {}, pausedFrom);
      this.applyClock(request);
      await this.scheduleReminders(m, request);
    });
  }

  approve(id: string, caller: Caller) {
    return this.act(id, (m, request) => this.move(m, request, 'approve', caller));
  }

  /** Counsel completes a request fulfilled outside Lethe's workflows. */
  async complete(id: string, dto: CompleteDto, caller: Caller) {
    // Gathered before the transaction: the register is read on its own connection.
    const found = await this.dataSource.getRepository(RequestEntity).findOneBy({ id });
    const extras = (found && (await this.completionExtras?.(found))) || { paragraphs: [], attachments: [] };
    return this.act(id, async (m, request) => {
      await this.move(m, request, 'complete', caller);
      await this.close(m, request);
      // The outcome may name what was sent where: kept encrypted, as a note, like counsel's others.
      const sealed = this.keyring.seal(`Outcome sent to the requester: ${dto.outcome}`);
      await m.getRepository(RequestNoteEntity).insert({ requestId: request.id, at: this.clock.now(), author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
      await this.mail(m, request, this.personal(request), 'completed', (c) => {
        const message = requesterMail.completed(c, dto.outcome, extras.paragraphs);
        return extras.attachments.length ? { ...message, attachments: extras.attachments } : message;
      });
    });
  }

  // ── For the workflows ────────────────────────────────────────────────────────────────────────

  /** The subject's identity and requested changes, for the adapters. */
  subjectOf(request: RequestEntity): SubjectOfRequest {
    const { email, subjectId, name, changes } = this.personal(request);
    return { email, subjectId: actionableSubjectId(subjectId, request.subjectIdProof), subjectIdUnproven: Boolean(subjectId && !request.subjectIdProof), name, changes };
  }

  /** Every workflow step is done: the request completes, the clock stops, the requester is told. */
  async completeFromWorkflow(m: EntityManager, request: RequestEntity, message: (c: MailContext) => Rendered): Promise<void> {
    await this.move(m, request, 'complete', SYSTEM);
    await this.close(m, request);
    request.updatedAt = this.clock.now();
    await m.getRepository(RequestEntity).save(request);
    await this.mail(m, request, this.personal(request), 'completed', message);
  }

  /** A message to the requester about their request, sent once per `what`. */
  async tellRequester(m: EntityManager, request: RequestEntity, what: string, message: (c: MailContext) => Rendered): Promise<boolean> {
    const personal = this.personal(request);
    await this.mail(m, request, personal, what, message);
    return personal.email !== null;
  }

  /** A timeline entry written by a workflow, in its transaction. */
  async recordEvent(m: EntityManager, request: RequestEntity, kind: string, isPublic: boolean, details: Record<string, unknown>, caller: Caller = SYSTEM): Promise<void> {
    await this.event(m, request, caller, kind, isPublic, details);
  }

  async addNote(id: string, dto: NoteDto, caller: Caller): Promise<RequestDetailDto> {
    await this.act(id, async (m, request) => {
      const sealed = this.keyring.seal(dto.body);
      await m.getRepository(RequestNoteEntity).insert({ requestId: request.id, at: this.clock.now(), author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
      await this.audit.record(m, caller, { action: 'request.note_added', targetType: 'request', targetId: id });
    });
    return this.detail(id, caller);
  }

  // ── Jobs ─────────────────────────────────────────────────────────────────────────────────────

  private async remind(id: string, which: (typeof REMINDERS)[number], complete: (m: EntityManager) => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await m.getRepository(RequestEntity).findOneBy({ id });
      if (!request || !isOpen(request.status) || request.status === 'paused_for_clarification') return;
      const dueOn = request.extended && request.extendedDueOn ? request.extendedDueOn : request.dueOn;
      const to = this.assigneeOf(request);
      const message = which === 'ack' ? counselMail.acknowledge(id, request.type, request.acknowledgeBy ?? dueOn) : counselMail.reminder(id, request.type, request.status, dueOn, which);
      const day = this.today(request);
      await this.mailer.queue(m, `request:${id}:reminder:${which}:${day}`, { to, ...message });
      await complete(m);
      if (which === 'overdue') {
        // Daily while overdue: the next one tomorrow morning.
        await this.jobs.schedule(m, this.reminderJob(request, 'overdue', this.morningOf(request, addDays(day, 1))));
      }
    });
  }

  private async remindUnverified(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await m.getRepository(RequestEntity).findOneBy({ id });
      if (!request || request.status !== 'awaiting_verification') return;
      const { expiresOn } = this.unverifiedPlan(request);
      await this.mail(m, request, this.personal(request), 'unverified-reminder', (c) => requesterMail.unverifiedReminder(c, expiresOn, recordedByCounsel(request.channel) ? request.channel : null));
      await this.event(m, request, SYSTEM, 'verification_reminder_sent', true, {});
    });
  }

  /** Never verified: close the request and delete the identity data; the audit entries stay. */
  private async expireUnverified(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.lock(m, id);
      if (request.status !== 'awaiting_verification') return;
      await this.move(m, request, 'expire_unverified', SYSTEM);
      request.personalSealed = null;
      request.contactKeyId = null;
      request.emailHash = null;
      request.subjectRef = null;
      request.codeHash = null;
      request.identityPurgedAt = this.clock.now();
      await this.close(m, request);
      await m.getRepository(RequestEntity).save(request);
      await this.audit.record(m, SYSTEM, { action: 'request.identity_purged', targetType: 'request', targetId: id });
    });
  }

  private async digest(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const soon = new Date(now.getTime() + 7 * 86_400_000);
      const open = await m
        .getRepository(RequestEntity)
        .createQueryBuilder('r')
        .where(`r.status NOT IN ('completed', 'refused', 'withdrawn', 'expired_unverified')`)
        .orderBy('r.dueAt', 'ASC')
        .getMany();
      const overdue = open.filter((r) => r.dueAt.getTime() < now.getTime());
      const dueSoon = open.filter((r) => r.dueAt.getTime() >= now.getTime() && r.dueAt.getTime() <= soon.getTime());
      const lines = [...overdue, ...dueSoon].slice(0, 200).map((r) => `${r.dueAt.getTime() < now.getTime() ? 'OVERDUE ' : ''}${r.dueAt.toISOString().slice(0, 10)}  ${r.type}  ${r.id}  (${r.status})`);
      const day = now.toISOString().slice(0, 10);
      await this.mailer.queue(m, `request.digest:${day}`, { to: this.config.mail.counselEmail, ...counselMail.digest(lines, { open: open.length, overdue: overdue.length, dueSoon: dueSoon.length }) });
      await this.scheduleDigest(m);
    });
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  /** Locks the request, applies a counsel action, saves it: one transaction. */
  private async act(id: string, change: (m: EntityManager, request: RequestEntity) => Promise<void>): Promise<RequestSummaryDto> {
    const request = await this.dataSource.transaction(async (m) => {
      const locked = await this.lock(m, id);
      await change(m, locked);
      locked.updatedAt = this.clock.now();
      await m.getRepository(RequestEntity).save(locked);
      return locked;
    });
    return this.summaryOf(request, this.clock.now());
  }

  /** Applies a transition of the state machine, with its timeline entry and audit entry. */
  private async move(m: EntityManager, request: RequestEntity, action: RequestAction, caller: Caller, details: Record<string, unknown> = {}, pausedFrom: RequestEntity['pausedFrom'] = request.pausedFrom): Promise<void> {
    const result = transition(request.status, action, pausedFrom);
    if (!result.ok) throw illegal(request.status, action, result.allowed);
    const from = request.status;
    request.status = result.to;
    await this.event(m, request, caller, result.to, true, { from, ...details });
    await this.audit.record(m, caller, { action: `request.${action}`, targetType: 'request', targetId: request.id, details: { from, to: result.to, ...details } });
    for (const listener of this.listeners) await listener(m, request, action);
  }

  private async verifyInside(m: EntityManager, request: RequestEntity, caller: Caller, method: string): Promise<void> {
    const wasAwaiting = request.status === 'awaiting_verification';
    await this.move(m, request, 'verify', caller, { method });
    request.verificationMethod = method;
    request.verifiedAt = this.clock.now();
    // Verified, by code or by counsel: the code flow ends here.
    request.codeHash = null;
    request.codeExpiresAt = null;
    request.codeLockedAt = null;
    if (wasAwaiting) {
      // Identity was asked for at intake: EU pause / UK restart from that day to today.
      request.pauses = [...request.pauses, { from: identityPauseFrom(request.receivedAt, request.verificationAskedAt, this.deadlines.profile(request.jurisdiction).timeZone), to: this.today(request), reason: 'identity' }];
      this.applyClock(request);
    }
    await this.jobs.cancel(m, `request:${request.id}:unverified-reminder`);
    await this.jobs.cancel(m, `request:${request.id}:expire-unverified`);
    await this.afterVerified(m, request, caller);
    await this.mail(m, request, this.personal(request), 'verified', (c) => requesterMail.verified(c, this.effectiveDueOn(request)));
    await this.scheduleReminders(m, request);
  }

  private async afterVerified(m: EntityManager, request: RequestEntity, caller: Caller): Promise<void> {
    await this.move(m, request, this.config.requests.approvalRequired.includes(request.type) ? 'submit_for_approval' : 'start', caller);
  }

  private async close(m: EntityManager, request: RequestEntity): Promise<void> {
    request.closedAt = this.clock.now();
    for (const which of REMINDERS) await this.jobs.cancel(m, `request:${request.id}:reminder:${which}`);
    await this.jobs.cancel(m, `request:${request.id}:unverified-reminder`);
    await this.jobs.cancel(m, `request:${request.id}:expire-unverified`);
  }

  private async sendCode(m: EntityManager, request: RequestEntity, personal: Personal): Promise<void> {
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const now = this.clock.now();
    const today = now.toISOString().slice(0, 10);
    request.codeHash = this.codeHash(request.id, code);
    request.codeExpiresAt = new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
    request.codeSends = request.codeSendsDay === today ? request.codeSends + 1 : 1;
    request.codeSendsDay = today;
    request.codeLastSentAt = now;
    await this.mail(m, request, personal, `code-${now.getTime()}`, (c) => requesterMail.code(c, code, CODE_TTL_MINUTES));
    await this.event(m, request, { kind: 'subject', requestId: request.id }, 'verification_code_sent', true, {});
  }

  private async scheduleUnverified(m: EntityManager, request: RequestEntity): Promise<void> {
    const { remindAt, purgeAt } = this.unverifiedPlan(request);
    await this.jobs.schedule(m, { queue: 'requests', name: 'request.unverified-reminder', key: `request:${request.id}:unverified-reminder`, payload: { requestId: request.id }, runAt: remindAt });
    await this.jobs.schedule(m, { queue: 'requests', name: 'request.expire-unverified', key: `request:${request.id}:expire-unverified`, payload: { requestId: request.id }, runAt: purgeAt });
  }

  private unverifiedPlan(request: RequestEntity) {
    const { unverifiedReminderDays: reminderDays, unverifiedPurgeDays: purgeDays } = this.config.requests;
    return unverifiedPlan({ askedAt: request.verificationAskedAt ?? request.receivedAt, reminderDays, purgeDays });
  }

  /** Reminders follow the due date: 7 and 2 days before, on the day, then daily while overdue. */
  private async scheduleReminders(m: EntityManager, request: RequestEntity): Promise<void> {
    const keys = (which: string) => `request:${request.id}:reminder:${which}`;
    if (!isOpen(request.status) || request.status === 'paused_for_clarification') {
      for (const which of REMINDERS) await this.jobs.cancel(m, keys(which));
      return;
    }
    const now = this.clock.now().getTime();
    const dueOn = this.effectiveDueOn(request);
    const plan: [(typeof REMINDERS)[number], LocalDate | null][] = [
      ['7d', addDays(dueOn, -7)],
      ['2d', addDays(dueOn, -2)],
      ['due', dueOn],
      ['overdue', addDays(dueOn, 1)],
      ['ack', request.acknowledgeBy && !this.personal(request).email ? addDays(request.acknowledgeBy, -2) : null],
    ];
    for (const [which, day] of plan) {
      const runAt = day ? this.morningOf(request, day) : null;
      if (runAt && (runAt.getTime() > now || which === 'overdue')) {
        await this.jobs.schedule(m, this.reminderJob(request, which, new Date(Math.max(runAt.getTime(), now))));
      } else {
        await this.jobs.cancel(m, keys(which));
      }
    }
  }

  private reminderJob(request: RequestEntity, which: string, runAt: Date) {
    return { queue: 'requests' as const, name: 'request.reminder', key: `request:${request.id}:reminder:${which}`, payload: { requestId: request.id, which }, runAt };
  }

  private async scheduleDigest(m: EntityManager): Promise<void> {
    const now = this.clock.now();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 7));
    if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
    await this.jobs.schedule(m, { queue: 'requests', name: 'request.digest', key: 'request.digest', payload: {}, runAt: next });
  }

  private applyClock(request: RequestEntity): void {
    const profile = this.deadlines.profile(request.jurisdiction);
    const result = computeDeadline({ profile, received: request.receivedAt, pauses: request.pauses, extended: request.extended });
    request.clockStartedOn = result.clockStartedOn;
    request.dueOn = result.dueOn;
    request.extendedDueOn = result.extendedDueOn;
    request.extensionNoticeBy = result.extensionNoticeBy;
    request.acknowledgeBy = result.acknowledgeBy;
    request.dueAt = endOfLocalDay(result.effectiveDueOn, profile.timeZone);
  }

  private effectiveDueOn(request: RequestEntity): LocalDate {
    return request.extended && request.extendedDueOn ? request.extendedDueOn : request.dueOn;
  }

  private today(request: RequestEntity): LocalDate {
    return localDateIn(this.clock.now(), this.deadlines.profile(request.jurisdiction).timeZone);
  }

  /** 09:00 on a date, in the request's time zone. */
  private morningOf(request: RequestEntity, day: LocalDate): Date {
    const zone = this.deadlines.profile(request.jurisdiction).timeZone;
    return new Date(endOfLocalDay(addDays(day, -1), zone).getTime() + 1 + REMINDER_HOUR * 3_600_000);
  }

  private async event(m: EntityManager, request: RequestEntity, caller: Caller, kind: string, isPublic: boolean, details: Record<string, unknown>): Promise<void> {
    await m.getRepository(RequestEventEntity).insert({ requestId: request.id, at: this.clock.now(), kind, isPublic, actor: actorOf(caller), details: details as never });
  }

  private async mail(m: EntityManager, request: RequestEntity, personal: Personal, what: string, build: (c: MailContext) => Rendered): Promise<void> {
    if (!personal.email) return;
    const context: MailContext = { controller: this.config.controller.name, contact: this.config.controller.contact, requestId: request.id, type: request.type, name: personal.name, locale: request.locale };
    await this.mailer.queue(m, `request:${request.id}:${what}`, { to: personal.email, ...build(context) });
  }

  private personal(request: RequestEntity): Personal {
    if (!request.personalSealed || !request.contactKeyId) return { email: null, name: null, subjectId: null, details: null, changes: null };
    return JSON.parse(this.keyring.open({ keyId: request.contactKeyId, data: request.personalSealed })) as Personal;
  }

  private assigneeOf(request: RequestEntity): string {
    if (!request.assigneeSealed) return this.config.mail.counselEmail;
    const [keyId, data] = request.assigneeSealed.split(':', 2) as [string, string];
    return this.keyring.open({ keyId, data });
  }

  private codeHash(requestId: string, code: string): string {
    return this.keyring.keyedHash('request-code', `${requestId}:${code}`);
  }

  /** The request, if `token` is its status token; otherwise a 404 either way. */
  async withToken(id: string, token: string | undefined): Promise<RequestEntity> {
    const request = await this.dataSource.getRepository(RequestEntity).findOneBy({ id });
    // Unknown id and wrong token look the same: no existence leak.
    if (!request || !token || !safeEqual(request.statusTokenHash, sha256Hex(token))) throw new NotFoundError('Request');
    return request;
  }

  /** The request, locked for update in `m`'s transaction. */
  async lock(m: EntityManager, id: string): Promise<RequestEntity> {
    const request = await m.getRepository(RequestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!request) throw new NotFoundError('Request');
    return request;
  }

  /** An open request of the same type by the same email, or by the same *proven* subject id (`provenSubjectRef`). */
  private async findOpenDuplicate(type: string, emailHash: string | null, provenSubjectRef: string | null): Promise<RequestEntity | null> {
    if (!emailHash && !provenSubjectRef) return null;
    const qb = this.dataSource
      .getRepository(RequestEntity)
      .createQueryBuilder('r')
      .where('r.type = :type', { type })
      .andWhere(`r.status NOT IN ('completed', 'refused', 'withdrawn', 'expired_unverified')`)
      .andWhere('(r.emailHash = :emailHash OR (r.subjectRef = :subjectRef AND r.subjectIdProof IS NOT NULL))', { emailHash: emailHash ?? '-', subjectRef: provenSubjectRef ?? '-' });
    return qb.orderBy('r.receivedAt', 'ASC').getOne();
  }

  private async answerDuplicate(existing: RequestEntity, caller?: Caller): Promise<CreatedRequestDto> {
    const actor: Caller = caller ?? { kind: 'subject', requestId: existing.id };
    await this.dataSource.transaction(async (m) => {
      await this.event(m, existing, actor, 'duplicate_received', false, {});
      await this.audit.record(m, actor, { action: 'request.duplicate_received', targetType: 'request', targetId: existing.id });
      await this.mail(m, existing, this.personal(existing), `duplicate-${this.clock.now().getTime()}`, (c) => requesterMail.duplicate(c));
    });
    // The existing token is stored only as a hash, and handing a new one to whoever knows the email would leak the request.
    return { id: existing.id, status: existing.status, statusToken: null, duplicate: true };
  }

  /** One request as counsel's lists show it, its clock read in its jurisdiction at `now`. */
  summaryOf(r: RequestEntity, now: Date): RequestSummaryDto {
    return summaryOf(r, this.deadlines.profile(r.jurisdiction), now, r.assigneeSealed ? this.assigneeOf(r) : null);
  }
}

function illegal(status: string, action: string, allowed: string[]): ConflictError {
  return new ConflictError('illegal_transition', `Cannot ${action.replace(/_/g, ' ')} a request that is ${status.replace(/_/g, ' ')}`, { allowed });
}
