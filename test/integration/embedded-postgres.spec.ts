import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { bearer, bootApp, createKey, onServer, PGLITE_TEMPLATE } from '../factories/app.js';

const describeEmbedded = onServer ? describe.skip : describe;

describeEmbedded('embedded Postgres (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a second start finds the data of the first', async () => {
    const env = { LETHE_EMBEDDED_PERSIST: 'on', LETHE_DATA_DIR: dataDir };
    const adminKey = `lth_${'p'.repeat(43)}`;
    const first = await bootApp({ env, adminKey });
    const key = await createKey(first, ['auditor']);
    await first.close();

    const second = await bootApp({ env, adminKey });
    try {
      expect((await second.http.get('/v1/audit-events').set(...bearer(key.key))).status).toBe(200);
      expect((await second.http.get('/v1/audit-events/verify').set(...bearer(adminKey))).body.valid).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('refuses to open a folder another live process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-lock-'));
    // From the suites' template cluster (initdb is most of a start); the first start below is the lock's business.
    const db = await EmbeddedPostgres.start({ dataDir: dir, port: 0, template: PGLITE_TEMPLATE });
    try {
      // Pretend a different live process (our parent) holds the lock.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'pglite.lock'), String(process.ppid));
      await expect(EmbeddedPostgres.start({ dataDir: dir, port: 0 })).rejects.toThrow(/in use by process/);
    } finally {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps each connection’s parameterised statements apart under concurrency', async () => {
    const db = await EmbeddedPostgres.start({ dataDir: undefined, port: 0, template: PGLITE_TEMPLATE });
    const pool = new pg.Pool({ connectionString: db.url, max: 8 });
    try {
      // Different parameter counts: an interleaved Parse from another socket would fail Bind with 08P01.
      const queries = Array.from({ length: 400 }, (_, i) =>
        i % 3 === 0
          ? pool.query('SELECT $1::int AS a', [i]).then((r) => r.rows[0].a === i)
          : i % 3 === 1
            ? pool.query('SELECT $1::int + $2::int AS a', [i, 1]).then((r) => r.rows[0].a === i + 1)
            : pool.query('SELECT $1::text || $2::text || $3::text AS a', ['x', i, 'y']).then((r) => r.rows[0].a === `x${i}y`),
      );
      expect((await Promise.all(queries)).every(Boolean)).toBe(true);
      // A transaction on one connection is not entered by statements from another.
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE IF NOT EXISTS probe (n int)');
      const outside = pool.query('SELECT 1 AS one');
      await client.query('INSERT INTO probe VALUES (1)');
      await client.query('ROLLBACK');
      client.release();
      expect((await outside).rows[0].one).toBe(1);
    } finally {
      await pool.end();
      await db.stop();
    }
  });

  it('keeps the data folder to its owner: folders 0700, files 0600, whatever the umask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-modes-'));
    const umask = process.umask(0); // as in containers that run with umask 0
    try {
      // What an earlier version left behind: readable and writable by everyone.
      chmodSync(dir, 0o777);
      mkdirSync(join(dir, 'pglite'), { mode: 0o777 });
      writeFileSync(join(dir, 'pglite', 'left-over'), 'x', { mode: 0o666 });
      writeFileSync(join(dir, 'secrets.json'), '{}', { mode: 0o644 });
      const db = await EmbeddedPostgres.start({ dataDir: dir, port: 0 });
      try {
        await db.db.exec('CREATE TABLE modes_probe (n int); INSERT INTO modes_probe SELECT generate_series(1, 1000); CHECKPOINT;');
      } finally {
        await db.stop();
      }
      const open: string[] = [];
      const walk = (path: string): void => {
        const stat = lstatSync(path);
        const mode = stat.mode & 0o777;
        if (stat.isDirectory()) {
          if (mode !== 0o700) open.push(`${path} ${mode.toString(8)}`);
          for (const entry of readdirSync(path)) walk(join(path, entry));
        } else if (stat.isFile() && mode !== 0o600) open.push(`${path} ${mode.toString(8)}`);
      };
      walk(dir);
      expect(readdirSync(join(dir, 'pglite')).length).toBeGreaterThan(5);
      expect(open).toEqual([]);
    } finally {
      process.umask(umask);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
