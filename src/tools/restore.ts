/**
 * Restores a backup of the embedded database (`npm run backup`) into a data folder, with Lethe
 * stopped. The folder's database must not exist, or `--replace` moves it aside first (to
 * `pglite.replaced-<time>`, never deleted). Start Lethe afterwards with the keys the backup was
 * taken with: migrations a newer Lethe brings run at that start, pending jobs go back to the queue.
 *
 *   npm run restore -- --from lethe-backup.tar.gz [--data-dir data] [--replace]
 *
 * On a Postgres server, use pg_restore (README, "Backup and restore").
 */
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { option, Usage } from './cli.js';
import { configSource } from '../config/from-environment.js';

async function main(args: string[]): Promise<void> {
  const from = option(args, 'from');
  if (!from) throw new Usage('--from <backup.tar.gz> is required');
  const env = configSource();
  if (env.DATABASE_URL) throw new Usage('DATABASE_URL is set: this restores the embedded database only; on a Postgres server use pg_restore');
  const dir = resolve(option(args, 'data-dir') ?? env.LETHE_DATA_DIR ?? 'data');
  const lock = join(dir, 'pglite.lock');
  if (existsSync(lock) && isAlive(Number(readFileSync(lock, 'utf8')))) throw new Error(`Lethe (process ${readFileSync(lock, 'utf8')}) is using ${dir}: stop it first`);
  const target = join(dir, 'pglite');
  if (existsSync(target)) {
    if (!args.includes('--replace')) throw new Usage(`${target} holds a database: pass --replace to move it aside and restore in its place`);
    const aside = `${target}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, aside);
    process.stdout.write(`moved the database that was there to ${aside}\n`);
  }
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tar = gunzipSync(readFileSync(from));
  const bytes = tar.buffer.slice(tar.byteOffset, tar.byteOffset + tar.byteLength);
  const db = await PGlite.create(target, { loadDataDir: { type: 'application/x-tar', size: bytes.byteLength, arrayBuffer: () => Promise.resolve(bytes) } as Blob });
  try {
    const [audit, consent] = await Promise.all([
      db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event'),
      db.query<{ n: number }>('SELECT count(*)::int AS n FROM consent_event'),
    ]);
    process.stdout.write(
      `restored into ${target}: ${audit.rows[0]!.n} audit entries, ${consent.rows[0]!.n} consent events.\n` +
        'Start Lethe with the LETHE_HMAC_KEY and LETHE_ENCRYPTION_KEYS (or data/secrets.json) the backup was taken with, and check GET /v1/audit-events/verify.\n',
    );
  } finally {
    await db.close();
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lethe-restore: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof Usage ? 64 : 1);
});
