import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChainCheck } from '../../src/modules/ops/chain.check.js';
import { bearer, bootApp, metricValue, onServer, TestApp } from '../factories/app.js';
import { consentEvent, consentFixture, ConsentFixture } from '../factories/consent.js';

/**
 * The scheduled verification of the audit trail and the consent ledger: its verdicts in chain_check,
 * exported by /metrics, a turn of verdict audited once, the ledger walked a slice per run.
 */
describe('chain check', () => {
  let t: TestApp;
  let f: ConsentFixture;
  const subjects = [0, 1, 2].map(() => `usr_${randomUUID()}`);
  // The passes below count subjects: on a server, a database of this suite's own (the suites' shared
  // one holds every other suite's subjects, and chains they broke on purpose).
  const own = `chain_check_${randomUUID().replace(/-/g, '').slice(0, 8)}_test`;
  const admin = () => {
    const client = new pg.Client(process.env.DATABASE_URL);
    return client.connect().then(() => client);
  };

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (onServer) {
      const client = await admin();
      await client.query(`CREATE DATABASE ${own}`);
      await client.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${own}`;
      env = { DATABASE_URL: url.toString() };
    }
    // Two subjects' chains per run: three subjects take two runs for a whole pass.
    t = await bootApp({ env: { ...env, LETHE_CHAIN_CHECK_CONSENT_SUBJECTS: '2', LETHE_CHAIN_CHECK_INTERVAL_MINUTES: '30' } });
    f = await consentFixture(t);
    for (const subjectId of subjects) {
      for (const action of ['granted', 'withdrawn']) {
        const response = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose, { subjectId, action }));
        expect(response.status).toBe(201);
      }
    }
  });
  afterAll(async () => {
    await t?.close();
    if (onServer) {
      const client = await admin();
      await client.query(`DROP DATABASE IF EXISTS ${own} WITH (FORCE)`);
      await client.end();
    }
  });

  const run = () => t.app.get(ChainCheck).run();
  const sample = async (name: string, chain: string): Promise<number | undefined> => {
    const text = (await t.http.get('/metrics')).text;
    const match = new RegExp(`^${name}\\{chain="${chain}"\\} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const audited = async (action: string) =>
    (await t.http.get(`/v1/audit-events?action=${action}`).set(...bearer(t.adminKey))).body.items as { targetId: string; details: Record<string, unknown> }[];
  const withoutTrigger = (table: 'audit_event' | 'consent_event', sql: string, params: unknown[]) =>
    t.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
      await m.query(sql, params);
      await m.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    });

  it('no sample before the first run; the first run is scheduled one interval after boot', async () => {
    expect(await sample('lethe_chain_verification_ok', 'audit')).toBeUndefined();
    // The interval, for the stale-check alert (ops/prometheus/lethe-alerts.yml).
    expect(await metricValue(t, 'lethe_chain_check_interval_seconds')).toBe(30 * 60);
    const [job] = await t.dataSource.query(`SELECT run_at FROM scheduled_job WHERE job_key = 'ops.chain-check' AND status = 'pending'`);
    expect(new Date(job.run_at).getTime() - Date.now()).toBeGreaterThan(25 * 60_000);
  });

  it('a run keeps both verdicts, /metrics exports them, and the next run is scheduled', async () => {
    const before = Math.floor(Date.now() / 1000);
    await run();
    expect([await sample('lethe_chain_verification_ok', 'audit'), await sample('lethe_chain_verification_ok', 'consent')]).toEqual([1, 1]);
    for (const chain of ['audit', 'consent']) expect(await sample('lethe_chain_verification_last_run_timestamp_seconds', chain)).toBeGreaterThanOrEqual(before);
    const [job] = await t.dataSource.query(`SELECT run_at FROM scheduled_job WHERE job_key = 'ops.chain-check' AND status = 'pending'`);
    expect(new Date(job.run_at).getTime() - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(await audited('ops.chain_verification_failed')).toEqual([]);
  });

  it('an edited audit entry: not ok, audited once however many runs find it, and audited again once restored', async () => {
    const [last] = await t.dataSource.query('SELECT seq, actor FROM audit_event ORDER BY seq DESC LIMIT 1');
    await withoutTrigger('audit_event', `UPDATE audit_event SET actor = 'someone-else' WHERE seq = $1`, [last.seq]);
    await run();
    await run();
    expect(await sample('lethe_chain_verification_ok', 'audit')).toBe(0);
    const failed = await audited('ops.chain_verification_failed');
    expect(failed).toEqual([expect.objectContaining({ targetId: 'audit', details: expect.objectContaining({ firstBrokenSeq: Number(last.seq) }) })]);

    await withoutTrigger('audit_event', 'UPDATE audit_event SET actor = $2 WHERE seq = $1', [last.seq, last.actor]);
    await run();
    expect(await sample('lethe_chain_verification_ok', 'audit')).toBe(1);
    expect(await audited('ops.chain_verification_recovered')).toEqual([expect.objectContaining({ targetId: 'audit' })]);
  });

  it('a broken consent chain: not ok from the slice that finds it until a whole clean pass', async () => {
    // Finish the pass under way, so the next run starts a new one from the first subject.
    while ((await t.dataSource.query(`SELECT cursor FROM chain_check WHERE chain = 'consent'`))[0].cursor !== '') await run();
    await withoutTrigger('consent_event', `UPDATE consent_event SET action = 'granted' WHERE subject_id = $1 AND seq = 2`, [subjects[1]]);

    const verdicts: number[] = [];
    const cursors: string[] = [];
    for (let i = 0; i < 2; i++) {
      await run();
      verdicts.push((await sample('lethe_chain_verification_ok', 'consent'))!);
      cursors.push((await t.dataSource.query(`SELECT cursor FROM chain_check WHERE chain = 'consent'`))[0].cursor);
    }
    // Three subjects, two a run: the pass ends with the second run, and the break was found in it.
    expect(cursors[1]).toBe('');
    expect(verdicts[1]).toBe(0);
    expect(await audited('ops.chain_verification_failed')).toEqual(expect.arrayContaining([expect.objectContaining({ targetId: 'consent' })]));

    await withoutTrigger('consent_event', `UPDATE consent_event SET action = 'withdrawn' WHERE subject_id = $1 AND seq = 2`, [subjects[1]]);
    await run();
    expect(await sample('lethe_chain_verification_ok', 'consent')).toBe(0); // half a pass clean is not enough
    await run();
    expect(await sample('lethe_chain_verification_ok', 'consent')).toBe(1);
    expect(await audited('ops.chain_verification_recovered')).toEqual(expect.arrayContaining([expect.objectContaining({ targetId: 'consent' })]));
  });

  it('LETHE_CHAIN_CHECK_INTERVAL_MINUTES is validated at boot, naming the variable', async () => {
    await expect(bootApp({ env: { LETHE_CHAIN_CHECK_INTERVAL_MINUTES: '0' } })).rejects.toThrow(/LETHE_CHAIN_CHECK_INTERVAL_MINUTES must be a whole number from 1/);
  });
});
