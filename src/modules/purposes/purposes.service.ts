import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { sha256Hex } from '../../common/crypto.js';
import { ConflictError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { isUniqueViolation } from '../../infrastructure/database/errors.js';
import { TaxonomyService } from '../register/taxonomy.service.js';
import { CatalogPurpose, noticeInForce, PurposeCatalog } from './purpose-catalog.js';
import { PURPOSE_TEMPLATES } from './purpose-templates.js';
import { CreatePurposeDto, LoadPurposeTemplateDto, NoticeDto, PublishNoticeDto, PurposeDto, PurposeTemplateDto, UpdatePurposeDto } from './purpose.dto.js';
import { PurposeEntity, PurposeNoticeEntity } from './purpose.entity.js';
import { PurposesRepository } from './purposes.repository.js';

@Injectable()
export class PurposesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PurposesRepository,
    private readonly catalog: PurposeCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly taxonomy: TaxonomyService,
  ) {}

  async list(): Promise<{ items: PurposeDto[]; nextCursor: null }> {
    const now = this.clock.now();
    return { items: (await this.catalog.all()).map((entry) => toDto(entry, now)), nextCursor: null };
  }

  async get(key: string): Promise<PurposeDto> {
    const entry = await this.catalog.get(key);
    if (!entry) throw new NotFoundError('Purpose');
    return toDto(entry, this.clock.now());
  }

  async create(dto: CreatePurposeDto, caller: Caller, fromTemplate?: string): Promise<PurposeDto> {
    await this.checkCategories(dto.dataCategories);
    try {
      await this.dataSource.transaction(async (manager) => {
        const now = this.clock.now();
        await this.repository.insert(manager, {
          ...dto,
          specialCategoryCondition: dto.specialCategoryCondition ?? null,
          optOutSignal: dto.optOutSignal ?? false,
          createdAt: now,
          updatedAt: now,
        });
        await this.audit.record(manager, caller, {
          action: 'purpose.created',
          targetType: 'purpose',
          targetId: dto.key,
          details: { lawfulBasis: dto.lawfulBasis, dataCategories: dto.dataCategories, ...(fromTemplate ? { template: fromTemplate } : {}) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('purpose_exists', `A purpose with key ${dto.key} already exists`);
      throw error;
    }
    this.catalog.invalidate();
    return this.get(dto.key);
  }

  async update(key: string, dto: UpdatePurposeDto, caller: Caller): Promise<PurposeDto> {
    if (dto.dataCategories) await this.checkCategories(dto.dataCategories);
    await this.dataSource.transaction(async (manager) => {
      const purpose = await this.repository.lockByKey(manager, key);
      if (!purpose) throw new NotFoundError('Purpose');
      // Absent fields arrive as undefined properties: only the given ones that differ count.
      const given = Object.entries(dto).filter(([, value]) => value !== undefined);
      const changed = given.filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(purpose[field as keyof PurposeEntity])).map(([field]) => field);
      if (changed.length === 0) return;
      Object.assign(purpose, Object.fromEntries(given), { updatedAt: this.clock.now() });
      await this.repository.save(manager, purpose);
      await this.audit.record(manager, caller, { action: 'purpose.updated', targetType: 'purpose', targetId: key, details: { changed } });
    });
    this.catalog.invalidate();
    return this.get(key);
  }

  async templates(): Promise<{ items: PurposeTemplateDto[]; nextCursor: null }> {
    const existing = new Set((await this.catalog.all()).map((entry) => entry.purpose.key));
    return { items: PURPOSE_TEMPLATES.map((t) => ({ ...t, dataCategories: [...t.dataCategories], loaded: existing.has(t.key) })), nextCursor: null };
  }

  /** Creates an ordinary purpose from a template; the audit entry names the template. */
  async loadTemplate(templateKey: string, dto: LoadPurposeTemplateDto | undefined, caller: Caller): Promise<PurposeDto> {
    const template = PURPOSE_TEMPLATES.find((t) => t.key === templateKey);
    if (!template) throw new NotFoundError('Purpose template');
    const { note: _note, ...fields } = template;
    return this.create({ ...fields, dataCategories: [...fields.dataCategories], key: dto?.key ?? template.key, specialCategoryCondition: null }, caller, template.key);
  }

  /** Categories must be in the taxonomy, as the register requires: 400 naming each unknown one. */
  private async checkCategories(categories: string[]): Promise<void> {
    const unknown = new Set(await this.taxonomy.unknown(categories));
    const errors = categories.flatMap((key, i) => (unknown.has(key) ? [{ path: `dataCategories[${i}]`, message: `data category ${key} is not in the taxonomy` }] : []));
    if (errors.length > 0) throw new ValidationFailed(errors);
  }

  async publishNotice(key: string, dto: PublishNoticeDto, caller: Caller): Promise<NoticeDto> {
    const entry = await this.catalog.get(key);
    if (!entry) throw new NotFoundError('Purpose');
    const now = this.clock.now();
    const notice: Omit<PurposeNoticeEntity, 'id'> = {
      purposeId: entry.purpose.id,
      version: dto.version,
      language: dto.language,
      text: dto.text ?? null,
      url: dto.url ?? null,
      textSha256: dto.text !== undefined ? sha256Hex(dto.text) : dto.textSha256!,
      effectiveFrom: dto.effectiveFrom ? new Date(dto.effectiveFrom) : now,
      publishedAt: now,
      publishedBy: actorOf(caller),
    };
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.repository.insertNotice(manager, notice);
        await this.audit.record(manager, caller, {
          action: 'purpose.notice_published',
          targetType: 'purpose',
          targetId: key,
          details: { version: notice.version, language: notice.language, textSha256: notice.textSha256, effectiveFrom: notice.effectiveFrom.toISOString() },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('notice_exists', `Version ${dto.version} (${dto.language}) of this notice is already published; published notices never change`);
      }
      throw error;
    }
    this.catalog.invalidate();
    return toNoticeDto(notice);
  }
}

function toNoticeDto(n: Omit<PurposeNoticeEntity, 'id'>): NoticeDto {
  return {
    version: n.version,
    language: n.language,
    text: n.text,
    url: n.url,
    textSha256: n.textSha256,
    effectiveFrom: n.effectiveFrom.toISOString(),
    publishedAt: n.publishedAt.toISOString(),
  };
}

function toDto(entry: CatalogPurpose, now: Date): PurposeDto {
  const { purpose } = entry;
  return {
    key: purpose.key,
    title: purpose.title,
    description: purpose.description,
    lawfulBasis: purpose.lawfulBasis,
    specialCategoryCondition: purpose.specialCategoryCondition,
    dataCategories: purpose.dataCategories,
    retention: purpose.retention,
    optOutSignal: purpose.optOutSignal,
    currentNoticeVersion: noticeInForce(entry, now)?.version ?? null,
    notices: entry.notices.map(toNoticeDto),
    createdAt: purpose.createdAt.toISOString(),
    updatedAt: purpose.updatedAt.toISOString(),
  };
}
