import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { DefaultCategory } from './default-taxonomy.js';
import { DataCategoryEntity } from './register.entity.js';

/** The taxonomy module's SQL: data_category. */
@Injectable()
export class TaxonomyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the categories that are missing in one statement (ON CONFLICT DO NOTHING); the keys it inserted. */
  async insertMissing(m: EntityManager, categories: readonly DefaultCategory[], at: Date): Promise<string[]> {
    const values: unknown[] = [];
    for (const d of categories) values.push(d.key, d.title, d.description, d.special);
    const atParam = `$${values.length + 1}`;
    const placeholders = categories.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, ${atParam}, ${atParam})`);
    const inserted = (await m.query(
      `INSERT INTO data_category (key, title, description, special, created_at, updated_at)
       VALUES ${placeholders.join(', ')}
       ON CONFLICT (key) DO NOTHING
       RETURNING key`,
      [...values, at],
    )) as { key: string }[];
    return inserted.map((r) => r.key);
  }

  /** The keys among these that the taxonomy holds. */
  async keysAmong(keys: readonly string[]): Promise<string[]> {
    const found = await this.dataSource.getRepository(DataCategoryEntity).find({ select: { key: true }, where: { key: In([...new Set(keys)]) } });
    return found.map((f) => f.key);
  }

  /** The categories among these keys, with what a consent record states of them. */
  describe(keys: readonly string[]): Promise<Pick<DataCategoryEntity, 'key' | 'title' | 'special'>[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(DataCategoryEntity).find({ select: { key: true, title: true, special: true }, where: { key: In([...new Set(keys)]) } });
  }

  lockByKey(m: EntityManager, key: string): Promise<DataCategoryEntity | null> {
    return m.getRepository(DataCategoryEntity).findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
  }

  async save(m: EntityManager, category: DataCategoryEntity): Promise<void> {
    await m.getRepository(DataCategoryEntity).save(category);
  }
}
