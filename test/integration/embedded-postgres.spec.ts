import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { bearer, bootApp, createKey, onServer } from '../factories/app.js';

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
    const db = await EmbeddedPostgres.start({ dataDir: dir, port: 0 });
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
    const db = await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
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
});
