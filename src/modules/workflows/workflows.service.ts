import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { safeEqual } from '../../common/crypto.js';
import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { render } from '../../infrastructure/mail/templates.js';
import { JobContext } from '../../infrastructure/queue/jobs.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { DataStoreError, ErasurePlan } from '../data-stores/data-store.port.js';
import { DataStoreRegistry } from '../data-stores/data-store.registry.js';
import { RequestEntity } from '../requests/request.entity.js';
import { isOpen, RequestAction } from '../requests/request.state.js';
import { RequestsService } from '../requests/requests.service.js';
import { RegisterService } from '../register/register.service.js';
import { supervisoryAuthority } from '../requests/request.authorities.js';
import { RecipientNotices } from './recipient.notices.js';
import { art15Html, art15Information, certificateHtml, ErasureCertificate, Manifest } from './workflow.documents.js';
import type { WorkflowDto } from './workflow.dto.js';
import { expireJob, linkExpiry, NeedsCounselError, StepOutcome, StepRunners, WaitingError } from './step.runners.js';
import { ExportPackageEntity, noticeView, stepView, WorkflowStepEntity } from './workflow.entity.js';
import { nextSteps, NO_STORE, StepAction, StepName, stepKey, StepStatus, unfinished } from './workflow.plan.js';
import { art15AttachedParagraph, completionMessage, packageLinkMessage } from './workflow.mail.js';
import { rectifiableFields, storeLabels } from '../data-stores/data-store.config.js';

export interface PackageLinkView {
  url: string;
  expiresAt: string;
  maxDownloads: number;
  /** Which link this is: 1 for the one in the completion mail, then one more per re-send. */
  link: number;
  downloads: number;
  /** After a re-send: whether it was mailed (false when the request has no email address). */
  mailed: boolean | null;
}

const RETRYABLE: ReadonlySet<StepStatus> = new Set(['pending', 'running', 'failed']);

export interface StepView {
  key: string;
  step: StepName;
  storeId: string;
  status: StepStatus;
  attempts: number;
  error: string | null;
  waivedReason: string | null;
  result: Record<string, unknown> | null;
  updatedAt: string;
  allowedActions: StepAction[];
}

/**
 * Runs each request's workflow: fans out one durable job per step and store, keeps every step's
 * state in Postgres, moves to the next phase when a phase is done, and completes the request when
 * every step succeeded or was waived. Workflows engage when at least one data store is configured;
 * without any, counsel completes requests by hand as before.
 */
@Injectable()
export class WorkflowsService implements OnModuleInit {
  private readonly logger = new Logger('Workflows');

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly registry: DataStoreRegistry,
    private readonly requests: RequestsService,
    private readonly runners: StepRunners,
    private readonly notices: RecipientNotices,
    private readonly register: RegisterService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  get engaged(): boolean {
    return this.registry.adapters.size > 0;
  }

  onModuleInit(): void {
    this.requests.onTransition((m, request, action) => this.onTransition(m, request, action));
    this.notices.onSettled((requestId) => this.afterNoticeSettled(requestId));
    this.requests.onHandCompletion((request) => this.handCompletionExtras(request));
    const { stepAttempts, stepBackoffMs } = this.config.workflows;
    this.jobs.define('workflows', 'workflow.step', (p, ctx) => this.run(String(p.key), ctx), {
      attempts: stepAttempts,
      backoffMs: stepBackoffMs,
      onExhausted: (p, error) => this.exhausted(String(p.key), error),
    });
    this.jobs.define('workflows', 'package.expire', (p) => this.expirePackage(String(p.packageId)));
    this.jobs.define('workflows', 'request.files-cleanup', (p) => this.cleanUp(p));
  }

  // ── Reacting to the request's lifecycle ────────────────────────────────────────────────────

  private async onTransition(m: EntityManager, request: RequestEntity, action: RequestAction): Promise<void> {
    if (!this.engaged) return;
    const steps = await m.getRepository(WorkflowStepEntity).findBy({ requestId: request.id });
    if (action === 'refuse' || action === 'withdraw') {
      for (const step of steps.filter((s) => RETRYABLE.has(s.status))) {
        await m.getRepository(WorkflowStepEntity).update({ key: step.key }, { status: 'cancelled', updatedAt: this.clock.now() });
        await this.jobs.cancel(m, step.key);
      }
      await this.scheduleCleanUp(m, request.id, true);
      return;
    }
    if (action === 'complete') {
      const open = unfinished(steps.filter((s) => s.step !== 'lift' && s.step !== 'notice'));
      if (open.length > 0) {
        throw new ConflictError('steps_unfinished', 'Steps of this request have not succeeded: retry or waive them first', { steps: open.map((s) => `${s.step}:${s.storeId}`) });
      }
      // Completing by hand while Art 19 notices are still in flight would tell the requester nothing of them.
      if ((await this.notices.noticesOf(request.id, m)).some((n) => n.status === 'queued')) {
        throw new ConflictError('notices_in_flight', 'Art 19 notices of this request are still being delivered: complete it once they have gone or failed');
      }
      await this.scheduleCleanUp(m, request.id, false);
      return;
    }
    if (action === 'approve' && request.type === 'erasure') {
      const open = unfinished(steps.filter((s) => s.step === 'plan'));
      if (open.length > 0) {
        throw new ConflictError('dry_run_unfinished', 'The erasure dry run has not finished on every store: approve once counsel can see the whole plan', { steps: open.map((s) => `${s.step}:${s.storeId}`) });
      }
    }
    if (action === 'approve' && request.type === 'access') {
      // Approving an access request releases its package: counsel approves what they could review. (A
      // request with no steps yet, from before packages were built for review, runs as approved.)
      const built = steps.some((s) => s.step === 'package' && (s.status === 'succeeded' || s.status === 'waived'));
      if (!built && steps.length > 0) {
        throw new ConflictError('package_unfinished', 'The access package is not built yet: approve its release once counsel can see its manifest', {
          steps: unfinished(steps).map((s) => `${s.step}:${s.storeId}`),
        });
      }
      await this.startLinkClock(m, request.id);
    }
    await this.advance(m, request, steps);
  }

  /** A reviewed package is released: its link's days count from now, however long the review took. */
  private async startLinkClock(m: EntityManager, requestId: string): Promise<void> {
    const row = await m.getRepository(ExportPackageEntity).findOneBy({ requestId });
    if (!row || row.deletedAt) return;
    const expiresAt = linkExpiry(this.clock.now(), this.config.workflows.exportLinkDays);
    await m.getRepository(ExportPackageEntity).update({ id: row.id }, { expiresAt });
    await this.jobs.schedule(m, expireJob(row.id, expiresAt));
  }

  private async scheduleCleanUp(m: EntityManager, requestId: string, all: boolean): Promise<void> {
    await this.jobs.schedule(m, { queue: 'workflows', name: 'request.files-cleanup', key: `request:${requestId}:files-cleanup`, payload: { requestId, all }, runAt: this.clock.now() });
  }

  /** Creates the next phase's steps, or completes the request. Runs with the request row locked. */
  private async advance(m: EntityManager, request: RequestEntity, known?: WorkflowStepEntity[]): Promise<void> {
    const steps = known ?? (await m.getRepository(WorkflowStepEntity).findBy({ requestId: request.id }));
    const stores = [...this.registry.adapters.values()].map((a) => ({ id: a.id, capabilities: a.capabilities }));
    const decision = nextSteps({ type: request.type, status: request.status, stores, steps: steps.filter((s) => s.step !== 'lift' && s.step !== 'notice') });
    if (decision.kind === 'create') {
      await this.createSteps(m, request.id, decision.steps);
      await this.requests.recordEvent(m, request, 'workflow_phase_started', false, { steps: decision.steps.map((s) => `${s.step}:${s.storeId}`) });
    } else if (decision.kind === 'complete') {
      // Art 19: the requester is told who was told only once every notice went, or could not go.
      const notices = await this.notices.noticesOf(request.id, m);
      if (notices.some((n) => n.status === 'queued')) return;
      const packageRow = await m.getRepository(ExportPackageEntity).findOneBy({ requestId: request.id });
      const link = packageRow ? this.downloadLink(packageRow) : null;
      const told = { notices, notifyStep: steps.find((s) => s.step === 'notify') ?? null };
      await this.requests.completeFromWorkflow(m, request, (c) => completionMessage(c, request, steps, link, told, storeLabels(this.config.dataStores), this.fieldLabels()));
    }
  }

  /** The rectifiable fields' labels, as published to requesters. */
  private fieldLabels(): Record<string, string> {
    return Object.fromEntries(rectifiableFields(this.config.dataStores).map((f) => [f.field, f.label]));
  }

  /**
   * An access request completed by hand still carries the Art 15 information: from the register,
   * for every category an active processing activity uses (what was found is not known to Lethe).
   */
  private async handCompletionExtras(request: RequestEntity) {
    if (request.type !== 'access') return { paragraphs: [], attachments: [] };
    const categories = (await this.register.categories()).map((c) => c.key);
    const disclosures = (await Promise.all(categories.map((c) => this.register.disclosure(c)))).filter((d) => d.purposes.length > 0);
    const { name, contact, address } = this.config.controller;
    const info = art15Information(disclosures, { name, contact, ...(address ? { address } : {}) }, supervisoryAuthority(request.jurisdiction, this.config.controller.country), request.locale);
    return {
      paragraphs: [art15AttachedParagraph(request.locale)],
      attachments: [
        { filename: `art15-information-${request.id}.html`, content: art15Html(info, request.id, request.locale), contentType: 'text/html; charset=utf-8' },
        { filename: `art15-information-${request.id}.json`, content: JSON.stringify(info, null, 2), contentType: 'application/json' },
      ],
    };
  }

  /** A recipient notice was delivered or given up on: the request may now complete. */
  private async afterNoticeSettled(requestId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, requestId);
      if (request.status === 'in_progress') await this.advance(m, request);
    });
  }

  private async createSteps(m: EntityManager, requestId: string, refs: { step: StepName; storeId: string }[], input: Record<string, unknown> | null = null): Promise<void> {
    const now = this.clock.now();
    const rows = refs.map((r) => ({ key: stepKey(requestId, r.step, r.storeId), requestId, step: r.step, storeId: r.storeId, status: 'pending' as const, attempts: 0, lastError: null, result: input as never, waivedReason: null, createdAt: now, updatedAt: now }));
    await m.createQueryBuilder().insert().into(WorkflowStepEntity).values(rows).orIgnore().execute();
    await this.jobs.scheduleMany(m, rows.map((r) => ({ queue: 'workflows' as const, name: 'workflow.step', key: r.key, payload: { key: r.key }, runAt: now })));
  }

  // ── Running a step ─────────────────────────────────────────────────────────────────────────

  private async run(key: string, ctx: JobContext): Promise<void> {
    const steps = this.dataSource.getRepository(WorkflowStepEntity);
    const step = await steps.findOneBy({ key });
    if (!step || !RETRYABLE.has(step.status)) return;
    const request = await this.dataSource.getRepository(RequestEntity).findOneBy({ id: step.requestId });
    if (!request) return;
    if (step.step !== 'lift' && step.step !== 'notice' && !isOpen(request.status)) return;
    // Only a step still to do is claimed, and only a claimed one goes back to pending: a waiver or a
    // cancellation made meanwhile stands.
    const claimed = await this.setStatus(key, { status: 'running', attempts: ctx.attempt });
    if (!claimed) return;
    let outcome: StepOutcome;
    try {
      outcome = await this.runners.execute(step, request, this.requests.subjectOf(request));
    } catch (error) {
      await this.setStatus(key, { status: 'pending', lastError: describeFailure(error) });
      // Trying again would not help: the step fails now, for counsel.
      if (error instanceof NeedsCounselError) return this.exhausted(key, error);
      throw error;
    }
    // Kept before success is recorded: a rerun after a crash here finds what the first run did.
    await this.setStatus(key, { result: outcome.result });
    await this.dataSource.transaction(async (m) => {
      const locked = await this.requests.lock(m, step.requestId);
      const current = await m.getRepository(WorkflowStepEntity).findOneBy({ key });
      // Waived or cancelled while it ran: the outcome is not recorded.
      if (!current || !RETRYABLE.has(current.status)) return;
      await outcome.commit?.(m, locked);
      await m.getRepository(WorkflowStepEntity).update({ key }, { status: 'succeeded', result: outcome.result as never, lastError: null, updatedAt: this.clock.now() });
      await this.audit.record(m, SYSTEM, { action: 'workflow.step_succeeded', targetType: 'request', targetId: step.requestId, details: { step: step.step, store: step.storeId } });
      await this.requests.recordEvent(m, locked, 'step_succeeded', false, { step: step.step, store: step.storeId });
      await ctx.complete(m);
      if (step.step === 'notice') await this.afterLiftNotice(m, locked);
      else if (step.step !== 'lift') await this.advance(m, locked);
    });
    await outcome.afterCommit?.();
  }

  /** Updates a step that is still to do (pending, running or failed); false if it is not. */
  private async setStatus(key: string, change: { status?: StepStatus; attempts?: number; lastError?: string | null; result?: Record<string, unknown> }): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(WorkflowStepEntity)
      .set({ ...change, result: change.result as never, updatedAt: this.clock.now() })
      .where('key = :key AND status IN (:...open)', { key, open: [...RETRYABLE] })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The last try failed: the step shows as failed on the request until counsel retries or waives it. */
  private async exhausted(key: string, error: Error): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await m.getRepository(WorkflowStepEntity).findOneBy({ key });
      if (!found) return;
      const request = await this.requests.lock(m, found.requestId);
      // Read again under the request's lock: counsel may have waived it meanwhile.
      const step = await m.getRepository(WorkflowStepEntity).findOneBy({ key });
      if (!step || !RETRYABLE.has(step.status)) return;
      const lastError = describeFailure(error);
      await m.getRepository(WorkflowStepEntity).update({ key }, { status: 'failed', lastError, updatedAt: this.clock.now() });
      await this.audit.record(m, SYSTEM, { action: 'workflow.step_failed', targetType: 'request', targetId: step.requestId, details: { step: step.step, store: step.storeId, attempts: step.attempts } });
      await this.requests.recordEvent(m, request, 'step_failed', false, { step: step.step, store: step.storeId, error: lastError });
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

  // ── Counsel ────────────────────────────────────────────────────────────────────────────────

  async steps(requestId: string): Promise<StepView[]> {
    const request = await this.dataSource.getRepository(RequestEntity).findOneBy({ id: requestId });
    if (!request) throw new NotFoundError('Request');
    const rows = await this.dataSource.getRepository(WorkflowStepEntity).find({ where: { requestId }, order: { createdAt: 'ASC', key: 'ASC' } });
    return rows.map((row) => stepView(row, isOpen(request.status)));
  }

  async retry(requestId: string, step: string, storeId: string, caller: Caller): Promise<StepView> {
    return this.changeStep(requestId, step, storeId, caller, async (m, row, request) => {
      if (row.status !== 'failed') throw new ConflictError('step_not_failed', `The step is ${row.status}; only a failed step can be retried`);
      if (row.step !== 'lift' && row.step !== 'notice' && !isOpen(request.status)) throw new ConflictError('request_closed', `The request is ${request.status}`);
      row.status = 'pending';
      row.attempts = 0;
      await this.jobs.schedule(m, { queue: 'workflows', name: 'workflow.step', key: row.key, payload: { key: row.key }, runAt: this.clock.now() });
      return { action: 'workflow.step_retried', details: {} };
    });
  }

  async waive(requestId: string, step: string, storeId: string, reason: string, caller: Caller): Promise<StepView> {
    return this.changeStep(requestId, step, storeId, caller, async (m, row, request) => {
      if (!RETRYABLE.has(row.status)) throw new ConflictError('step_finished', `The step is ${row.status} and cannot be waived`);
      const afterClosing = row.step === 'notice' || row.step === 'lift';
      if (!afterClosing && !isOpen(request.status)) throw new ConflictError('request_closed', `The request is ${request.status}`);
      row.status = 'waived';
      row.waivedReason = reason;
      await this.jobs.cancel(m, row.key);
      // A waived notice (the requester was told another way) lets the stores lift the restriction.
      const after = row.step === 'notice' ? () => this.afterLiftNotice(m, request) : row.step === 'lift' ? undefined : () => this.advance(m, request);
      return { action: 'workflow.step_waived', details: {}, after };
    });
  }

  private async changeStep(
    requestId: string,
    step: string,
    storeId: string,
    caller: Caller,
    change: (m: EntityManager, row: WorkflowStepEntity, request: RequestEntity) => Promise<{ action: string; details: Record<string, unknown>; after?: () => Promise<void> }>,
  ): Promise<StepView> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, requestId);
      const row = await m.getRepository(WorkflowStepEntity).findOneBy({ key: stepKey(requestId, step as StepName, storeId) });
      if (!row) throw new NotFoundError('Step');
      const { action, details, after } = await change(m, row, request);
      row.lastError = row.status === 'pending' ? null : row.lastError;
      row.updatedAt = this.clock.now();
      await m.getRepository(WorkflowStepEntity).save(row);
      await this.audit.record(m, caller, { action, targetType: 'request', targetId: requestId, details: { step: row.step, store: row.storeId, ...details } });
      await this.requests.recordEvent(m, request, action.replace('workflow.', ''), false, { step: row.step, store: row.storeId }, caller);
      await after?.();
      return stepView(row, isOpen(request.status));
    });
  }

  /** Art 18(3): the requester is told before a restriction is lifted; the stores lift it after. */
  async liftRestriction(requestId: string, reason: string, caller: Caller): Promise<StepView[]> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, requestId);
      if (request.type !== 'restriction') throw new ConflictError('not_a_restriction', 'Only a restriction request can be lifted');
      if (request.status !== 'completed') throw new ConflictError('restriction_not_complete', 'Lift a restriction once every store has applied it and the request is completed');
      const restricted = await m.getRepository(WorkflowStepEntity).findBy({ requestId, step: 'restrict', status: 'succeeded' });
      if (restricted.length === 0) throw new ConflictError('nothing_restricted', 'No store has restricted this subject’s data yet');
      const existing = await m.getRepository(WorkflowStepEntity).findBy({ requestId, step: In(['notice', 'lift']) });
      if (existing.length > 0) throw new ConflictError('already_lifting', 'The restriction is already being lifted');
      const notice = this.keyring.seal(JSON.stringify({ reason }));
      await this.createSteps(m, requestId, [{ step: 'notice', storeId: NO_STORE }], { notice });
      await this.audit.record(m, caller, { action: 'request.restriction_lift_requested', targetType: 'request', targetId: requestId, details: { stores: restricted.length } });
      await this.requests.recordEvent(m, request, 'restriction_lift_requested', false, {}, caller);
      return (await m.getRepository(WorkflowStepEntity).findBy({ requestId, step: 'notice' })).map((row) => stepView(row, false));
    });
  }

  /** The requester has been told: now each store that restricted the subject lifts it. */
  private async afterLiftNotice(m: EntityManager, request: RequestEntity): Promise<void> {
    const restricted = await m.getRepository(WorkflowStepEntity).findBy({ requestId: request.id, step: 'restrict', status: 'succeeded' });
    await this.createSteps(m, request.id, restricted.map((s) => ({ step: 'lift' as const, storeId: s.storeId })));
    await this.requests.recordEvent(m, request, 'restriction_lift_notified', true, {});
  }

  // ── The requester ──────────────────────────────────────────────────────────────────────────

  async recipients(requestId: string, token: string | undefined) {
    await this.requests.withToken(requestId, token);
    return { recipients: (await this.notices.noticesOf(requestId)).map(noticeView) };
  }

  /** For counsel: every notice, unreached ones included, to tell those by hand. */
  async noticesOf(requestId: string) {
    return (await this.notices.noticesOf(requestId)).map(noticeView);
  }

  /** A download through a signed link: bounded, audited, and only until the link expires. */
  async download(requestId: string, expires: number, signature: string, link = 1): Promise<{ stream: Readable; fileName: string; bytes: number }> {
    const found = await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(ExportPackageEntity).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
      const issued = row !== null && Number.isSafeInteger(link) && link >= 1 && link <= row.linksIssued;
      if (!row || !issued || !Number.isSafeInteger(expires) || !safeEqual(this.signature(row, expires, link), signature) || expires !== Math.floor(row.expiresAt.getTime() / 1000)) throw new NotFoundError('Package');
      this.assertDownloadable(row);
      // The path is built from the stored id, never from the URL's spelling of it; a file gone
      // from disk is the same answer as an expired package, and does not use up a download.
      const bytes = await stat(join(this.config.workflows.exportDir, row.requestId, row.fileName)).then((s) => s.size, () => undefined);
      if (bytes === undefined) throw new DomainError(410, 'package_expired', 'Gone', 'This package is no longer available: make a new request to get a fresh copy');
      row.downloads += 1;
      await m.getRepository(ExportPackageEntity).update({ id: row.id }, { downloads: row.downloads });
      await this.audit.record(m, { kind: 'subject', requestId }, { action: 'request.package_downloaded', targetType: 'request', targetId: requestId, details: { download: row.downloads, of: row.maxDownloads, link } });
      return { row, bytes };
    });
    const path = join(this.config.workflows.exportDir, found.row.requestId, found.row.fileName);
    return { stream: createReadStream(path), fileName: found.row.fileName, bytes: found.bytes };
  }

  private assertDownloadable(row: ExportPackageEntity): void {
    if (row.deletedAt || row.expiresAt.getTime() <= this.clock.now().getTime()) throw new DomainError(410, 'package_expired', 'Gone', 'This link has expired and the package was deleted: make a new request to get a fresh copy');
    if (row.downloads >= row.maxDownloads) throw new DomainError(410, 'downloads_exhausted', 'Gone', `This package may be downloaded ${row.maxDownloads} times, and has been`);
  }

  /** Link `n` (default: the latest issued). The first link keeps the original form, without `link=`. */
  downloadLink(row: ExportPackageEntity, n = row.linksIssued): { url: string; expiresAt: string; maxDownloads: number } {
    const expires = Math.floor(row.expiresAt.getTime() / 1000);
    const url = `${this.config.publicUrl}/v1/requests/${row.requestId}/package?expires=${expires}${n > 1 ? `&link=${n}` : ''}&signature=${this.signature(row, expires, n)}`;
    return { url, expiresAt: row.expiresAt.toISOString(), maxDownloads: row.maxDownloads };
  }

  private signature(row: ExportPackageEntity, expires: number, n = 1): string {
    return this.keyring.keyedHash('package-link', `${row.requestId}:${row.id}:${expires}${n > 1 ? `:${n}` : ''}`);
  }

  /** Counsel sees the requester's current download link, once the package was released (audited: the link opens the data). */
  async packageLink(requestId: string, caller: Caller): Promise<PackageLinkView> {
    return this.dataSource.transaction(async (m) => {
      const { row } = await this.releasedPackage(m, requestId);
      await this.audit.record(m, caller, { action: 'request.package_link_viewed', targetType: 'request', targetId: requestId, details: { link: row.linksIssued } });
      return this.linkView(row, null);
    });
  }

  /** The requester's own link, read on the follow page with the status token (audited as theirs). */
  async requesterPackageLink(requestId: string, token: string | undefined): Promise<PackageLinkView> {
    await this.requests.withToken(requestId, token);
    return this.packageLink(requestId, { kind: 'subject', requestId });
  }

  /**
   * Counsel sends the requester a new link (e.g. the first mail was lost). It shares the package's
   * expiry and download budget with the earlier links, which keep working within those bounds.
   */
  async resendPackageLink(requestId: string, caller: Caller): Promise<PackageLinkView> {
    return this.dataSource.transaction(async (m) => {
      const { row, request } = await this.releasedPackage(m, requestId);
      row.linksIssued += 1;
      await m.getRepository(ExportPackageEntity).update({ id: row.id }, { linksIssued: row.linksIssued });
      const link = this.downloadLink(row);
      const sent = await this.requests.tellRequester(m, request, `package-link-${row.linksIssued}`, (c) => packageLinkMessage(c, request.type, link, row.downloads));
      await this.audit.record(m, caller, { action: 'request.package_link_resent', targetType: 'request', targetId: requestId, details: { link: row.linksIssued, mailed: sent } });
      await this.requests.recordEvent(m, request, 'package_link_resent', true, { link: row.linksIssued }, caller);
      return this.linkView(row, sent);
    });
  }

  private async releasedPackage(m: EntityManager, requestId: string): Promise<{ row: ExportPackageEntity; request: RequestEntity }> {
    const request = await this.requests.lock(m, requestId);
    const row = await m.getRepository(ExportPackageEntity).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new NotFoundError('Package');
    if (request.status !== 'completed') throw new ConflictError('package_not_released', `The request is ${request.status.replace(/_/g, ' ')}: the link exists once the package is released (the request completed)`);
    if (row.deletedAt || row.expiresAt.getTime() <= this.clock.now().getTime()) throw new ConflictError('package_expired', 'The package has expired and was deleted');
    if (row.downloads >= row.maxDownloads) throw new ConflictError('downloads_exhausted', `The package was downloaded ${row.maxDownloads} times, as many as allowed`);
    return { row, request };
  }

  private linkView(row: ExportPackageEntity, mailed: boolean | null): PackageLinkView {
    return { ...this.downloadLink(row), link: row.linksIssued, downloads: row.downloads, mailed };
  }

  /** Marked deleted first (under the row lock downloads take), then the files go. */
  private async expirePackage(packageId: string): Promise<void> {
    const requestId = await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(ExportPackageEntity).findOne({ where: { id: packageId }, lock: { mode: 'pessimistic_write' } });
      if (!row) return null;
      if (!row.deletedAt) {
        await m.getRepository(ExportPackageEntity).update({ id: packageId }, { deletedAt: this.clock.now() });
        await this.audit.record(m, SYSTEM, { action: 'request.package_deleted', targetType: 'request', targetId: row.requestId, details: { downloads: row.downloads } });
      }
      return row.requestId;
    });
    if (requestId) await this.removeFiles(requestId);
  }

  /** Everything Lethe wrote to disk for a request: staged exports and the package. */
  private async removeFiles(requestId: string): Promise<void> {
    await rm(join(this.config.workflows.exportDir, requestId), { recursive: true, force: true });
  }

  /** A closed request keeps no staged exports; a refused or withdrawn one no package either. */
  private async cleanUp(payload: Record<string, unknown>): Promise<void> {
    const requestId = String(payload.requestId);
    if (payload.all) {
      await this.dataSource.transaction(async (m) => {
        const row = await m.getRepository(ExportPackageEntity).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
        if (row && !row.deletedAt) await m.getRepository(ExportPackageEntity).update({ id: row.id }, { deletedAt: this.clock.now() });
      });
      await this.removeFiles(requestId);
    } else {
      await rm(join(this.config.workflows.exportDir, requestId, 'staging'), { recursive: true, force: true });
    }
  }

  /** The request's workflow as counsel reads it: steps, package and manifest, the erasure plan, the certificate, Art 19 notices. */
  async view(requestId: string): Promise<WorkflowDto> {
    const steps = await this.steps(requestId);
    const [pkg, recipients] = await Promise.all([this.packageOf(requestId), this.noticesOf(requestId)]);
    return {
      steps,
      recipients,
      package: pkg && {
        sha256: pkg.sha256,
        bytes: Number(pkg.bytes),
        createdAt: pkg.createdAt.toISOString(),
        expiresAt: pkg.expiresAt.toISOString(),
        downloads: pkg.downloads,
        maxDownloads: pkg.maxDownloads,
        links: pkg.linksIssued,
        deleted: pkg.deletedAt !== null,
      },
      manifest: manifestOf(steps.find((s) => s.step === 'package' && s.status === 'succeeded')?.result ?? null),
      erasurePlan: steps
        .filter((s) => s.step === 'plan' && s.status === 'succeeded')
        .flatMap((s) =>
          ((s.result?.items ?? []) as ErasurePlan['items']).map((i) => ({
            storeId: s.storeId,
            table: i.table,
            action: i.action,
            rows: i.rows,
            columns: i.columns ?? [],
            ground: i.ground ?? null,
            retainUntil: i.retainUntil ?? null,
          })),
        ),
      certificate: certificateOf(steps.find((s) => s.step === 'certificate' && s.status === 'succeeded')?.result ?? null),
    };
  }

  /** The erasure certificate as mailed to the requester (HTML, with the SHA-256 of its JSON), once issued. */
  async certificateHtml(requestId: string): Promise<{ html: string; fileName: string }> {
    const step = await this.dataSource.getRepository(WorkflowStepEntity).findOneBy({ key: stepKey(requestId, 'certificate', NO_STORE), status: 'succeeded' });
    const result = step?.result as { sha256?: string; certificate?: ErasureCertificate } | null | undefined;
    if (!result?.sha256 || !result.certificate) throw new NotFoundError('Erasure certificate');
    // In the requester's language, as it was mailed to them.
    const request = await this.dataSource.getRepository(RequestEntity).findOne({ where: { id: requestId }, select: { id: true, locale: true } });
    return { html: certificateHtml(result.certificate, result.sha256, storeLabels(this.config.dataStores), request?.locale), fileName: `erasure-certificate-${requestId}.html` };
  }

  /** For the request detail: package status without the link itself. */
  async packageOf(requestId: string): Promise<ExportPackageEntity | null> {
    return this.dataSource.getRepository(ExportPackageEntity).findOneBy({ requestId });
  }

}

/** What counsel sees of a failure: the typed kind and message, never a driver's text or personal data. */
export function describeFailure(error: unknown): string {
  if (error instanceof DataStoreError) return `${error.kind}: ${error.message}`.slice(0, 500);
  if (error instanceof WaitingError || error instanceof NeedsCounselError) return error.message;
  return `failed: ${(error as Error)?.name ?? 'Error'}${(error as { code?: string })?.code ? ` ${(error as { code?: string }).code}` : ''}`.slice(0, 500);
}

/** What counsel reviews of a package: from the package step's result. */
function manifestOf(result: Record<string, unknown> | null): WorkflowDto['manifest'] {
  const review = result?.manifest as { stores?: Manifest['stores']; files?: { name: string; bytes: number }[] } | undefined;
  if (!review?.stores || !review.files) return null;
  return {
    stores: review.stores.map((s) => ({ id: s.id, status: s.status, tables: Object.entries(s.tables).map(([table, rows]) => ({ table, rows })) })),
    files: review.files.map(({ name, bytes }) => ({ name, bytes })),
  };
}

function certificateOf(result: Record<string, unknown> | null): WorkflowDto['certificate'] {
  const c = result?.certificate as ErasureCertificate | undefined;
  if (!c || typeof result?.sha256 !== 'string') return null;
  return {
    sha256: result.sha256,
    issuedAt: c.issuedAt,
    stores: c.stores.map((s) => ({ id: s.id, status: s.status, erasedAt: s.erasedAt, verifiedAt: s.verifiedAt, waivedReason: s.waivedReason ?? null })),
    pseudonymisedConsentEvents: c.consentLedger.pseudonymisedEvents,
    searchedByEmailOnly: c.searchedBy === 'email',
  };
}
