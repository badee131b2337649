import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { storeLabels } from '../../config/data-stores.config.js';
import type { ErasurePlan } from '../data-stores/data-store.port.js';
import { RegisterService } from '../register/register.service.js';
import { supervisoryAuthority } from '../requests/request.authorities.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import { RecipientNotices } from './recipient.notices.js';
import { WorkflowCounsel } from './workflow.counsel.js';
import { art15AttachedParagraph } from './workflow.mail.js';
import { art15Html, art15Information, certificateHtml, type ErasureCertificate, type Manifest } from './workflow.documents.js';
import type { WorkflowDto } from './workflow.dto.js';
import { type ExportPackageEntity, noticeView } from './workflow.entity.js';
import { NO_STORE, stepKey } from './workflow.plan.js';
import { WorkflowsRepository } from './workflows.repository.js';

/**
 * The workflows module's read side for counsel and the requester: a request's workflow (steps,
 * package, manifest, erasure plan, certificate, Art 19 notices), and the Art 15 information a hand
 * completion of an access request carries.
 */
@Injectable()
export class WorkflowsService {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: WorkflowsRepository,
    private readonly requests: RequestsService,
    private readonly counsel: WorkflowCounsel,
    private readonly notices: RecipientNotices,
    private readonly register: RegisterService,
  ) {
    requests.onHandCompletion((request) => this.handCompletionExtras(request));
  }

  /**
   * An access request completed by hand still carries the Art 15 information: from the register,
   * for every category an active processing activity uses (what was found is not known to Lethe).
   */
  private async handCompletionExtras(request: RequestRecord) {
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

  async recipients(requestId: string, token: string | undefined) {
    await this.requests.withToken(requestId, token);
    return { recipients: (await this.notices.noticesOf(requestId)).map(noticeView) };
  }

  /** For counsel: every notice, unreached ones included, to tell those by hand. */
  async noticesOf(requestId: string) {
    return (await this.notices.noticesOf(requestId)).map(noticeView);
  }

  /** The request's workflow as counsel reads it: steps, package and manifest, the erasure plan, the certificate, Art 19 notices. */
  async view(requestId: string): Promise<WorkflowDto> {
    const steps = await this.counsel.steps(requestId);
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
    const found = await this.repository.step(stepKey(requestId, 'certificate', NO_STORE));
    const step = found?.status === 'succeeded' ? found : null;
    const result = step?.result as { sha256?: string; certificate?: ErasureCertificate } | null | undefined;
    if (!result?.sha256 || !result.certificate) throw new NotFoundError('Erasure certificate');
    // In the requester's language, as it was mailed to them.
    const request = await this.requests.record(requestId);
    return { html: certificateHtml(result.certificate, result.sha256, storeLabels(this.config.dataStores), request?.locale), fileName: `erasure-certificate-${requestId}.html` };
  }

  /** For the request detail: package status without the link itself. */
  async packageOf(requestId: string): Promise<ExportPackageEntity | null> {
    return this.repository.packageOf(requestId);
  }
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
