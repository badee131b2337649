import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { render } from '../../infrastructure/mail/templates.js';
import type { JobContext } from '../../infrastructure/queue/jobs.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { rectifiableFields, storeLabels } from '../../config/data-stores.config.js';
import { DataStoreError } from '../data-stores/data-store.port.js';
import { DataStoreRegistry } from '../data-stores/data-store.registry.js';
import { isOpen, type RequestAction } from '../requests/request.state.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import { PackageLinks } from './package.links.js';
import { RecipientNotices } from './recipient.notices.js';
import { NeedsCounselError, type StepOutcome, WaitingError } from './steps/step.kind.js';
import { StepRegistry } from './steps/step.registry.js';
import { noticeView, stepView, type WorkflowStepEntity } from './workflow.entity.js';
import { workflowGuard } from './workflow.guards.js';
import { completionMessage } from './workflow.mail.js';
import { nextSteps, STEP_OPEN, type StepName, stepKey } from './workflow.plan.js';
import { WorkflowsRepository } from './workflows.repository.js';
import { PackageIntegrityError } from './zip.verify.js';
import { StepLease } from './step.lease.js';

/**
 * Runs each request's workflow: fans out one durable job per step and store, keeps every step's
 * state in Postgres, moves to the next phase when a phase is done, and completes the request when
 * every step succeeded or was waived. Workflows engage when at least one data store is configured;
 * without any, counsel completes requests by hand as before.
 */
@Injectable()
export class WorkflowEngine implements OnModuleInit {
  private readonly logger = new Logger('Workflows');

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: WorkflowsRepository,
    private readonly registry: DataStoreRegistry,
    private readonly requests: RequestsService,
    private readonly steps: StepRegistry,
    private readonly notices: RecipientNotices,
    private readonly packages: PackageLinks,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  get engaged(): boolean {
    return this.registry.adapters.size > 0;
  }

  onModuleInit(): void {
    this.requests.onTransition((m, request, action) => this.onTransition(m, request, action));
    this.requests.useWorkflowFacts({
      detail: async (m, requestId, requestOpen) => ({
        steps: (await this.repository.steps(requestId, {}, m)).map((s) => stepView(s, requestOpen)),
        recipients: (await this.notices.noticesOf(requestId, m)).map(noticeView),
      }),
      rerun: (m, requestId) => this.rerun(m, requestId),
    });
    this.notices.onSettled((requestId) => this.afterNoticeSettled(requestId));
    const { stepAttempts, stepBackoffMs } = this.config.workflows;
    this.jobs.define('workflow.step', (p, ctx) => this.run(p.key, ctx), {
      attempts: stepAttempts,
      backoffMs: stepBackoffMs,
      onExhausted: (p, error) => this.exhausted(p.key, error),
    });
  }

  // ── Reacting to the request's lifecycle ────────────────────────────────────────────────────

  private async onTransition(m: EntityManager, request: RequestRecord, action: RequestAction): Promise<void> {
    if (!this.engaged) return;
    const steps = await this.repository.steps(request.id, {}, m);
    if (action === 'refuse' || action === 'withdraw') {
      for (const step of steps.filter((s) => STEP_OPEN.has(s.status))) {
        await this.repository.updateStep(m, step.key, { status: 'cancelled', updatedAt: this.clock.now() });
        await this.jobs.cancel(m, step.key);
      }
      await this.packages.scheduleCleanUp(m, request.id, true);
      return;
    }
    const noticesInFlight = action === 'complete' && (await this.notices.noticesOf(request.id, m)).some((n) => n.status === 'queued');
    const refused = workflowGuard(action, { type: request.type, steps, noticesInFlight });
    if (refused) throw refused;
    if (action === 'complete') {
      await this.packages.scheduleCleanUp(m, request.id, false);
      return;
    }
    if (action === 'approve' && request.type === 'access') await this.packages.startClock(m, request.id);
    await this.advance(m, request, steps);
  }

  /** Creates the next phase's steps, or completes the request. Runs with the request row locked. */
  async advance(m: EntityManager, request: RequestRecord, known?: WorkflowStepEntity[]): Promise<void> {
    const steps = known ?? (await this.repository.steps(request.id, {}, m));
    const stores = [...this.registry.adapters.values()].map((a) => ({ id: a.id, capabilities: a.capabilities }));
    const decision = nextSteps({ type: request.type, status: request.status, stores, steps: steps.filter((s) => s.step !== 'lift' && s.step !== 'notice') });
    if (decision.kind === 'create') {
      await this.createSteps(m, request.id, decision.steps);
      await this.requests.recordEvent(m, request.id, 'workflow_phase_started', false, { steps: decision.steps.map((s) => `${s.step}:${s.storeId}`) });
    } else if (decision.kind === 'complete') {
      // Art 19: the requester is told who was told only once every notice went, or could not go.
      const notices = await this.notices.noticesOf(request.id, m);
      if (notices.some((n) => n.status === 'queued')) return;
      const packageRow = await this.repository.packageOf(request.id, m);
      const link = packageRow ? this.packages.downloadLink(packageRow) : null;
      const told = { notices, notifyStep: steps.find((s) => s.step === 'notify') ?? null };
      await this.requests.completeFromWorkflow(m, request.id, (c) => completionMessage(c, request, steps, link, told, storeLabels(this.config.dataStores), this.fieldLabels()));
    }
  }

  /** The rectifiable fields' labels, as published to requesters. */
  private fieldLabels(): Record<string, string> {
    return Object.fromEntries(rectifiableFields(this.config.dataStores).map((f) => [f.field, f.label]));
  }

  /** A recipient notice was delivered or given up on: the request may now complete. */
  private async afterNoticeSettled(requestId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, requestId);
      if (request.status === 'in_progress') await this.advance(m, request);
    });
  }

  async createSteps(m: EntityManager, requestId: string, refs: { step: StepName; storeId: string }[], input: Record<string, unknown> | null = null): Promise<void> {
    const now = this.clock.now();
    const rows = refs.map((r) => ({ key: stepKey(requestId, r.step, r.storeId), requestId, step: r.step, storeId: r.storeId, status: 'pending' as const, attempts: 0, lastError: null, result: input, waivedReason: null, leaseOwner: null, leaseExpiresAt: null, createdAt: now, updatedAt: now }));
    await this.repository.insertSteps(m, rows);
    await this.jobs.scheduleMany(m, rows.map((r) => ({ name: 'workflow.step' as const, key: r.key, payload: { key: r.key }, runAt: now })));
  }

  /** The subject id was confirmed after the steps so far ran on the email alone: they run again, with it. */
  private async rerun(m: EntityManager, requestId: string): Promise<void> {
    const now = this.clock.now();
    for (const step of await this.repository.steps(requestId, {}, m)) {
      await this.repository.updateStep(m, step.key, { status: 'pending', attempts: 0, lastError: null, result: null, updatedAt: now });
      await this.jobs.schedule(m, { name: 'workflow.step', key: step.key, payload: { key: step.key }, runAt: now });
    }
  }

  /** The requester has been told: now each store that restricted the subject lifts it. */
  async afterLiftNotice(m: EntityManager, request: RequestRecord): Promise<void> {
    const restricted = await this.repository.steps(request.id, { step: 'restrict', status: 'succeeded' }, m);
    await this.createSteps(m, request.id, restricted.map((s) => ({ step: 'lift' as const, storeId: s.storeId })));
    await this.requests.recordEvent(m, request.id, 'restriction_lift_notified', true, {});
  }

  // ── Running a step ─────────────────────────────────────────────────────────────────────────

  /**
   * Runs one step under a lease: claimed in Postgres for this run only, renewed while it runs, taken
   * over by another run only once it lapsed. A copy of the job that finds the step held elsewhere
   * (the queue lost the job and the reconciler re-added it while it ran) moves the job to when the
   * lease lapses instead of running the step beside itself. A run that lost its lease records
   * nothing: whoever holds the step now does.
   */
  private async run(key: string, ctx: JobContext): Promise<void> {
    const step = await this.repository.step(key);
    if (!step || !STEP_OPEN.has(step.status)) return;
    const request = await this.requests.record(step.requestId);
    if (!request) return;
    if (step.step !== 'lift' && step.step !== 'notice' && !isOpen(request.status)) return;
    const owner = leaseOwner();
    const leaseMs = this.config.workflows.stepLeaseMs;
    // Only a step still to do is claimed, and only a claimed one goes back to pending: a waiver or a
    // cancellation made meanwhile stands.
    const claim = await this.repository.claimStep(key, owner, ctx.attempt, leaseMs, this.clock.now());
    if (!claim.claimed) {
      if (claim.heldForMs !== null) await this.retryWhenLapsed(step, claim.heldForMs);
      return;
    }
    const lease = new StepLease(() => this.repository.renewLease(key, owner, leaseMs), leaseMs);
    let outcome: StepOutcome;
    try {
      outcome = await this.steps.run({ ...step, status: 'running', attempts: ctx.attempt }, request, await this.requests.subjectOf(request.id), owner);
    } catch (error) {
      lease.stop();
      await this.repository.updateHeldStep(key, owner, { lastError: describeFailure(error), updatedAt: this.clock.now() }, true);
      if (error instanceof PackageIntegrityError) this.logger.error({ step: step.step, request: step.requestId, detail: error.detail }, 'a package failed its integrity check and was not sent');
      // Trying again would not help: the step fails now, for counsel.
      if (error instanceof NeedsCounselError) return this.exhausted(key, error);
      throw error;
    }
    lease.stop();
    // Kept before success is recorded: a rerun after a crash here finds what the first run did.
    if (!(await this.repository.updateHeldStep(key, owner, { result: outcome.result, updatedAt: this.clock.now() }))) return;
    await this.dataSource.transaction(async (m) => {
      const locked = await this.requests.lock(m, step.requestId);
      const current = await this.repository.step(key, m);
      // Waived, cancelled or taken over while it ran: the outcome is not recorded.
      if (!current || current.status !== 'running' || current.leaseOwner !== owner) return;
      await outcome.commit?.(m, locked);
      await this.repository.updateStep(m, key, { status: 'succeeded', result: outcome.result, lastError: null, leaseOwner: null, leaseExpiresAt: null, updatedAt: this.clock.now() });
      await this.audit.record(m, SYSTEM, { action: 'workflow.step_succeeded', targetType: 'request', targetId: step.requestId, details: { step: step.step, store: step.storeId } });
      await this.requests.recordEvent(m, step.requestId, 'step_succeeded', false, { step: step.step, store: step.storeId });
      await ctx.complete(m);
      if (step.step === 'notice') await this.afterLiftNotice(m, locked);
      else if (step.step !== 'lift') await this.advance(m, locked);
    });
    await outcome.afterCommit?.();
  }

  /** The step runs elsewhere: its job comes back just after that run's lease would lapse, should that run die. */
  private async retryWhenLapsed(step: WorkflowStepEntity, heldForMs: number): Promise<void> {
    const runAt = new Date(this.clock.now().getTime() + heldForMs + 1_000);
    await this.dataSource.transaction((m) => this.jobs.schedule(m, { name: 'workflow.step', key: step.key, payload: { key: step.key }, runAt }));
  }

  /** The last try failed: the step shows as failed on the request until counsel retries or waives it. */
  private async exhausted(key: string, error: Error): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.repository.step(key, m);
      if (!found) return;
      await this.requests.lock(m, found.requestId);
      // Read again under the request's lock: counsel may have waived it meanwhile.
      const step = await this.repository.step(key, m);
      if (!step || !STEP_OPEN.has(step.status)) return;
      const lastError = describeFailure(error);
      await this.repository.updateStep(m, key, { status: 'failed', lastError, leaseOwner: null, leaseExpiresAt: null, updatedAt: this.clock.now() });
      await this.audit.record(m, SYSTEM, { action: 'workflow.step_failed', targetType: 'request', targetId: step.requestId, details: { step: step.step, store: step.storeId, attempts: step.attempts } });
      await this.requests.recordEvent(m, step.requestId, 'step_failed', false, { step: step.step, store: step.storeId, error: lastError });
      await this.mailer.queue(m, `workflow:${key}:failed:${this.clock.now().getTime()}`, {
        to: this.config.mail.counselEmail,
        ...render(
          `Step failed: ${step.step} on ${step.storeId} for request ${step.requestId.slice(0, 8)}`,
          error instanceof NeedsCounselError
            ? [`The ${step.step} step of request ${step.requestId} needs you: ${lastError}.`]
            : [`The ${step.step} step of request ${step.requestId} failed on store ${step.storeId} after ${step.attempts} tries: ${lastError}.`, 'Retry it once the store is back, or waive it with a reason.'],
          'Lethe',
        ),
      });
    });
  }
}

/** A run's id: the host and process that run it (for an operator reading workflow_step), and a random part of its own. */
function leaseOwner(): string {
  return `${hostname().slice(0, 16)}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

/** What counsel sees of a failure: the typed kind and message, never a driver's text or personal data. */
function describeFailure(error: unknown): string {
  if (error instanceof DataStoreError) return `${error.kind}: ${error.message}`.slice(0, 500);
  if (error instanceof WaitingError || error instanceof NeedsCounselError || error instanceof PackageIntegrityError) return error.message;
  return `failed: ${(error as Error)?.name ?? 'Error'}${(error as { code?: string })?.code ? ` ${(error as { code?: string }).code}` : ''}`.slice(0, 500);
}
