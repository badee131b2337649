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
  ) {}

  confirm(id: string, dto: ConfirmSubjectIdDto, caller: Caller): Promise<SubjectIdStandingDto> {
    return this.dataSource.transaction(async (m) => {
      const request = await this.requests.lock(m, id);
      const refusal = whyNotConfirmable({ open: isOpen(request.status), hasSubjectId: request.subjectRef !== null, proof: request.subjectIdProof });
      if (refusal) throw new ConflictError(refusal.code, refusal.detail);
      const now = this.clock.now();
      request.subjectIdProof = `counsel:${dto.method}`;
      request.subjectIdConfirmedAt = now;
      request.updatedAt = now;
      await m.getRepository(RequestEntity).save(request);
      const sealed = this.keyring.seal(`Subject id confirmed (${dto.method}): ${dto.note}`);
      await m.getRepository(RequestNoteEntity).insert({ requestId: id, at: now, author: actorOf(caller), bodySealed: sealed.data, keyId: sealed.keyId });
      await this.requests.recordEvent(m, request, 'subject_id_confirmed', false, { method: dto.method }, caller);
      await this.audit.record(m, caller, { action: 'request.subject_id_confirmed', targetType: 'request', targetId: id, details: { method: dto.method } });
      return subjectIdStanding('confirmed', request.subjectIdProof, now);
    });
  }
}
