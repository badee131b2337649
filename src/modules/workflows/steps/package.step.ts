import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditService } from '../../../common/audit/audit.service.js';
import { SYSTEM } from '../../../common/auth/roles.js';
import { Clock } from '../../../common/clock.js';
import { sha256Hex } from '../../../common/crypto.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { JobsService } from '../../../infrastructure/queue/jobs.service.js';
import { storeLabels } from '../../../config/data-stores.config.js';
import { RegisterService } from '../../register/register.service.js';
import { supervisoryAuthority } from '../../requests/request.authorities.js';
import { type StagedExport, writePackage } from '../export.package.js';
import { expireJob, linkExpiry } from '../package.rules.js';
import { art15Information, indexHtml, type Manifest } from '../workflow.documents.js';
import { WorkflowsRepository } from '../workflows.repository.js';
import { verifyZip } from '../zip.verify.js';
import { stagingDir } from './export.step.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';

/**
 * The one package of the request: a zip of every store's files, the manifest, the index and the Art 15
 * information, verified against the manifest before it is recorded (a package that fails is deleted
 * and the step tried again).
 */
@Injectable()
export class PackageStep implements StepKind {
  readonly name = 'package';
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: WorkflowsRepository,
    private readonly register: RegisterService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async run({ request, previous }: StepInput): Promise<StepOutcome> {
    const existing = await this.repository.packageOf(request.id);
    if (existing) return { result: { ...previous, packageId: existing.id, sha256: existing.sha256, bytes: Number(existing.bytes) } };
    const steps = await this.repository.stepsByStore(request.id, 'export');
    const exported = steps.filter((s) => s.status === 'succeeded').map((s) => ({ id: s.storeId, ...(s.result as unknown as StagedExport) }));
    const kind = request.type === 'portability' ? 'portability' : 'access';
    const generatedAt = this.clock.now().toISOString();
    const staged = exported.flatMap((s) => s.files);
    const controller = { name: this.config.controller.name, contact: this.config.controller.contact, ...(this.config.controller.address ? { address: this.config.controller.address } : {}) };
    const info =
      kind === 'access'
        ? art15Information(
            await Promise.all([...new Set(exported.flatMap((s) => s.categories))].sort().map((c) => this.register.disclosure(c))),
            controller,
            supervisoryAuthority(request.jurisdiction, this.config.controller.country),
            request.locale,
          )
        : null;
    const documents = [...(info ? [{ name: 'art15-information.json', content: JSON.stringify(info, null, 2) }] : [])];
    const manifest: Manifest = {
      requestId: request.id,
      kind,
      generatedAt,
      controller: controller.name,
      stores: [
        ...exported.map((s) => ({ id: s.id, status: 'exported' as const, tables: s.tables })),
        ...steps.filter((s) => s.status === 'waived').map((s) => ({ id: s.storeId, status: 'waived' as const, tables: {} })),
      ],
      files: [...staged.map(({ name, sha256, bytes }) => ({ name, sha256, bytes })), ...documents.map((d) => ({ name: d.name, sha256: sha256Hex(d.content), bytes: Buffer.byteLength(d.content) }))],
    };
    // The index is listed in the manifest too; the manifest cannot list its own hash.
    const index = indexHtml(manifest, info, storeLabels(this.config.dataStores), request.locale);
    manifest.files.push({ name: 'index.html', sha256: sha256Hex(index), bytes: Buffer.byteLength(index) });
    documents.push({ name: 'index.html', content: index }, { name: 'manifest.json', content: JSON.stringify(manifest, null, 2) });
    const dir = join(this.config.workflows.exportDir, request.id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const fileName = `${kind}-${request.id}.zip`;
    const path = join(dir, fileName);
    const zip = await writePackage(path, stagingDir(this.config, request.id), staged, documents, this.clock.now());
    // Read back before anyone is sent a link: every entry inflates to what the manifest says.
    const expected = [...documents.map((d) => ({ name: d.name, sha256: sha256Hex(d.content), bytes: Buffer.byteLength(d.content) })), ...staged.map(({ name, sha256, bytes }) => ({ name, sha256, bytes }))];
    await verifyZip(path, expected, zip.sha256).catch(async (error: unknown) => {
      await rm(path, { force: true });
      throw error;
    });
    const expiresAt = linkExpiry(this.clock.now(), this.config.workflows.exportLinkDays);
    // What counsel reviews before releasing an access package: per store the rows per table, and the files.
    const review = { stores: manifest.stores, files: [...manifest.files.map(({ name, bytes }) => ({ name, bytes })), ...documents.slice(-1).map((d) => ({ name: d.name, bytes: Buffer.byteLength(d.content) }))] };
    return {
      result: { sha256: zip.sha256, bytes: zip.bytes, files: manifest.files.length + 1, manifest: review },
      commit: async (m) => {
        const id = await this.repository.insertPackage(m, {
          requestId: request.id,
          kind,
          fileName,
          sha256: zip.sha256,
          bytes: String(zip.bytes),
          expiresAt,
          maxDownloads: this.config.workflows.exportMaxDownloads,
          downloads: 0,
          createdAt: this.clock.now(),
          deletedAt: null,
        });
        if (!id) return;
        // Under counsel's review the link's time starts at release (approval), not now: see PackageLinks.startClock.
        if (request.status !== 'awaiting_approval') await this.jobs.schedule(m, expireJob(id, expiresAt));
        await this.audit.record(m, SYSTEM, { action: 'request.package_created', targetType: 'request', targetId: request.id, details: { kind, sha256: zip.sha256, bytes: zip.bytes } });
      },
      afterCommit: () => rm(stagingDir(this.config, request.id), { recursive: true, force: true }),
    };
  }
}
