import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError, NotFoundError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { pageSize } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { counselActions } from './request.actions.js';
import { supervisoryAuthority } from './request.authorities.js';
import type { AssignDto, ClarificationDto, CompleteDto, ExtendDto, ManualVerificationDto, NoteDto, RefuseDto, RequestDetailDto, RequestSummaryDto, TimelinePageDto, TimelineQueryDto } from './request-counsel.dto.js';
import type { RequestEntity } from './request.entity.js';
import { subjectIdStanding } from './request.identity.js';
import { illegal, RequestLifecycle } from './request.lifecycle.js';
import { requesterMail } from './request.mail.js';
import { allowedActions, isOpen, transition } from './request.state.js';
import { actorInWords, describeEntry } from './request.timeline.js';
import { RequestsRepository } from './requests.repository.js';

/** Privacy counsel's work on one request: read it (audited), assign, verify by hand, extend, pause, refuse, approve, complete, annotate. */
@Injectable()
export class CounselActions {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The full request, personal data included: every read is audited. */
  async detail(id: string, caller: Caller): Promise<RequestDetailDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.repository.byId(id, m);
      if (!request) throw new NotFoundError('Request');
      await this.audit.record(m, caller, { action: 'request.viewed', targetType: 'request', targetId: id });
      const [timeline, notes, workflow] = await Promise.all([this.repository.events(id, true, m), this.repository.notes(id, m), this.lifecycle.workflows.detail(m, id, isOpen(request.status))]);
      const personal = this.lifecycle.personal(request);
      const today = this.lifecycle.today(request);
      return {
        ...this.lifecycle.summaryOf(request, this.clock.now()),
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
        today,
        verificationLocked: request.codeLockedAt !== null,
        allowedActions: counselActions({
          type: request.type,
          status: request.status,
          pausedFrom: request.pausedFrom,
          today,
          extended: request.extended,
          extendedDueOn: request.extendedDueOn,
          extensionNoticeBy: request.extensionNoticeBy,
          codeLocked: request.codeLockedAt !== null,
          hasSubjectId: request.subjectRef !== null,
          subjectIdProof: request.subjectIdProof,
          steps: workflow.steps,
          noticesInFlight: workflow.recipients.some((n) => n.status === 'queued'),
        }),
        timeline: timeline.map((e) => ({ at: e.at.toISOString(), kind: e.kind, actor: e.actor, public: e.isPublic, details: e.details })),
        notes: notes.map((n) => ({ id: n.id, at: n.at.toISOString(), author: n.author, body: this.keyring.open({ keyId: n.keyId, data: n.bodySealed }) })),
        steps: workflow.steps,
        recipients: workflow.recipients,
      };
    });
  }

  /** The request's history in words, oldest first, from its audit entries (reads of the request left out). */
  async timeline(id: string, query: TimelineQueryDto): Promise<TimelinePageDto> {
    if (!(await this.repository.exists(id))) throw new NotFoundError('Request');
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
      await this.lifecycle.event(m, request, caller, 'assigned', false, {});
      await this.audit.record(m, caller, { action: 'request.assigned', targetType: 'request', targetId: id });
    });
  }

  verifyManually(id: string, dto: ManualVerificationDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      await this.lifecycle.verify(m, request, caller, `manual:${dto.method}`);
      await this.lifecycle.note(m, id, caller, `Identity checked (${dto.method}): ${dto.note}`);
    });
  }

  unlock(id: string, caller: Caller) {
    return this.act(id, async (m, request) => {
      if (!request.codeLockedAt) throw new ConflictError('not_locked', 'Verification is not locked');
      request.codeLockedAt = null;
      request.codeAttempts = 0;
      await this.lifecycle.event(m, request, caller, 'verification_unlocked', false, {});
      await this.audit.record(m, caller, { action: 'request.verification_unlocked', targetType: 'request', targetId: id });
    });
  }

  extend(id: string, dto: ExtendDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      if (!isOpen(request.status)) throw new ConflictError('illegal_transition', `Cannot extend a request that is ${request.status}`, { allowed: allowedActions(request.status) });
      if (request.extended) throw new ConflictError('already_extended', 'This request has already been extended');
      if (!request.extendedDueOn || !request.extensionNoticeBy) throw new ConflictError('no_extension', `The ${request.jurisdiction} rules allow no extension`);
      if (this.lifecycle.today(request) > request.extensionNoticeBy) {
        throw new ConflictError('extension_too_late', `The requester had to be told of an extension by ${request.extensionNoticeBy}`);
      }
      const originalDueOn = request.dueOn;
      request.extended = true;
      request.extensionReason = dto.reason;
      this.lifecycle.applyClock(request);
      await this.lifecycle.event(m, request, caller, 'extended', true, { dueOn: request.extendedDueOn });
      await this.audit.record(m, caller, { action: 'request.extended', targetType: 'request', targetId: id, details: { from: originalDueOn, to: request.extendedDueOn } });
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'extended', (c) => requesterMail.extended(c, dto.reason, originalDueOn, request.extendedDueOn!));
      await this.lifecycle.scheduleReminders(m, request);
      for (const listener of this.lifecycle.extensionListeners) await listener(m, request, dto.reason);
    });
  }

  refuse(id: string, dto: RefuseDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      await this.lifecycle.move(m, request, 'refuse', caller, { ground: dto.ground });
      request.refusalGround = dto.ground;
      request.refusalExplanation = dto.explanation;
      await this.lifecycle.close(m, request);
      const authority = supervisoryAuthority(request.jurisdiction, this.config.controller.country);
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'refused', (c) => requesterMail.refused(c, dto.ground, dto.explanation, authority));
    });
  }

  askClarification(id: string, dto: ClarificationDto, caller: Caller) {
    return this.act(id, async (m, request) => {
      const from = request.status;
      await this.lifecycle.move(m, request, 'pause_for_clarification', caller);
      request.pausedFrom = from;
      request.pauseStartedOn = this.lifecycle.today(request);
      request.pauseReason = 'clarification';
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), `clarification-${request.pauses.length}`, (c) => requesterMail.clarification(c, dto.message));
      await this.lifecycle.scheduleReminders(m, request);
    });
  }

  clarificationReceived(id: string, caller: Caller) {
    return this.act(id, async (m, request) => {
      const result = transition(request.status, 'resume', request.pausedFrom);
      if (!result.ok) throw illegal(request.status, 'resume', result.allowed);
      request.pauses = [...request.pauses, { from: request.pauseStartedOn!, to: this.lifecycle.today(request), reason: request.pauseReason ?? 'clarification' }];
      request.pauseStartedOn = null;
      request.pauseReason = null;
      const pausedFrom = request.pausedFrom;
      request.pausedFrom = null;
      await this.lifecycle.move(m, request, 'resume', caller, {}, pausedFrom);
      this.lifecycle.applyClock(request);
      await this.lifecycle.scheduleReminders(m, request);
    });
  }

  approve(id: string, caller: Caller) {
    return this.act(id, (m, request) => this.lifecycle.move(m, request, 'approve', caller));
  }

  /** Counsel completes a request fulfilled outside Lethe's workflows. */
  async complete(id: string, dto: CompleteDto, caller: Caller) {
    // Gathered before the transaction: the register is read on its own connection.
    const found = await this.repository.byId(id);
    const extras = (found && (await this.lifecycle.completionExtras?.(found))) || { paragraphs: [], attachments: [] };
    return this.act(id, async (m, request) => {
      await this.lifecycle.move(m, request, 'complete', caller);
      await this.lifecycle.close(m, request);
      // The outcome may name what was sent where: kept encrypted, as a note, like counsel's others.
      await this.lifecycle.note(m, request.id, caller, `Outcome sent to the requester: ${dto.outcome}`);
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'completed', (c) => {
        const message = requesterMail.completed(c, dto.outcome, extras.paragraphs);
        return extras.attachments.length ? { ...message, attachments: extras.attachments } : message;
      });
    });
  }

  async addNote(id: string, dto: NoteDto, caller: Caller): Promise<RequestDetailDto> {
    await this.act(id, async (m, request) => {
      await this.lifecycle.note(m, request.id, caller, dto.body);
      await this.audit.record(m, caller, { action: 'request.note_added', targetType: 'request', targetId: id });
    });
    return this.detail(id, caller);
  }

  /** Locks the request, applies a counsel action, saves it: one transaction. */
  private async act(id: string, change: (m: EntityManager, request: RequestEntity) => Promise<void>): Promise<RequestSummaryDto> {
    const request = await this.dataSource.transaction(async (m) => {
      const locked = await this.lifecycle.lock(m, id);
      await change(m, locked);
      locked.updatedAt = this.clock.now();
      await this.repository.save(m, locked);
      return locked;
    });
    return this.lifecycle.summaryOf(request, this.clock.now());
  }
}
