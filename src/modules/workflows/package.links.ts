import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { type Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { safeEqual } from '../../common/crypto.js';
import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import type { RequestRecord } from '../requests/request.types.js';
import { RequestsService } from '../requests/requests.service.js';
import { expireJob, linkExpiry } from './package.rules.js';
import type { ExportPackageEntity } from './workflow.entity.js';
import { packageLinkMessage } from './workflow.mail.js';
import { WorkflowsRepository } from './workflows.repository.js';

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

/**
 * A request's package after it is built: its signed download links (bounded, audited, expiring),
 * new links for the requester, and the deletion of everything Lethe wrote to disk for the request.
 */
@Injectable()
export class PackageLinks implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: WorkflowsRepository,
    private readonly requests: RequestsService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define('package.expire', (p) => this.expire(p.packageId));
    this.jobs.define('request.files-cleanup', (p) => this.cleanUp(p.requestId, p.all));
  }

  /** A reviewed package is released: its link's days count from now, however long the review took. */
  async startClock(m: EntityManager, requestId: string): Promise<void> {
    const row = await this.repository.packageOf(requestId, m);
    if (!row || row.deletedAt) return;
    const expiresAt = linkExpiry(this.clock.now(), this.config.workflows.exportLinkDays);
    await this.repository.updatePackage(m, row.id, { expiresAt });
    await this.jobs.schedule(m, expireJob(row.id, expiresAt));
  }

  async scheduleCleanUp(m: EntityManager, requestId: string, all: boolean): Promise<void> {
    await this.jobs.schedule(m, { name: 'request.files-cleanup', key: `request:${requestId}:files-cleanup`, payload: { requestId, all }, runAt: this.clock.now() });
  }

  /** A download through a signed link: bounded, audited, and only until the link expires. */
  async download(requestId: string, expires: number, signature: string, link = 1): Promise<{ stream: Readable; fileName: string; bytes: number }> {
    const found = await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lockPackageOf(m, requestId);
      const issued = row !== null && Number.isSafeInteger(link) && link >= 1 && link <= row.linksIssued;
      if (!row || !issued || !Number.isSafeInteger(expires) || !safeEqual(this.signature(row, expires, link), signature) || expires !== Math.floor(row.expiresAt.getTime() / 1000)) throw new NotFoundError('Package');
      this.assertDownloadable(row);
      // The path is built from the stored id, never from the URL's spelling of it; a file gone
      // from disk is the same answer as an expired package, and does not use up a download.
      const bytes = await stat(join(this.config.workflows.exportDir, row.requestId, row.fileName)).then((s) => s.size, () => undefined);
      if (bytes === undefined) throw new DomainError(410, 'package_expired', 'Gone', 'This package is no longer available: make a new request to get a fresh copy');
      row.downloads += 1;
      await this.repository.updatePackage(m, row.id, { downloads: row.downloads });
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
      await this.repository.updatePackage(m, row.id, { linksIssued: row.linksIssued });
      const link = this.downloadLink(row);
      const sent = await this.requests.tellRequester(m, requestId, `package-link-${row.linksIssued}`, (c) => packageLinkMessage(c, request.type, link, row.downloads));
      await this.audit.record(m, caller, { action: 'request.package_link_resent', targetType: 'request', targetId: requestId, details: { link: row.linksIssued, mailed: sent } });
      await this.requests.recordEvent(m, requestId, 'package_link_resent', true, { link: row.linksIssued }, caller);
      return this.linkView(row, sent);
    });
  }

  private async releasedPackage(m: EntityManager, requestId: string): Promise<{ row: ExportPackageEntity; request: RequestRecord }> {
    const request = await this.requests.lock(m, requestId);
    const row = await this.repository.lockPackageOf(m, requestId);
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
  private async expire(packageId: string): Promise<void> {
    const requestId = await this.dataSource.transaction(async (m) => {
      const row = await this.repository.lockPackage(m, packageId);
      if (!row) return null;
      if (!row.deletedAt) {
        await this.repository.updatePackage(m, packageId, { deletedAt: this.clock.now() });
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
  private async cleanUp(requestId: string, all: boolean): Promise<void> {
    if (all) {
      await this.dataSource.transaction(async (m) => {
        const row = await this.repository.lockPackageOf(m, requestId);
        if (row && !row.deletedAt) await this.repository.updatePackage(m, row.id, { deletedAt: this.clock.now() });
      });
      await this.removeFiles(requestId);
    } else {
      await rm(join(this.config.workflows.exportDir, requestId, 'staging'), { recursive: true, force: true });
    }
  }
}
