import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, type Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { safeEqual, sha256Hex } from '../../common/crypto.js';
import { ConflictError, NotFoundError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import type { Rendered } from '../../infrastructure/mail/templates.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { computeDeadline } from '../deadlines/deadline.rules.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { endOfLocalDay, type LocalDate, localDateIn } from '../deadlines/local-date.js';
import type { RecipientNoticeDto, StepViewDto } from '../workflows/workflow.dto.js';
import { effectiveDueOn } from './request.clock.js';
import type { RequestSummaryDto } from './request-counsel.dto.js';
import type { RequestEntity } from './request.entity.js';
import { type MailContext, requesterMail } from './request.mail.js';
import { type RequestAction, transition } from './request.state.js';
import { summaryOf } from './request.summary.js';
import type { RequestRecord } from './request.types.js';
import { RequestsRepository } from './requests.repository.js';
import { REMINDERS, reminderPlan } from './reminder.plan.js';
import { identityPauseFrom, unverifiedPlan } from './unverified.plan.js';

/** What the requester gave, sealed on the request. Never logged, never stored unsealed. */
export interface Personal {
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
export type TransitionListener = (m: EntityManager, request: RequestRecord, action: RequestAction) => Promise<void>;

/** Told, in counsel's transaction, that a request's deadline was extended, and why (the text the requester is sent). */
export type ExtensionListener = (m: EntityManager, request: RequestRecord, reason: string) => Promise<void>;

/** What a hand completion adds to the requester's email (the workflows add the Art 15 information to an access request). */
export type CompletionExtras = (request: RequestRecord) => Promise<{ paragraphs: string[]; attachments: NonNullable<Rendered['attachments']> }>;

/** What the requests module asks of the workflows (which register themselves: they depend on requests, not the reverse). */
export interface WorkflowFacts {
  /** The request's steps and Art 19 notices, as counsel's detail shows them. */
  detail(m: EntityManager, requestId: string, requestOpen: boolean): Promise<{ steps: StepViewDto[]; recipients: RecipientNoticeDto[] }>;
  /** Runs the steps created so far again (the subject id was confirmed after an erasure's dry run). */
  rerun(m: EntityManager, requestId: string): Promise<void>;
}

const NO_WORKFLOWS: WorkflowFacts = { detail: async () => ({ steps: [], recipients: [] }), rerun: async () => undefined };

/**
 * The request's lifecycle, shared by intake, verification, counsel's actions and the jobs: every
 * transition with its timeline and audit entries, the legal clock, the reminders, the requester's mail.
 */
@Injectable()
export class RequestLifecycle {
  private readonly listeners: TransitionListener[] = [];
  readonly extensionListeners: ExtensionListener[] = [];
  /**
   * The requests locked or moved in each open transaction (keyed by its query runner): a second look
   * in the same transaction, e.g. the workflows completing a request during counsel's approval, sees
   * the same object, with changes not yet saved.
   */
  private readonly inTransaction = new WeakMap<object, Map<string, RequestEntity>>();
  completionExtras: CompletionExtras | undefined;
  workflows: WorkflowFacts = NO_WORKFLOWS;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: RequestsRepository,
    private readonly deadlines: DeadlinesService,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  /** Applies a transition of the state machine, with its timeline entry and audit entry. */
  async move(m: EntityManager, request: RequestEntity, action: RequestAction, caller: Caller, details: Record<string, unknown> = {}, pausedFrom: RequestEntity['pausedFrom'] = request.pausedFrom): Promise<void> {
    const result = transition(request.status, action, pausedFrom);
    if (!result.ok) throw illegal(request.status, action, result.allowed);
    this.remember(m, request);
    const from = request.status;
    request.status = result.to;
    await this.event(m, request, caller, result.to, true, { from, ...details });
    await this.audit.record(m, caller, { action: `request.${action}`, targetType: 'request', targetId: request.id, details: { from, to: result.to, ...details } });
    for (const listener of this.listeners) await listener(m, request, action);
  }

  /** Verified, by code or by counsel: the code flow ends, a pause for identity is counted, the work begins. */
  async verify(m: EntityManager, request: RequestEntity, caller: Caller, method: string): Promise<void> {
    const wasAwaiting = request.status === 'awaiting_verification';
    await this.move(m, request, 'verify', caller, { method });
    request.verificationMethod = method;
    request.verifiedAt = this.clock.now();
    request.codeHash = null;
    request.codeExpiresAt = null;
    request.codeLockedAt = null;
    if (wasAwaiting) {
      // Identity was asked for at intake: EU pause / UK restart from that day to today.
      request.pauses = [...request.pauses, { from: identityPauseFrom(request.receivedAt, request.verificationAskedAt, this.deadlines.profile(request.jurisdiction).timeZone), to: this.today(request), reason: 'identity' }];
      this.applyClock(request);
    }
    await this.cancelUnverified(m, request.id);
    await this.afterVerified(m, request, caller);
    await this.mail(m, request, this.personal(request), 'verified', (c) => requesterMail.verified(c, effectiveDueOn(request)));
    await this.scheduleReminders(m, request);
  }

  /** Verified: to counsel's approval where the configuration asks for it, else straight to work. */
  async afterVerified(m: EntityManager, request: RequestEntity, caller: Caller): Promise<void> {
    await this.move(m, request, this.config.requests.approvalRequired.includes(request.type) ? 'submit_for_approval' : 'start', caller);
  }

  /** Closed: the clock stops and every pending reminder is cancelled. */
  async close(m: EntityManager, request: RequestEntity): Promise<void> {
    request.closedAt = this.clock.now();
    for (const which of REMINDERS) await this.jobs.cancel(m, `request:${request.id}:reminder:${which}`);
    await this.cancelUnverified(m, request.id);
  }

  private async cancelUnverified(m: EntityManager, requestId: string): Promise<void> {
    await this.jobs.cancel(m, `request:${requestId}:unverified-reminder`);
    await this.jobs.cancel(m, `request:${requestId}:expire-unverified`);
  }

  async scheduleUnverified(m: EntityManager, request: RequestEntity): Promise<void> {
    const { remindAt, purgeAt } = this.unverifiedPlan(request);
    await this.jobs.schedule(m, { name: 'request.unverified-reminder', key: `request:${request.id}:unverified-reminder`, payload: { requestId: request.id }, runAt: remindAt });
    await this.jobs.schedule(m, { name: 'request.expire-unverified', key: `request:${request.id}:expire-unverified`, payload: { requestId: request.id }, runAt: purgeAt });
  }

  unverifiedPlan(request: RequestEntity) {
    const { unverifiedReminderDays: reminderDays, unverifiedPurgeDays: purgeDays } = this.config.requests;
    return unverifiedPlan({ askedAt: request.verificationAskedAt ?? request.receivedAt, reminderDays, purgeDays });
  }

  /** Counsel's reminders follow the due date in force (reminder.plan.ts). */
  async scheduleReminders(m: EntityManager, request: RequestEntity): Promise<void> {
    const plan = reminderPlan(
      { status: request.status, dueOn: effectiveDueOn(request), acknowledgeBy: request.acknowledgeBy, hasEmail: this.personal(request).email !== null, timeZone: this.timeZone(request) },
      this.clock.now(),
    );
    for (const which of REMINDERS) {
      const runAt = plan[which];
      if (runAt) await this.jobs.schedule(m, { name: 'request.reminder', key: `request:${request.id}:reminder:${which}`, payload: { requestId: request.id, which }, runAt });
      else await this.jobs.cancel(m, `request:${request.id}:reminder:${which}`);
    }
  }

  /** Computes the request's dates from its jurisdiction, receipt, pauses and extension. */
  applyClock(request: RequestEntity): void {
    const profile = this.deadlines.profile(request.jurisdiction);
    const result = computeDeadline({ profile, received: request.receivedAt, pauses: request.pauses, extended: request.extended, kind: request.clockKind });
    request.clockStartedOn = result.clockStartedOn;
    request.dueOn = result.dueOn;
    request.extendedDueOn = result.extendedDueOn;
    request.extensionNoticeBy = result.extensionNoticeBy;
    request.acknowledgeBy = result.acknowledgeBy;
    request.dueAt = endOfLocalDay(result.effectiveDueOn, profile.timeZone);
  }

  today(request: RequestEntity): LocalDate {
    return localDateIn(this.clock.now(), this.timeZone(request));
  }

  timeZone(request: RequestEntity): string {
    return this.deadlines.profile(request.jurisdiction).timeZone;
  }

  async event(m: EntityManager, request: Pick<RequestRecord, 'id'>, caller: Caller, kind: string, isPublic: boolean, details: Record<string, unknown>): Promise<void> {
    await this.repository.insertEvent(m, { requestId: request.id, at: this.clock.now(), kind, isPublic, actor: actorOf(caller), details });
  }

  /** A sealed note on the request, written by counsel or for them. */
  async note(m: EntityManager, requestId: string, caller: Caller, body: string): Promise<void> {
    const sealed = this.keyring.seal(body);
    await this.repository.insertNote(m, { requestId, at: this.clock.now(), author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
  }

  /** Mails the requester (when there is an address), once per `what`, in the request's language. */
  async mail(m: EntityManager, request: RequestEntity, personal: Personal, what: string, build: (c: MailContext) => Rendered): Promise<void> {
    if (!personal.email) return;
    const context: MailContext = { controller: this.config.controller.name, contact: this.config.controller.contact, requestId: request.id, type: request.type, name: personal.name, locale: request.locale };
    await this.mailer.queue(m, `request:${request.id}:${what}`, { to: personal.email, ...build(context) });
  }

  personal(request: RequestEntity): Personal {
    if (!request.personalSealed || !request.contactKeyId) return { email: null, name: null, subjectId: null, details: null, changes: null };
    return JSON.parse(this.keyring.open({ keyId: request.contactKeyId, data: request.personalSealed })) as Personal;
  }

  assigneeOf(request: RequestEntity): string {
    if (!request.assigneeSealed) return this.config.mail.counselEmail;
    const [keyId, data] = request.assigneeSealed.split(':', 2) as [string, string];
    return this.keyring.open({ keyId, data });
  }

  /** The request, if `token` is its status token; otherwise a 404 either way. */
  async withToken(id: string, token: string | undefined): Promise<RequestEntity> {
    const request = await this.repository.byId(id);
    // Unknown id and wrong token look the same: no existence leak.
    if (!request || !token || !safeEqual(request.statusTokenHash, sha256Hex(token))) throw new NotFoundError('Request');
    return request;
  }

  /** The request, locked for update in `m`'s transaction. */
  async lock(m: EntityManager, id: string): Promise<RequestEntity> {
    const known = m.queryRunner && this.inTransaction.get(m.queryRunner)?.get(id);
    if (known) return known;
    const request = await this.repository.lock(m, id);
    if (!request) throw new NotFoundError('Request');
    this.remember(m, request);
    return request;
  }

  private remember(m: EntityManager, request: RequestEntity): void {
    if (!m.queryRunner) return;
    const known = this.inTransaction.get(m.queryRunner) ?? new Map<string, RequestEntity>();
    known.set(request.id, request);
    this.inTransaction.set(m.queryRunner, known);
  }

  /** One request as counsel's lists show it, its clock read in its jurisdiction at `now`. */
  summaryOf(r: RequestEntity, now: Date): RequestSummaryDto {
    return summaryOf(r, this.deadlines.profile(r.jurisdiction), now, r.assigneeSealed ? this.assigneeOf(r) : null);
  }
}

export function illegal(status: string, action: string, allowed: string[]): ConflictError {
  return new ConflictError('illegal_transition', `Cannot ${action.replace(/_/g, ' ')} a request that is ${status.replace(/_/g, ' ')}`, { allowed });
}
