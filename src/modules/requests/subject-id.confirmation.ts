import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError } from '../../common/errors/domain.error.js';
import { ConfirmSubjectIdDto, SubjectIdStandingDto } from './request-counsel.dto.js';
import { subjectIdStanding, whyNotConfirmable } from './request.identity.js';
import { RequestLifecycle } from './request.lifecycle.js';
import { isOpen } from './request.state.js';
import { RequestsRepository } from './requests.repository.js';

/**
 * Counsel confirms that the subject id a requester gave is theirs, and how. Until then the workflows
 * use the verified email only: a typed id never reaches the consent ledger or a store.
 */
@Injectable()
export class SubjectIdConfirmation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  confirm(id: string, dto: ConfirmSubjectIdDto, caller: Caller): Promise<SubjectIdStandingDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      // An erasure's dry run may already have run on the email alone: it runs again with the id, so counsel
      // approves what will really be erased. Any other step means the work itself began without the id.
      const { steps } = await this.lifecycle.workflows.detail(m, id, isOpen(request.status));
      const workflowStarted = steps.some((s) => s.step !== 'plan');
      const refusal = whyNotConfirmable({ open: isOpen(request.status), hasSubjectId: request.subjectRef !== null, proof: request.subjectIdProof, workflowStarted });
      if (refusal) throw new ConflictError(refusal.code, refusal.detail);
      const now = this.clock.now();
      request.subjectIdProof = `counsel:${dto.method}`;
      request.subjectIdConfirmedAt = now;
      request.updatedAt = now;
      await this.repository.save(m, request);
      await this.lifecycle.workflows.rerun(m, id);
      await this.lifecycle.note(m, id, caller, `Subject id confirmed (${dto.method}): ${dto.note}`);
      await this.lifecycle.event(m, request, caller, 'subject_id_confirmed', false, { method: dto.method });
      await this.audit.record(m, caller, { action: 'request.subject_id_confirmed', targetType: 'request', targetId: id, details: { method: dto.method } });
      return subjectIdStanding('confirmed', request.subjectIdProof, now);
    });
  }
}
