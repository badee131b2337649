import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../../common/audit/audit.service.js';
import { SYSTEM } from '../../../common/auth/roles.js';
import { Clock } from '../../../common/clock.js';
import { sha256Hex } from '../../../common/crypto.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { storeLabels } from '../../../config/data-stores.config.js';
import type { ErasurePlan } from '../../data-stores/data-store.port.js';
import { hasUnprovenSubjectId } from '../../requests/request.identity.js';
import { RequestsService } from '../../requests/requests.service.js';
import { certificateHtml, type ErasureCertificate, keptUntilInWords } from '../workflow.documents.js';
import { certificateMessage } from '../workflow.mail.js';
import { WorkflowsRepository } from '../workflows.repository.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';

/** The erasure certificate: what each store erased, kept and why, verified when; mailed to the requester with its SHA-256. */
@Injectable()
export class CertificateStep implements StepKind {
  readonly name = 'certificate';
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: WorkflowsRepository,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async run({ request }: StepInput): Promise<StepOutcome> {
    const steps = await this.repository.stepsByStore(request.id);
    const of = (name: string, storeId: string) => steps.find((s) => s.step === name && s.storeId === storeId);
    const consent = steps.find((s) => s.step === 'consent')?.result as { events?: number } | undefined;
    const certificate: ErasureCertificate = {
      certificate: 'lethe.erasure/v1',
      requestId: request.id,
      controller: { name: this.config.controller.name, contact: this.config.controller.contact },
      issuedAt: this.clock.now().toISOString(),
      stores: steps
        .filter((s) => s.step === 'erase')
        .map((s) => ({
          id: s.storeId,
          status: s.status === 'waived' ? ('waived' as const) : ('erased' as const),
          erasedAt: (s.result?.erasedAt as string | undefined) ?? null,
          ...(s.waivedReason ? { waivedReason: s.waivedReason } : {}),
          // What a store reports as retainUntil ("P7Y after the retention trigger") is put in words for the requester.
          items: ((s.result?.items as ErasurePlan['items'] | undefined) ?? []).map((i) =>
            i.retainUntil ? { ...i, retainUntil: keptUntilInWords(i.retainUntil, s.result?.erasedAt ? new Date(s.result.erasedAt as string) : undefined, request.locale) } : i,
          ),
          verifiedAt: (of('verify', s.storeId)?.result?.verifiedAt as string | undefined) ?? null,
        })),
      consentLedger: { pseudonymisedEvents: consent?.events ?? 0 },
      ...(hasUnprovenSubjectId(request) ? { searchedBy: 'email' as const } : {}),
    };
    const json = JSON.stringify(certificate, null, 2);
    const sha256 = sha256Hex(json);
    const html = certificateHtml(certificate, sha256, storeLabels(this.config.dataStores), request.locale);
    return {
      result: { sha256, certificate },
      commit: async (m) => {
        await this.audit.record(m, SYSTEM, { action: 'request.erasure_certified', targetType: 'request', targetId: request.id, details: { sha256 } });
        await this.requests.tellRequester(m, request.id, 'erasure-certificate', (c) => certificateMessage(c, html, json));
        await this.requests.recordEvent(m, request.id, 'erasure_certified', true, { sha256 });
      },
    };
  }
}
