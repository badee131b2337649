import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import type { JobSpec } from '../../infrastructure/queue/jobs.js';
import { ConsentService } from '../consent/consent.service.js';
import { ChangeSummary, DataStoreAdapter, DataStoreError, ErasurePlan, SubjectIdentity } from '../data-stores/data-store.port.js';
import { DataStoreRegistry } from '../data-stores/data-store.registry.js';
import { storeLabels, type TableConfig } from '../data-stores/data-store.config.js';
import { RegisterService } from '../register/register.service.js';
import { supervisoryAuthority } from '../requests/request.authorities.js';
import { RequestEntity } from '../requests/request.entity.js';
import { RequestsService, SubjectOfRequest } from '../requests/requests.service.js';
import { hasUnprovenSubjectId, UNPROVEN_SUBJECT_ID } from '../requests/request.identity.js';
import { StagedExport, StagingSink, writePackage } from './export.package.js';
import { sha256Hex } from '../../common/crypto.js';
import { RecipientNotices } from './recipient.notices.js';
import { certificateMessage, liftNoticeMessage } from './workflow.mail.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { Keyring } from '../../common/keyring.js';
import { art15Information, certificateHtml, ErasureCertificate, indexHtml, keptUntilInWords, Manifest } from './workflow.documents.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { ExportPackageEntity, WorkflowStepEntity } from './workflow.entity.js';

/** What a step did: its result (no personal data), and the writes that commit with its success. */
export interface StepOutcome {
  result: Record<string, unknown>;
  commit?: (m: EntityManager, request: RequestEntity) => Promise<void>;
  afterCommit?: () => Promise<void>;
}

/** A step that cannot run yet (a lift waits until the requester has been told). Retried. */
export class WaitingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitingError';
  }
}

/**
 * A step that only counsel can settle (a correction no store can make): it fails at once, without
 * retries, and counsel waives it saying what was done.
 */
export class NeedsCounselError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeedsCounselError';
  }
}

/**
 * The work of each kind of step. Every runner is idempotent: running it again after a crash gives
 * the same outcome (exports rewrite their staging folder, erasure and restriction are idempotent in
 * the adapters, commits are guarded by unique keys).
 */
@Injectable()
export class StepRunners {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly registry: DataStoreRegistry,
    private readonly requests: RequestsService,
    private readonly register: RegisterService,
    private readonly consent: ConsentService,
    private readonly notices: RecipientNotices,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly catalog: PurposeCatalog,
  ) {}

  async execute(step: WorkflowStepEntity, request: RequestEntity, subject: SubjectOfRequest): Promise<StepOutcome> {
    const outcome = await this.executeStep(step, request, subject);
    // A typed subject id was left aside: the step says it used the verified email only.
    if (subject.subjectIdUnproven && step.step !== 'package' && step.step !== 'certificate') outcome.result = { ...outcome.result, subjectId: UNPROVEN_SUBJECT_ID };
    return outcome;
  }

  private async executeStep(step: WorkflowStepEntity, request: RequestEntity, subject: SubjectOfRequest): Promise<StepOutcome> {
    const identity: SubjectIdentity = { requestId: request.id, email: subject.email, subjectId: subject.subjectId };
    /** What an earlier try of this step recorded before it could report success. */
    const previous = step.result;
    switch (step.step) {
      case 'export':
        return { result: { ...(await this.exportStore(request, step.storeId, identity)) } };
      case 'package':
        return this.buildPackage(request, previous);
      case 'rectify': {
        const changes = (subject.changes ?? []).map(({ field, newValue }) => ({ field, newValue }));
        const done = await this.store(step.storeId).rectify(identity, changes);
        return { result: { ...done, applied: keepLarger(previous?.applied as ChangeSummary['applied'] | undefined, done.applied, (a) => `${a.table}.${a.field}`) } };
      }
      case 'check':
        return { result: await this.checkRectified(request, subject) };
      case 'plan':
        return { result: { items: (await this.store(step.storeId).planErasure(identity)).items } };
      case 'erase': {
        // Erasing again finds nothing: after a crash, what the first run did is what it reports.
        const done = await this.store(step.storeId).erase(identity);
        return { result: { items: keepLarger(previous?.items as ErasurePlan['items'] | undefined, done.items, (i) => i.table), erasedAt: previous?.erasedAt ?? this.clock.now().toISOString() } };
      }
      case 'consent': {
        if (!subject.subjectId) return { result: { events: 0, skipped: subject.subjectIdUnproven ? 'the subject id is not proven: the consent ledger was not touched' : 'no subject id on the request' } };
        const events = (await this.consent.pseudonymise(subject.subjectId, SYSTEM)).events;
        return { result: { events: Math.max(events, Number(previous?.events ?? 0)) } };
      }
      case 'verify':
        return { result: await this.verifyErased(request, step.storeId, identity) };
      case 'certificate':
        return this.certificate(request);
      case 'restrict':
        return { result: await this.store(step.storeId).restrict(identity, true) };
      case 'notice':
        return { result: await this.sendLiftNotice(request, subject, step.result) };
      case 'lift':
        return { result: await this.store(step.storeId).restrict(identity, false) };
      case 'object': {
        // The purposes' titles, for the requester's mail: read here, outside the completing transaction.
        const titles = Object.fromEntries(await Promise.all(request.purposes.map(async (key) => [key, (await this.catalog.get(key))?.purpose.title ?? key] as const)));
        return { result: { ...(await this.recordObjection(request, subject)), titles } };
      }
      case 'notify':
        return this.notify(request);
    }
  }


  private store(id: string): DataStoreAdapter {
    const adapter = this.registry.get(id);
    if (!adapter) throw new DataStoreError(id, 'unavailable', 'the store is no longer configured');
    return adapter;
  }

  private stagingDir(requestId: string): string {
    return join(this.config.workflows.exportDir, requestId, 'staging');
  }

  private async exportStore(request: RequestEntity, storeId: string, identity: SubjectIdentity): Promise<StagedExport> {
    const portability = request.type === 'portability';
    const sink = await StagingSink.open(join(this.stagingDir(request.id), storeId), storeId, portability);
    const adapter = this.store(storeId);
    try {
      if (adapter.exportFiles) return sink.filesWritten(await adapter.exportFiles(identity, sink, { providedOnly: portability }));
      const summary = await adapter.export(identity, sink);
      return sink.close(summary.uncategorised);
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }

  /**
   * Every field the requester asked to correct must have been changed in at least one store (rows
   * really updated). A field no store changed — none publishes it, or none found the subject's row —
   * is counsel's to settle: the request waits instead of completing with a correction that did not happen.
   */
  private async checkRectified(request: RequestEntity, subject: SubjectOfRequest): Promise<Record<string, unknown>> {
    const steps = await this.dataSource.getRepository(WorkflowStepEntity).findBy({ requestId: request.id, step: 'rectify', status: 'succeeded' });
    const taken = new Set(steps.flatMap((s) => ((s.result as unknown as ChangeSummary | null)?.applied ?? []).filter((a) => a.rows > 0).map((a) => a.field)));
    const asked = [...new Set((subject.changes ?? []).map((c) => c.field))];
    const untaken = asked.filter((f) => !taken.has(f));
    if (untaken.length > 0) {
      throw new NeedsCounselError(
        `no data store could correct ${untaken.join(', ')}: correct it by hand or tell the requester why not, then waive this step saying what was done (the requester is told)`.slice(0, 500),
      );
    }
    return { fields: asked.length };
  }

  /** The one package of the request: a zip of every store's files, the manifest, the index and the Art 15 information. */
  private async buildPackage(request: RequestEntity, previous: Record<string, unknown> | null): Promise<StepOutcome> {
    const existing = await this.dataSource.getRepository(ExportPackageEntity).findOneBy({ requestId: request.id });
    if (existing) return { result: { ...previous, packageId: existing.id, sha256: existing.sha256, bytes: Number(existing.bytes) } };
    const steps = await this.dataSource.getRepository(WorkflowStepEntity).find({ where: { requestId: request.id, step: 'export' }, order: { storeId: 'ASC' } });
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
    const documents = [
      ...(info ? [{ name: 'art15-information.json', content: JSON.stringify(info, null, 2) }] : []),
    ];
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
    const zip = await writePackage(join(dir, fileName), this.stagingDir(request.id), staged, documents, this.clock.now());
    const expiresAt = linkExpiry(this.clock.now(), this.config.workflows.exportLinkDays);
    // What counsel reviews before releasing an access package: per store the rows per table, and the files.
    const review = { stores: manifest.stores, files: [...manifest.files.map(({ name, bytes }) => ({ name, bytes })), ...documents.slice(-1).map((d) => ({ name: d.name, bytes: Buffer.byteLength(d.content) }))] };
    return {
      result: { sha256: zip.sha256, bytes: zip.bytes, files: manifest.files.length + 1, manifest: review },
      commit: async (m) => {
        const inserted = await m
          .createQueryBuilder()
          .insert()
          .into(ExportPackageEntity)
          .values({ requestId: request.id, kind, fileName, sha256: zip.sha256, bytes: String(zip.bytes), expiresAt, maxDownloads: this.config.workflows.exportMaxDownloads, downloads: 0, createdAt: this.clock.now(), deletedAt: null })
          .orIgnore()
          .returning(['id'])
          .execute();
        const id = (inserted.raw as { id: string }[])[0]?.id;
        if (!id) return;
        // Under counsel's review the link's time starts at release (approval), not now: see WorkflowsService.
        if (request.status !== 'awaiting_approval') await this.jobs.schedule(m, expireJob(id, expiresAt));
        await this.audit.record(m, SYSTEM, { action: 'request.package_created', targetType: 'request', targetId: request.id, details: { kind, sha256: zip.sha256, bytes: zip.bytes } });
      },
      afterCommit: () => rm(this.stagingDir(request.id), { recursive: true, force: true }),
    };
  }

  /**
   * Exports again after erasure. Records may remain only in tables the plan retains, or in anonymised
   * tables with every anonymised column blanked, hashed (`anon:`), fixed or truncated; anything else
   * is erasable data left behind, and the step fails.
   */
  private async verifyErased(request: RequestEntity, storeId: string, identity: SubjectIdentity): Promise<Record<string, unknown>> {
    const erased = await this.dataSource.getRepository(WorkflowStepEntity).findOneBy({ requestId: request.id, step: 'erase', storeId });
    const items = new Map(((erased?.result?.items ?? []) as ErasurePlan['items']).map((i) => [i.table, i]));
    const tables = this.config.dataStores.find((s) => s.id === storeId)?.tables ?? [];
    const kept: Record<string, number> = {};
    const left: Record<string, number> = {};
    await this.store(storeId).export(identity, {
      write: async (record) => {
        const item = items.get(record.table);
        const ok = item?.action === 'retain' || (item?.action === 'anonymise' && isAnonymised(record.data, item.columns ?? [], tables.find((t) => t.name === record.table)));
        const tally = ok ? kept : left;
        tally[record.table] = (tally[record.table] ?? 0) + 1;
      },
    });
    const n = Object.values(left).reduce((a, b) => a + b, 0);
    if (n > 0) throw new DataStoreError(storeId, 'failed', `verification found ${n} erasable record(s) in ${Object.keys(left).join(', ')}`);
    return { verifiedAt: this.clock.now().toISOString(), kept };
  }

  private async certificate(request: RequestEntity): Promise<StepOutcome> {
    const steps = await this.dataSource.getRepository(WorkflowStepEntity).find({ where: { requestId: request.id }, order: { storeId: 'ASC' } });
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
      commit: async (m, locked) => {
        await this.audit.record(m, SYSTEM, { action: 'request.erasure_certified', targetType: 'request', targetId: request.id, details: { sha256 } });
        await this.requests.tellRequester(m, locked, 'erasure-certificate', (c) => certificateMessage(c, html, json));
        await this.requests.recordEvent(m, locked, 'erasure_certified', true, { sha256 });
      },
    };
  }

  /** Art 18(3): sent straight to SMTP, so the stores lift the restriction only once the requester was told. */
  private async sendLiftNotice(request: RequestEntity, subject: SubjectOfRequest, input: Record<string, unknown> | null): Promise<Record<string, unknown>> {
    const sealed = input?.notice as { keyId: string; data: string } | undefined;
    if (!sealed) return { sentAt: null };
    if (!subject.email) throw new WaitingError('no email address on the request: tell the requester another way, then waive this step with how they were told');
    const { reason } = JSON.parse(this.keyring.open(sealed)) as { reason: string };
    const c = { controller: this.config.controller.name, contact: this.config.controller.contact, requestId: request.id, type: request.type, name: subject.name, locale: request.locale };
    await this.mailer.sendNow({ to: subject.email, ...liftNoticeMessage(c, reason) });
    return { sentAt: this.clock.now().toISOString() };
  }

  /** Art 21: the objection withdraws, in the consent ledger, every objected purpose the subject had granted. */
  private async recordObjection(request: RequestEntity, subject: SubjectOfRequest): Promise<Record<string, unknown>> {
    if (!subject.subjectId) {
      return { recorded: request.purposes, ledger: `${subject.subjectIdUnproven ? 'the subject id is not proven' : 'no subject id on the request'}: recorded on the request only` };
    }
    const current = await this.consent.current(subject.subjectId);
    const withdrawn: string[] = [];
    for (const purpose of request.purposes) {
      const state = current.purposes.find((p) => p.purpose === purpose);
      if (state?.state !== 'granted' || !state.noticeVersion) continue;
      await this.consent.record(
        {
          eventId: deterministicUuid(`${request.id}:object:${purpose}`),
          subjectId: subject.subjectId,
          purpose,
          action: 'withdrawn',
          noticeVersion: state.noticeVersion,
          occurredAt: this.clock.now().toISOString(),
          method: 'other',
          sourceSystem: 'lethe-objection',
        },
        undefined,
        SYSTEM,
      );
      withdrawn.push(purpose);
    }
    return { recorded: request.purposes, withdrawn };
  }

  /** Art 19: every recipient of the affected categories is told; the request records who and when. */
  private async notify(request: RequestEntity): Promise<StepOutcome> {
    const steps = await this.dataSource.getRepository(WorkflowStepEntity).findBy({ requestId: request.id, status: 'succeeded' });
    const categories = this.notices.affectedCategories(request.type, steps);
    const recipients = await this.notices.recipientsOf(categories);
    return {
      result: { recipients: recipients.length, categories },
      commit: (m, locked) => this.notices.send(m, locked, recipients),
    };
  }
}

/** Per item, the larger row count of two runs of an idempotent change. */
function keepLarger<T extends { rows: number }>(before: T[] | undefined, now: T[], keyOf: (item: T) => string): T[] {
  if (!before?.length) return now;
  return now.map((item) => {
    const earlier = before.find((b) => keyOf(b) === keyOf(item));
    return earlier && earlier.rows > item.rows ? { ...item, rows: earlier.rows } : item;
  });
}

function isAnonymised(data: Record<string, unknown>, columns: string[], table: TableConfig | undefined): boolean {
  return columns.every((name) => {
    const value = data[name];
    const rule = table?.columns[name];
    if (value === null || value === undefined || /^anon:[0-9a-f]{64}$/.test(String(value))) return true;
    if (rule?.anonymise === 'fixed') return value === rule.fixedValue;
    if (rule?.anonymise === 'truncate') return String(value).length <= (rule.truncateTo ?? 0);
    return false;
  });
}

function deterministicUuid(seed: string): string {
  const h = sha256Hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** When a package's link stops working: whole seconds (they are signed), `days` from `from`. */
export function linkExpiry(from: Date, days: number): Date {
  return new Date(Math.ceil((from.getTime() + days * 86_400_000) / 1000) * 1000);
}

export function expireJob(packageId: string, runAt: Date): JobSpec {
  return { queue: 'workflows', name: 'package.expire', key: `package:${packageId}:expire`, payload: { packageId }, runAt };
}
