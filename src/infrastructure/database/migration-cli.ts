/**
 * Schema tooling, run from the build:
 *   generate <Name>  write migrations/<timestamp>-<Name>.ts with what the entities need beyond the migrations
 *   check            exit 1 if the entities need anything the migrations do not create (CI's drift check)
 * Uses DATABASE_URL when set, otherwise a throwaway in-memory PGlite.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/config.schema.js';
import { configSource } from '../../config/from-environment.js';
import { createDataSource, runMigrations } from './data-source.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (command !== 'check' && !(command === 'generate' && name && /^[A-Z][A-Za-z0-9]+$/.test(name))) {
    process.stderr.write('usage: migration-cli check | generate <PascalCaseName>\n');
    return 64;
  }
  const config = loadConfig(configSource());
  const embedded = config.database.url ? undefined : await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
  const dataSource = createDataSource(config.database.url ?? embedded!.url, 2);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    const up = sql.upQueries.map((q) => q.query);
    const down = sql.downQueries.map((q) => q.query).reverse();
    if (command === 'check') {
      if (up.length === 0) {
        process.stdout.write('migration check: the migrations match the entities\n');
        return 0;
      }
      process.stderr.write(`migration check: the entities need SQL no migration runs:\n${up.join(';\n')};\n`);
      return 1;
    }
    if (up.length === 0) {
      process.stdout.write('nothing to generate: the migrations match the entities\n');
      return 0;
    }
    writeMigration(name!, up, down);
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

function writeMigration(name: string, up: string[], down: string[]): void {
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  const lines = (queries: string[]) => queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
  const root = process.cwd();
  writeFileSync(join(root, 'migrations', `${file}.ts`), source);
  const indexPath = join(root, 'migrations', 'index.ts');
  const index = readFileSync(indexPath, 'utf8')
    .replace(/^(\/\/.*\n)/, `$1import { ${className} } from './${file}.js';\n`)
    .replace(/export const MIGRATIONS = \[(.*)\];/s, (_m, list: string) => `export const MIGRATIONS = [${list.trim() ? `${list.trim().replace(/,$/, '')}, ` : ''}${className}];`);
  writeFileSync(indexPath, index);
  process.stdout.write(`wrote migrations/${file}.ts\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migration-cli: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
