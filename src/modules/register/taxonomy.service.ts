import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { DEFAULT_TAXONOMY } from './default-taxonomy.js';
import { UpdateDataCategoryDto } from './register.dto.js';
import { DataCategoryEntity } from './register.entity.js';

/**
 * The data-category taxonomy as other modules see it (purposes check their categories here), the default
 * taxonomy Lethe ships, and edits to a category. The register owns creation and listing.
 */
@Injectable()
export class TaxonomyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TaxonomyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const added = await this.ensureDefaults();
    if (added.length > 0) this.logger.log(`added ${added.length} default data categories to the taxonomy`);
  }

  /**
   * Adds every default category that is missing; never changes one that exists. Safe when several processes
   * start together: ON CONFLICT DO NOTHING, and each process audits only the rows it inserted.
   */
  async ensureDefaults(): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const values: unknown[] = [];
      for (const d of DEFAULT_TAXONOMY) values.push(d.key, d.title, d.description, d.special);
      const at = `$${values.length + 1}`;
      const placeholders = DEFAULT_TAXONOMY.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, ${at}, ${at})`);
      const inserted = (await m.query(
        `INSERT INTO data_category (key, title, description, special, created_at, updated_at)
         VALUES ${placeholders.join(', ')}
         ON CONFLICT (key) DO NOTHING
         RETURNING key`,
        [...values, now],
      )) as { key: string }[];
      const keys = inserted.map((r) => r.key).sort();
      if (keys.length > 0) await this.audit.record(m, SYSTEM, { action: 'data_category.defaults_added', targetType: 'data_category', details: { keys } });
      return keys;
    });
  }

  /** The keys among these that the taxonomy does not hold. */
  async unknown(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const found = await this.dataSource.getRepository(DataCategoryEntity).find({ select: { key: true }, where: { key: In([...new Set(keys)]) } });
    const known = new Set(found.map((f) => f.key));
    return keys.filter((k) => !known.has(k));
  }

  /** Changes a category's title, description or special flag (audited with the fields that changed). */
  async update(key: string, dto: UpdateDataCategoryDto, caller: Caller): Promise<DataCategoryEntity> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DataCategoryEntity);
      const row = await repo.findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Data category');
      const given = Object.entries(dto).filter(([, value]) => value !== undefined) as [keyof UpdateDataCategoryDto, string | boolean][];
      const changed = given.filter(([field, value]) => row[field] !== value).map(([field]) => field);
      if (changed.length === 0) return row;
      Object.assign(row, Object.fromEntries(given), { updatedAt: this.clock.now() });
      await repo.save(row);
      await this.audit.record(m, caller, { action: 'data_category.updated', targetType: 'data_category', targetId: key, details: { changed } });
      return row;
    });
  }
}
