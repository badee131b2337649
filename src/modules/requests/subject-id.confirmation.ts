import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError } from '../../common/errors/domain.error.js';
import { ConfirmSubjectIdDto, SubjectIdStandingDto } from './request-counsel.dto.js';
import { subjectIdStanding, whyNotConfirmable, whyNotLinkable } from './request.identity.js';
import { Keyring } from '../../common/keyring.js';
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
    private readonly keyring: Keyring,
  ) {}

  confirm(id: string, dto: ConfirmSubjectIdDto, caller: Caller): Promise<SubjectIdStandingDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      // An erasure's dry run may already have run on the email alone: it runs again with the id, so counsel
      // approves what will really be erased. Any other step means the work itself began without the id.
      const { steps } = await this.lifecycle.workflows.detail(m, id, isOpen(request.status));
      const workflowStarted = steps.some((s) => s.step !== 'plan');
      const open = isOpen(request.status);
      const linking = dto.subjectId !== undefined && request.subjectRef === null;
      if (dto.subjectId !== undefined && request.subjectRef !== null && this.keyring.keyedHash('consent-subject', dto.subjectId) !== request.subjectRef) {
        throw new ConflictError('subject_id_differs', 'The request names another subject id: confirm that one, or leave subjectId out');
      }
      const refusal = linking
        ? whyNotLinkable({ open, hasSubjectId: false, verified: request.verifiedAt !== null, workflowStarted })
        : whyNotConfirmable({ open, hasSubjectId: request.subjectRef !== null, proof: request.subjectIdProof, workflowStarted });
      if (refusal) throw new ConflictError(refusal.code, refusal.code === 'no_subject_id' ? `${refusal.detail}: give the account’s id (subjectId) to link it` : refusal.detail);
      const now = this.clock.now();
      if (linking) {
        // The account counsel found by the verified email: sealed with the rest of the requester's data.
        const personal = { ...this.lifecycle.personal(request), subjectId: dto.subjectId! };
        const sealed = this.keyring.seal(JSON.stringify(personal));
        request.personalSealed = sealed.data;
        request.contactKeyId = sealed.keyId;
        request.subjectRef = this.keyring.keyedHash('consent-subject', dto.subjectId!);
      }
      request.subjectIdProof = `counsel:${dto.method}`;
      request.subjectIdConfirmedAt = now;
      request.updatedAt = now;
      await this.repository.save(m, request);
      await this.lifecycle.workflows.rerun(m, id);
      await this.lifecycle.note(m, id, caller, `${linking ? 'Account linked' : 'Subject id confirmed'} (${dto.method}): ${dto.note}`);
      await this.lifecycle.event(m, request, caller, linking ? 'subject_id_linked' : 'subject_id_confirmed', false, { method: dto.method });
      await this.audit.record(m, caller, { action: linking ? 'request.subject_id_linked' : 'request.subject_id_confirmed', targetType: 'request', targetId: id, details: { method: dto.method } });
      return subjectIdStanding('confirmed', request.subjectIdProof, now);
    });
  }
}
