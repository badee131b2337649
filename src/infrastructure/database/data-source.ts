import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** A DataSource for Lethe's schema. Never `synchronize`: the schema comes from migrations. */
export function createDataSource(url: string, poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize,
    // A connection (or a wait for a free one) that takes longer fails: a boot never hangs on an unreachable or full server, and a request gets a 503.
    extra: { max: poolSize, application_name: 'lethe', connectionTimeoutMillis: 30_000 },
    logging: false,
  });
}

/** Arbitrary constant: replicas booting at once take turns at the migrations. */
const MIGRATION_LOCK = 4_117_711;

export async function runMigrations(dataSource: DataSource): Promise<number> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.length;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
