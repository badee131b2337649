/**
 * Backs up a running Lethe on the embedded database: asks it for a snapshot (GET /v1/ops/backup,
 * an admin key) and writes it, readable by you only, through a temporary file renamed into place
 * once the whole tarball arrived and decompresses cleanly.
 *
 *   npm run backup -- --out lethe-backup.tar.gz [--url http://localhost:3000] [--key-file data/admin-api-key.txt]
 *
 * The key comes from LETHE_ADMIN_API_KEY, else --key-file (default data/admin-api-key.txt, which
 * the first start writes). On a Postgres server, use pg_dump (README, "Backup and restore").
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { option, Usage } from './cli.js';
import { configSource } from '../config/from-environment.js';

async function main(args: string[]): Promise<void> {
  const out = option(args, 'out');
  if (!out) throw new Usage('--out <file> is required');
  if (existsSync(out)) throw new Usage(`${out} exists: name a new file`);
  const env = configSource();
  const url = (option(args, 'url') ?? env.LETHE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
  const key = env.LETHE_ADMIN_API_KEY ?? readFileSync(option(args, 'key-file') ?? 'data/admin-api-key.txt', 'utf8').trim();
  const response = await fetch(`${url}/v1/ops/backup`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new Error(`the backup was refused: ${response.status} ${problem.detail ?? response.statusText}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  gunzipSync(bytes); // a truncated or damaged tarball fails here, before it is kept
  const partial = `${out}.partial`;
  try {
    writeFileSync(partial, bytes, { mode: 0o600, flag: 'wx' });
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(
    `wrote ${out}: ${bytes.length} bytes, SHA-256 ${sha256} (the audit trail records the same: ops.backup_taken)\n` +
      'It holds personal data. Keep it with the keys it needs and that are not in it: LETHE_HMAC_KEY and LETHE_ENCRYPTION_KEYS (or data/secrets.json).\n',
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lethe-backup: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof Usage ? 64 : 1);
});
