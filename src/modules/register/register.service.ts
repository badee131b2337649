import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { toCsv } from '../../common/csv.js';
import { ConflictError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { FieldError } from '../../common/errors/problem.js';
import { isUniqueViolation } from '../../infrastructure/database/errors.js';
import { escapeHtml } from '../../infrastructure/mail/templates.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { basisConflicts, changedFields, diffDocuments, FieldDiff, missingFields, RegisterDocument } from './register.document.js';
import { CompletenessDto, DataCategoryDto, RegisterEntryDto, RegisterRecordDto } from './register.dto.js';
import { DataCategoryEntity, RegisterVersionEntity } from './register.entity.js';
import { RegisterRepository } from './register.repository.js';

/** What the register says about one data category: the Art 15(1) information, and the Art 19 recipients. */
export interface CategoryDisclosure {
  dataCategory: string;
  title: string | null;
  special: boolean;
  /** `title` from the purpose catalogue, null for a purpose it does not hold. */
  purposes: { purpose: string; title: string | null; lawfulBasis: string; activity: string }[];
  recipients: { type: string; name: string; activity: string }[];
  retention: { duration?: string; trigger?: string; criteria?: string; activity: string }[];
  transfers: { country: string; recipient: string; mechanism: string; activity: string }[];
  sources: { source: string; activity: string }[];
  automatedDecisionMaking: { logic?: string; significance?: string; activity: string }[];
}

/**
 * The Art 30 register. Every change to a record writes a new immutable version, so the register can
 * be shown as it stood at any instant and any two versions can be compared.
 */
@Injectable()
export class RegisterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RegisterRepository,
    private readonly catalog: PurposeCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  // ── Data categories ──────────────────────────────────────────────────────────────────────

  async createCategory(dto: DataCategoryDto, caller: Caller): Promise<DataCategoryEntity> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const now = this.clock.now();
        const row = await this.repository.insertCategory(m, { ...dto, description: dto.description ?? '', special: dto.special ?? false, createdAt: now, updatedAt: now });
        await this.audit.record(m, caller, { action: 'data_category.created', targetType: 'data_category', targetId: dto.key, details: { special: row.special } });
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('data_category_exists', `Data category ${dto.key} already exists`);
      throw error;
    }
  }

  categories(): Promise<DataCategoryEntity[]> {
    return this.repository.categories();
  }

  // ── Records ──────────────────────────────────────────────────────────────────────────────

  async create(dto: RegisterRecordDto, caller: Caller): Promise<RegisterEntryDto> {
    const document = await this.validated(dto);
    return this.dataSource.transaction(async (m) => {
      const record = await this.repository.insertRecord(m, document.kind, this.clock.now());
      const version = await this.writeVersion(m, record.id, 1, document, changedFields(undefined, document), caller);
      await this.audit.record(m, caller, { action: 'register.record_created', targetType: 'register_record', targetId: record.id, details: { kind: document.kind, version: 1 } });
      return toEntry(version);
    });
  }

  /** Replaces a record's content: a new version when anything changed. */
  async update(id: string, dto: RegisterRecordDto, caller: Caller): Promise<RegisterEntryDto> {
    const document = await this.validated(dto);
    return this.dataSource.transaction(async (m) => {
      const record = await this.repository.lockRecord(m, id);
      if (!record) throw new NotFoundError('Register record');
      const current = await this.repository.currentVersion(m, record);
      if (document.kind !== current.document.kind) throw new ValidationFailed([{ path: 'kind', message: 'kind cannot change' }]);
      const changed = changedFields(current.document, document);
      if (changed.length === 0) return toEntry(current);
      record.currentVersion += 1;
      await this.repository.saveRecord(m, record);
      const version = await this.writeVersion(m, id, record.currentVersion, document, changed, caller);
      await this.audit.record(m, caller, { action: 'register.record_updated', targetType: 'register_record', targetId: id, details: { version: record.currentVersion, changed } });
      return toEntry(version);
    });
  }

  async get(id: string, asOf?: Date): Promise<RegisterEntryDto> {
    const [row] = await this.asOf(asOf, id);
    if (!row) throw new NotFoundError('Register record');
    return toEntry(row);
  }

  async versions(id: string): Promise<(Omit<RegisterEntryDto, 'document'> & { changed: string[] })[]> {
    const rows = await this.repository.versions(id);
    if (rows.length === 0) throw new NotFoundError('Register record');
    return rows.map((v) => ({ id: v.recordId, version: v.version, changedAt: v.changedAt.toISOString(), changedBy: v.changedBy, changed: v.changed }));
  }

  async diff(id: string, from: number, to: number): Promise<{ id: string; from: number; to: number; changes: FieldDiff[] }> {
    const [a, b] = await Promise.all([this.repository.version(id, from), this.repository.version(id, to)]);
    if (!a || !b) throw new NotFoundError('Register version');
    return { id, from, to, changes: diffDocuments(a.document, b.document) };
  }

  /** Every record as it stood at `asOf` (now when absent). */
  async register(asOf?: Date): Promise<RegisterEntryDto[]> {
    return (await this.asOf(asOf)).map(toEntry);
  }

  /** Every record's latest document, whenever it was written, in the caller's transaction (the review sweep). */
  latestDocuments(m: EntityManager): Promise<{ recordId: string; document: RegisterDocument }[]> {
    return this.repository.latestDocuments(m);
  }

  async completeness(): Promise<CompletenessDto[]> {
    const catalogue = new Map((await this.catalog.all()).map(({ purpose }) => [purpose.key, purpose.lawfulBasis as string]));
    return (await this.asOf()).map((v) => {
      const missing = missingFields(v.document);
      const conflicts = basisConflicts(v.document, catalogue);
      return { id: v.recordId, name: v.document.name, kind: v.document.kind, status: v.document.status, missing, conflicts, complete: missing.length === 0 && conflicts.length === 0 };
    });
  }

  /** Art 15(1)(a)-(h) for a data category, from the active activities that process it. */
  async disclosure(category: string, asOf?: Date): Promise<CategoryDisclosure> {
    const taxonomy = await this.repository.categoryByKey(category);
    const out: CategoryDisclosure = { dataCategory: category, title: taxonomy?.title ?? null, special: taxonomy?.special ?? false, purposes: [], recipients: [], retention: [], transfers: [], sources: [], automatedDecisionMaking: [] };
    for (const { document: d } of await this.asOf(asOf)) {
      if (d.kind !== 'activity' || d.status !== 'active' || !d.dataCategories?.includes(category)) continue;
      const activity = d.name;
      for (const p of d.purposes ?? []) out.purposes.push({ purpose: p.purpose, title: (await this.catalog.get(p.purpose))?.purpose.title ?? null, lawfulBasis: p.lawfulBasis, activity });
      out.recipients.push(...(d.recipients ?? []).filter((r) => !r.dataCategories || r.dataCategories.includes(category)).map((r) => ({ type: r.type, name: r.name, activity })));
      out.retention.push(...(d.retention ?? []).filter((r) => r.dataCategory === category).map(({ duration, trigger, criteria }) => ({ duration, trigger, criteria, activity })));
      out.transfers.push(...(d.transfers ?? []).map((t) => ({ country: t.country, recipient: t.recipient, mechanism: t.mechanism, activity })));
      out.sources.push(...(d.sources ?? []).filter((s) => !s.dataCategory || s.dataCategory === category).map((s) => ({ source: s.source, activity })));
      if (d.automatedDecisionMaking?.exists) out.automatedDecisionMaking.push({ logic: d.automatedDecisionMaking.logic, significance: d.automatedDecisionMaking.significance, activity });
    }
    return out;
  }

  // ── Exports ──────────────────────────────────────────────────────────────────────────────

  async export(format: 'json' | 'csv' | 'html', asOf?: Date): Promise<{ contentType: string; body: string | object; filename: string }> {
    const entries = await this.register(asOf);
    const at = (asOf ?? this.clock.now()).toISOString();
    const stamp = at.slice(0, 10);
    if (format === 'json') return { contentType: 'application/json', body: { asOf: at, records: entries }, filename: `register-${stamp}.json` };
    if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: registerCsv(entries), filename: `register-${stamp}.csv` };
    return { contentType: 'text/html; charset=utf-8', body: registerHtml(entries, at), filename: `register-${stamp}.html` };
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────

  private async asOf(at?: Date, id?: string): Promise<RegisterVersionEntity[]> {
    const rows = await this.repository.asOf(at ?? this.clock.now(), id);
    return rows.sort((a, b) => a.document.name.localeCompare(b.document.name));
  }

  private async writeVersion(m: EntityManager, recordId: string, version: number, document: RegisterDocument, changed: string[], caller: Caller): Promise<RegisterVersionEntity> {
    return this.repository.insertVersion(m, { recordId, version, document, changed, changedBy: actorOf(caller), changedAt: this.clock.now() });
  }

  /** References must resolve: data categories in the taxonomy, purposes in the catalogue. */
  private async validated(dto: RegisterRecordDto): Promise<RegisterDocument> {
    const document = JSON.parse(JSON.stringify(dto)) as RegisterDocument;
    const known = new Set((await this.categories()).map((c) => c.key));
    const errors: FieldError[] = [];
    const checkCategory = (key: string | undefined, path: string) => {
      if (key !== undefined && !known.has(key)) errors.push({ path, message: `data category ${key} is not in the taxonomy` });
    };
    document.dataCategories?.forEach((k, i) => checkCategory(k, `dataCategories[${i}]`));
    document.retention?.forEach((r, i) => checkCategory(r.dataCategory, `retention[${i}].dataCategory`));
    document.recipients?.forEach((r, i) => r.dataCategories?.forEach((k, j) => checkCategory(k, `recipients[${i}].dataCategories[${j}]`)));
    document.sources?.forEach((s, i) => checkCategory(s.dataCategory, `sources[${i}].dataCategory`));
    for (const [i, p] of (document.purposes ?? []).entries()) {
      if (!(await this.catalog.get(p.purpose))) errors.push({ path: `purposes[${i}].purpose`, message: `purpose ${p.purpose} is not in the purposes catalogue` });
    }
    if (errors.length > 0) throw new ValidationFailed(errors);
    return document;
  }
}

function toEntry(v: RegisterVersionEntity): RegisterEntryDto {
  return { id: v.recordId, version: v.version, changedAt: v.changedAt.toISOString(), changedBy: v.changedBy, document: v.document };
}

const join = (items: (string | undefined)[] | undefined) => (items ?? []).filter(Boolean).join('; ');

function registerCsv(entries: RegisterEntryDto[]): string {
  const header = ['id', 'version', 'kind', 'name', 'status', 'controller', 'dpo', 'purposes', 'data_subjects', 'data_categories', 'recipients', 'transfers', 'retention', 'security_measures', 'sources', 'automated_decisions', 'systems', 'processor', 'controllers_served', 'missing'];
  const rows = entries.map(({ id, version, document: raw }) => {
    const d = raw as RegisterDocument;
    return [
      id,
      version,
      d.kind,
      d.name,
      d.status,
      d.controller ? `${d.controller.name} <${d.controller.contact}>` : '',
      d.dpo ? `${d.dpo.name} <${d.dpo.contact}>` : '',
      join(d.purposes?.map((p) => `${p.purpose} (${p.lawfulBasis})`)),
      join(d.dataSubjectCategories),
      join(d.dataCategories),
      join(d.recipients?.map((r) => `${r.name} (${r.type})`)),
      join(d.transfers?.map((t) => `${t.recipient}, ${t.country}, ${t.mechanism}: ${t.documentation}`)),
      join(d.retention?.map((r) => `${r.dataCategory}: ${r.duration ?? ''}${r.trigger ? ` after ${r.trigger}` : ''}${r.criteria ? ` ${r.criteria}` : ''}`.trim())),
      d.securityMeasures ?? '',
      join(d.sources?.map((s) => s.source)),
      d.automatedDecisionMaking?.exists ? (d.automatedDecisionMaking.logic ?? 'yes') : d.automatedDecisionMaking ? 'none' : '',
      join(d.systems),
      d.processor ? `${d.processor.name} <${d.processor.contact}>` : '',
      join(d.controllersServed?.map((c) => c.name)),
      join(missingFields(d)),
    ];
  });
  return toCsv(header, rows);
}

function registerHtml(entries: RegisterEntryDto[], asOf: string): string {
  const e = escapeHtml;
  const row = (label: string, value: string | undefined) => `<tr><th>${e(label)}</th><td>${value ? e(value) : '<em>not recorded</em>'}</td></tr>`;
  const pages = entries.map(({ id, version, document: raw }) => {
    const d = raw as RegisterDocument;
    const rows =
      d.kind === 'activity'
        ? [
            row('Controller (30(1)(a))', d.controller && `${d.controller.name}, ${d.controller.contact}${d.controller.address ? `, ${d.controller.address}` : ''}`),
            row('Joint controllers', join(d.jointControllers?.map((j) => `${j.name}, ${j.contact}`)) || undefined),
            row('Representative', d.representative && `${d.representative.name}, ${d.representative.contact}`),
            row('Data protection officer', d.dpo && `${d.dpo.name}, ${d.dpo.contact}`),
            row('Purposes and lawful bases (30(1)(b))', join(d.purposes?.map((p) => `${p.purpose}: ${p.lawfulBasis}${p.specialCategoryCondition ? ` / Art 9(2) ${p.specialCategoryCondition}` : ''}`)) || undefined),
            row('Categories of data subjects (30(1)(c))', join(d.dataSubjectCategories) || undefined),
            row('Categories of personal data (30(1)(c))', join(d.dataCategories) || undefined),
            row('Recipients (30(1)(d))', d.recipients ? join(d.recipients.map((r) => `${r.name} (${r.type})`)) || 'none' : undefined),
            row('Third-country transfers (30(1)(e))', d.transfers ? join(d.transfers.map((t) => `${t.recipient} in ${t.country}, ${t.mechanism}; ${t.documentation}`)) || 'none' : undefined),
            row('Retention (30(1)(f))', join(d.retention?.map((r) => `${r.dataCategory}: ${r.duration ?? r.criteria ?? ''}${r.trigger ? ` after ${r.trigger}` : ''}`)) || undefined),
            row('Security measures (30(1)(g), 32(1))', d.securityMeasures),
            row('Sources', join(d.sources?.map((s) => s.source)) || undefined),
            row('Automated decisions (Art 22)', d.automatedDecisionMaking ? (d.automatedDecisionMaking.exists ? `${d.automatedDecisionMaking.logic ?? ''} ${d.automatedDecisionMaking.significance ?? ''}`.trim() : 'none') : undefined),
            row('Systems', join(d.systems) || undefined),
          ]
        : [
            row('Processor (30(2)(a))', d.processor && `${d.processor.name}, ${d.processor.contact}`),
            row('Controllers acted for', join(d.controllersServed?.map((c) => `${c.name}, ${c.contact}`)) || undefined),
            row('Categories of processing (30(2)(b))', join(d.processingCategories) || undefined),
            row('Third-country transfers (30(2)(c))', d.transfers ? join(d.transfers.map((t) => `${t.recipient} in ${t.country}, ${t.mechanism}; ${t.documentation}`)) || 'none' : undefined),
            row('Security measures (30(2)(d))', d.securityMeasures),
          ];
    return `<section class="page"><h2>${e(d.name)}</h2><p class="meta">${d.kind === 'activity' ? 'Processing activity' : 'Processor record'} · ${e(d.status)} · version ${version} · ${e(id)}</p>${d.description ? `<p>${e(d.description)}</p>` : ''}<table>${rows.join('')}</table></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Record of processing activities as of ${e(asOf)}</title>
<style>body{font-family:sans-serif;margin:2em}th{text-align:left;vertical-align:top;width:16em;padding:.3em;border-bottom:1px solid #ddd}td{padding:.3em;border-bottom:1px solid #ddd}.meta{color:#555}.page{page-break-after:always;break-after:page}@media print{body{margin:0}}</style></head>
<body><h1>Record of processing activities (GDPR Art 30)</h1><p class="meta">As of ${e(asOf)} · ${entries.length} record(s)</p>${pages.join('')}</body></html>`;
}
