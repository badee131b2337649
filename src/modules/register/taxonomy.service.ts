import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { DEFAULT_TAXONOMY } from './default-taxonomy.js';
import { UpdateDataCategoryDto } from './register.dto.js';
import { DataCategoryEntity } from './register.entity.js';
import { TaxonomyRepository } from './taxonomy.repository.js';

/**
 * The data-category taxonomy as other modules see it (purposes check their categories here), the default
 * taxonomy Lethe ships, and edits to a category. The register owns creation and listing.
 */
@Injectable()
export class TaxonomyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TaxonomyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TaxonomyRepository,
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
      const keys = (await this.repository.insertMissing(m, DEFAULT_TAXONOMY, this.clock.now())).sort();
      if (keys.length > 0) await this.audit.record(m, SYSTEM, { action: 'data_category.defaults_added', targetType: 'data_category', details: { keys } });
      return keys;
    });
  }

  /** The keys among these that the taxonomy does not hold. */
  async unknown(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const known = new Set(await this.repository.keysAmong(keys));
    return keys.filter((k) => !known.has(k));
  }

  /** Title and special flag of each of these categories the taxonomy holds (consent records name them). */
  async describe(keys: readonly string[]): Promise<Map<string, { title: string; special: boolean }>> {
    const rows = await this.repository.describe(keys);
    return new Map(rows.map((row) => [row.key, { title: row.title, special: row.special }]));
  }

  /** Changes a category's title, description or special flag (audited with the fields that changed). */
  async update(key: string, dto: UpdateDataCategoryDto, caller: Caller): Promise<DataCategoryEntity> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.repository.lockByKey(m, key);
      if (!row) throw new NotFoundError('Data category');
      const given = Object.entries(dto).filter(([, value]) => value !== undefined) as [keyof UpdateDataCategoryDto, string | boolean][];
      const changed = given.filter(([field, value]) => row[field] !== value).map(([field]) => field);
      if (changed.length === 0) return row;
      Object.assign(row, Object.fromEntries(given), { updatedAt: this.clock.now() });
      await this.repository.save(m, row);
      await this.audit.record(m, caller, { action: 'data_category.updated', targetType: 'data_category', targetId: key, details: { changed } });
      return row;
    });
  }
}
