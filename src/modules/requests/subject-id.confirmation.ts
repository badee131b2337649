import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { ConfirmSubjectIdDto, SubjectIdStandingDto } from './request.dto.js';
import { RequestEntity, RequestNoteEntity } from './request.entity.js';
import { subjectIdStanding, whyNotConfirmable } from './request.identity.js';
import { isOpen } from './request.state.js';
import { RequestsService } from './requests.service.js';
import { WorkflowStepEntity } from '../workflows/workflow.entity.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';

/**
 * Counsel confirms that the subject id a requester gave is theirs, and how. Until then the workflows
 * use the verified email only: a typed id never reaches the consent ledger or a store.
 */
@Injectable()
export class SubjectIdConfirmation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly jobs: JobsService,
  ) {}

  confirm(id: string, dto: ConfirmSubjectIdDto, caller: Caller): Promise<SubjectIdStandingDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, id);
      // An erasure's dry run may already have run on the email alone: it runs again with the id, so counsel
      // approves what will really be erased. Any other step means the work itself began without the id.
      const steps = await m.getRepository(WorkflowStepEntity).findBy({ requestId: id });
      const workflowStarted = steps.some((s) => s.step !== 'plan');
      const refusal = whyNotConfirmable({ open: isOpen(request.status), hasSubjectId: request.subjectRef !== null, proof: request.subjectIdProof, workflowStarted });
      if (refusal) throw new ConflictError(refusal.code, refusal.detail);
      const now = this.clock.now();
      request.subjectIdProof = `counsel:${dto.method}`;
      request.subjectIdConfirmedAt = now;
      request.updatedAt = now;
      await m.getRepository(RequestEntity).save(request);
      for (const plan of steps) {
        await m.getRepository(WorkflowStepEntity).update({ key: plan.key }, { status: 'pending', attempts: 0, lastError: null, result: null as never, updatedAt: now });
        await this.jobs.schedule(m, { queue: 'workflows', name: 'workflow.step', key: plan.key, payload: { key: plan.key }, runAt: now });
      }
      const sealed = this.keyring.seal(`Subject id confirmed (${dto.method}): ${dto.note}`);
      await m.getRepository(RequestNoteEntity).insert({ requestId: id, at: now, author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
      await this.requests.recordEvent(m, request, 'subject_id_confirmed', false, { method: dto.method }, caller);
      await this.audit.record(m, caller, { action: 'request.subject_id_confirmed', targetType: 'request', targetId: id, details: { method: dto.method } });
      return subjectIdStanding('confirmed', request.subjectIdProof, now);
    });
  }
}
