import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import type { DrpStatusDto } from './drp.dto.js';
import type { DrpRequestEntity } from './drp.entity.js';
import { drpTime, FINAL, statusOf } from './drp.rules.js';

const DETAILS = {
  verify:
    'We emailed the person a code and a link to confirm their email address; the request goes ahead once they do. The user_verification_url page asks them to open that link.',
  optOutUnlinked: 'No account was linked to this request, so the opt-out is recorded on the request only: no account’s consent records changed.',
};

/** DRP §3.03's status object for an agent's request: the answer to every call about it, and every callback. */
@Injectable()
export class DrpStatuses {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly requests: RequestsService,
  ) {}

  /** From the Lethe request's state (`known`, or read in `m`), or from the answer recorded at filing. */
  async view(row: DrpRequestEntity, known?: RequestRecord | null, m?: EntityManager): Promise<DrpStatusDto> {
    const record = known !== undefined ? known : row.requestId ? await this.requests.record(row.requestId, m) : null;
    const state = record ? statusOf(record) : { status: row.status ?? 'open', reason: row.reason };
    const final = FINAL.has(state.status);
    const view: DrpStatusDto = { request_id: row.id, status: state.status, received_at: drpTime(row.receivedAt) };
    if (row.agentRequestId) view.agent_request_id = row.agentRequestId;
    if (state.reason) view.reason = state.reason;
    if (record && !final) view.expected_by = drpTime(record.dueAt);
    const details =
      state.reason === 'need_user_verification'
        ? DETAILS.verify
        : record && state.status === 'fulfilled' && record.type === 'objection' && !record.subjectIdProof
          ? DETAILS.optOutUnlinked
          : // An extension's reason (§3.08) matters while the request is open; a request answered at filing keeps its own.
            !record || !final
            ? row.processingDetails
            : null;
    if (details) view.processing_details = details;
    if (record && state.reason === 'need_user_verification') view.user_verification_url = `${this.config.publicUrl}/privacy/requests/${record.id}`;
    return view;
  }
}
