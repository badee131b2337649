import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError, NotFoundError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { isOpen } from '../requests/request.state.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import { WorkflowEngine } from './workflow.engine.js';
import { stepView, type WorkflowStepEntity } from './workflow.entity.js';
import { NO_STORE, STEP_OPEN, type StepAction, type StepName, type StepStatus, stepKey } from './workflow.plan.js';
import { WorkflowsRepository } from './workflows.repository.js';

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

/** Counsel's hand on a workflow: retry a failed step, waive one with a reason, lift a restriction (Art 18(3)). */
@Injectable()
export class WorkflowCounsel {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WorkflowsRepository,
    private readonly engine: WorkflowEngine,
    private readonly requests: RequestsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  async steps(requestId: string): Promise<StepView[]> {
    const request = await this.requests.record(requestId);
    if (!request) throw new NotFoundError('Request');
    return (await this.repository.steps(requestId)).map((row) => stepView(row, isOpen(request.status)));
  }

  async retry(requestId: string, step: string, storeId: string, caller: Caller): Promise<StepView> {
    return this.changeStep(requestId, step, storeId, caller, async (m, row, request) => {
      if (row.status !== 'failed') throw new ConflictError('step_not_failed', `The step is ${row.status}; only a failed step can be retried`);
      if (row.step !== 'lift' && row.step !== 'notice' && !isOpen(request.status)) throw new ConflictError('request_closed', `The request is ${request.status}`);
      row.status = 'pending';
      row.attempts = 0;
      await this.jobs.schedule(m, { name: 'workflow.step', key: row.key, payload: { key: row.key }, runAt: this.clock.now() });
      return { action: 'workflow.step_retried', details: {} };
    });
  }

  async waive(requestId: string, step: string, storeId: string, reason: string, caller: Caller): Promise<StepView> {
    return this.changeStep(requestId, step, storeId, caller, async (m, row, request) => {
      if (!STEP_OPEN.has(row.status)) throw new ConflictError('step_finished', `The step is ${row.status} and cannot be waived`);
      const afterClosing = row.step === 'notice' || row.step === 'lift';
      if (!afterClosing && !isOpen(request.status)) throw new ConflictError('request_closed', `The request is ${request.status}`);
      row.status = 'waived';
      row.waivedReason = reason;
      await this.jobs.cancel(m, row.key);
      // A waived notice (the requester was told another way) lets the stores lift the restriction.
      const after = row.step === 'notice' ? () => this.engine.afterLiftNotice(m, request) : row.step === 'lift' ? undefined : () => this.engine.advance(m, request);
      return { action: 'workflow.step_waived', details: {}, after };
    });
  }

  private async changeStep(
    requestId: string,
    step: string,
    storeId: string,
    caller: Caller,
    change: (m: EntityManager, row: WorkflowStepEntity, request: RequestRecord) => Promise<{ action: string; details: Record<string, unknown>; after?: () => Promise<void> }>,
  ): Promise<StepView> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, requestId);
      const row = await this.repository.step(stepKey(requestId, step as StepName, storeId), m);
      if (!row) throw new NotFoundError('Step');
      const { action, details, after } = await change(m, row, request);
      row.lastError = row.status === 'pending' ? null : row.lastError;
      row.updatedAt = this.clock.now();
      await this.repository.saveStep(m, row);
      await this.audit.record(m, caller, { action, targetType: 'request', targetId: requestId, details: { step: row.step, store: row.storeId, ...details } });
      await this.requests.recordEvent(m, requestId, action.replace('workflow.', ''), false, { step: row.step, store: row.storeId }, caller);
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
      const restricted = await this.repository.steps(requestId, { step: 'restrict', status: 'succeeded' }, m);
      if (restricted.length === 0) throw new ConflictError('nothing_restricted', 'No store has restricted this subject’s data yet');
      const existing = await this.repository.steps(requestId, { step: ['notice', 'lift'] }, m);
      if (existing.length > 0) throw new ConflictError('already_lifting', 'The restriction is already being lifted');
      const notice = this.keyring.seal(JSON.stringify({ reason }));
      await this.engine.createSteps(m, requestId, [{ step: 'notice', storeId: NO_STORE }], { notice });
      await this.audit.record(m, caller, { action: 'request.restriction_lift_requested', targetType: 'request', targetId: requestId, details: { stores: restricted.length } });
      await this.requests.recordEvent(m, requestId, 'restriction_lift_requested', false, {}, caller);
      return (await this.repository.steps(requestId, { step: 'notice' }, m)).map((row) => stepView(row, false));
    });
  }
}
