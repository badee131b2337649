import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';

export type NewApiKey = Omit<ApiKeyEntity, 'id'>;

/** Arbitrary constant: replicas booting at once take turns at creating the first admin key. */
const BOOTSTRAP_LOCK = 4_117_712;

/** The api-keys module's SQL: the api_key table. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  bySecretHash(secretHash: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOneBy({ secretHash });
  }

  byId(id: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id });
  }

  /** The key, locked until the caller's transaction ends (revocation and expiry take turns). */
  lockById(manager: EntityManager, id: string): Promise<ApiKeyEntity | null> {
    return manager.getRepository(ApiKeyEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markRevoked(manager: EntityManager, key: ApiKeyEntity, at: Date): Promise<void> {
    key.revokedAt = at;
    await manager.save(key);
  }

  /** Waits, until the caller's transaction ends, for other processes creating the first-start key. */
  async waitForBootstrapTurn(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
  }

  activeAdminCount(manager: EntityManager, now: Date): Promise<number> {
    return manager
      .query(`SELECT count(*)::int AS count FROM api_key WHERE 'admin' = ANY(roles) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`, [now])
      .then((rows: [{ count: number }]) => rows[0].count);
  }

  /** Inserts the key; undefined when a key with the same secret exists already (ON CONFLICT DO NOTHING). */
  async insertUnlessSecretExists(manager: EntityManager, key: NewApiKey): Promise<ApiKeyEntity | undefined> {
    const repo = manager.getRepository(ApiKeyEntity);
    const row = repo.create(key);
    const result = await repo.createQueryBuilder().insert().values(row).orIgnore().returning('id').execute();
    const inserted = (result.raw as Array<{ id: string }>)[0];
    if (!inserted) return undefined;
    row.id = inserted.id;
    return row;
  }

  /**
   * A page by creation, then id; `limit + 1` rows for toPage. With `activeAt`, only the keys
   * neither revoked nor expired at that instant.
   */
  listPage(filter: { activeAt?: Date }, after: { at: Date; id: string } | undefined, limit: number): Promise<ApiKeyEntity[]> {
    const qb = this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('k');
    if (filter.activeAt) {
      qb.where('k.revokedAt IS NULL').andWhere('(k.expiresAt IS NULL OR k.expiresAt > :now)', { now: filter.activeAt });
    }
    if (after) qb.andWhere('(k.createdAt, k.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb.orderBy('k.createdAt', 'ASC').addOrderBy('k.id', 'ASC').limit(limit + 1).getMany();
  }

  /** Every key, revoked and expired ones too, oldest first. */
  all(): Promise<ApiKeyEntity[]> {
    return this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
  }
}
