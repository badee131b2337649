import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors/domain.error.js';
import type { Rendered } from '../../infrastructure/mail/templates.js';
import type { CreatedRequestDto, CreateRequestDto, RequestStatusDto } from './request.dto.js';
import { effectiveDueOn } from './request.clock.js';
import { actionableSubjectId } from './request.identity.js';
import { isOpen } from './request.state.js';
import { RequestIntake, type IntakeContext } from './request.intake.js';
import { type CompletionExtras, type ExtensionListener, RequestLifecycle, type TransitionListener, type WorkflowFacts } from './request.lifecycle.js';
import { requesterMail } from './request.mail.js';
import type { MailContext } from './request.mail.js';
import type { RequestRecord } from './request.types.js';
import { RequestVerification } from './request.verification.js';
import { RequestsRepository } from './requests.repository.js';

export type { CompletionExtras, ExtensionListener, TransitionListener, WorkflowFacts } from './request.lifecycle.js';
export type { IntakeContext } from './request.intake.js';

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

/**
 * The requests module's door for other modules: the privacy center makes and verifies requests
 * through it, the workflows follow and complete them through it, and the evidence pack counts them.
 * Nothing outside this module reads dsr_request or its timeline.
 */
@Injectable()
export class RequestsService {
  constructor(
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly intakes: RequestIntake,
    private readonly verification: RequestVerification,
    private readonly clock: Clock,
  ) {}

  // ── For the privacy center ───────────────────────────────────────────────────────────────

  intake(dto: CreateRequestDto, context: IntakeContext): Promise<CreatedRequestDto> {
    return this.intakes.intake(dto, context);
  }

  rectifiableFields() {
    return this.intakes.rectifiableFields();
  }

  verifyCode(id: string, token: string | undefined, code: string): Promise<RequestStatusDto> {
    return this.verification.verifyCode(id, token, code);
  }

  resendCode(id: string, token: string | undefined): Promise<void> {
    return this.verification.resendCode(id, token);
  }

  // ── For authorized agents (DRP) ────────────────────────────────────────────────────────────

  /** Extensions, in counsel's transaction: the agent is told the new date and why. */
  onExtended(listener: ExtensionListener): void {
    this.lifecycle.extensionListeners.push(listener);
  }

  /**
   * The agent revokes a request it filed, in `m`'s transaction: withdrawn like the requester's own
   * withdrawal, and the requester is told. A closed request is left as it is (`withdrawn: false`).
   */
  async withdrawByAgent(m: EntityManager, id: string, caller: Caller): Promise<{ request: RequestRecord; withdrawn: boolean }> {
    const request = await this.lifecycle.lock(m, id);
    if (!isOpen(request.status)) return { request, withdrawn: false };
    await this.lifecycle.move(m, request, 'withdraw', caller, { by: 'authorized_agent' });
    await this.lifecycle.close(m, request);
    request.updatedAt = this.clock.now();
    await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'withdrawn', (c) => requesterMail.withdrawn(c));
    await this.repository.save(m, request);
    return { request, withdrawn: true };
  }

  // ── For the workflows ──────────────────────────────────────────────────────────────────────

  onTransition(listener: TransitionListener): void {
    this.lifecycle.onTransition(listener);
  }

  onHandCompletion(extras: CompletionExtras): void {
    this.lifecycle.completionExtras = extras;
  }

  /** The workflows tell counsel's detail about their steps, and run them again on request. */
  useWorkflowFacts(facts: WorkflowFacts): void {
    this.lifecycle.workflows = facts;
  }

  /** The request, if `token` is its status token; otherwise a 404 either way. */
  async withToken(id: string, token: string | undefined): Promise<RequestRecord> {
    return this.lifecycle.withToken(id, token);
  }

  /** The request, or null (in `m`'s transaction when given). */
  record(id: string, m?: EntityManager): Promise<RequestRecord | null> {
    return this.repository.byId(id, m);
  }

  /** The request locked for update in `m`'s transaction: a workflow's step records its outcome under this lock. */
  lock(m: EntityManager, id: string): Promise<RequestRecord> {
    return this.lifecycle.lock(m, id);
  }

  /** The subject's identity and requested changes, for the adapters. */
  async subjectOf(requestId: string, m?: EntityManager): Promise<SubjectOfRequest> {
    const request = await this.repository.byId(requestId, m);
    if (!request) throw new NotFoundError('Request');
    const { email, subjectId, name, changes } = this.lifecycle.personal(request);
    return { email, subjectId: actionableSubjectId(subjectId, request.subjectIdProof), subjectIdUnproven: Boolean(subjectId && !request.subjectIdProof), name, changes };
  }

  /** Every workflow step is done: the request completes, the clock stops, the requester is told. Under the request's lock. */
  async completeFromWorkflow(m: EntityManager, requestId: string, message: (c: MailContext) => Rendered): Promise<void> {
    const request = await this.lifecycle.lock(m, requestId);
    await this.lifecycle.move(m, request, 'complete', SYSTEM);
    await this.lifecycle.close(m, request);
    request.updatedAt = this.clock.now();
    await this.repository.save(m, request);
    await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'completed', message);
  }

  /** A message to the requester about their request, sent once per `what`; false when there is no address to send it to. */
  async tellRequester(m: EntityManager, requestId: string, what: string, message: (c: MailContext) => Rendered): Promise<boolean> {
    const request = await this.lifecycle.lock(m, requestId);
    const personal = this.lifecycle.personal(request);
    await this.lifecycle.mail(m, request, personal, what, message);
    return personal.email !== null;
  }

  /** A timeline entry written by a workflow, in its transaction. */
  async recordEvent(m: EntityManager, requestId: string, kind: string, isPublic: boolean, details: Record<string, unknown>, caller: Caller = SYSTEM): Promise<void> {
    await this.lifecycle.event(m, { id: requestId }, caller, kind, isPublic, details);
  }

  /** Open requests' due dates in force, soonest first (the calendar feed: no personal data). */
  async openDeadlines(limit: number): Promise<{ id: string; type: RequestRecord['type']; jurisdiction: RequestRecord['jurisdiction']; status: RequestRecord['status']; dueOn: string }[]> {
    return (await this.repository.openByDue(limit)).map((r) => ({ id: r.id, type: r.type, jurisdiction: r.jurisdiction, status: r.status, dueOn: effectiveDueOn(r) }));
  }

  // ── For the evidence pack ──────────────────────────────────────────────────────────────────

  receivedBetween(from: Date, to: Date): Promise<RequestRecord[]> {
    return this.repository.receivedBetween(from, to);
  }
}
