/**
 * Fuzzes every operation in openapi/openapi.json: a valid request built from its schemas, then
 * seeded mutations (missing and extra fields, wrong types, null, empty, very long, NUL, lone
 * surrogates, RTL and emoji, deep nesting, huge arrays, bad ids and dates, wrong content types).
 * Every answer must be below 500, every error application/problem+json (DRP's routes: DRP's own
 * error shape), and every status one the
 * document declares for that operation. A fixed sweep adds NUL, lone surrogates, null and bad dates
 * to every query parameter and top-level body field. Set FUZZ_SEED to replay another run, FUZZ_RUNS for more.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { bootApp, createKey, onServer, TestApp } from '../factories/app.js';
import { Document, FuzzRequest, mutationArbitrary, Op, operations, Pools, sweep, urlFor, validRequest } from './openapi.fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 30);
const document = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as Document;

/** Operations that create the objects later operations need, in dependency order. */
const SETUP = [
  'post /v1/register/data-categories',
  'post /v1/purposes',
  'post /v1/purposes/{key}/notices',
  'post /v1/register/records',
  'post /v1/subprocessors',
  'post /v1/requests',
  'post /v1/consent-events',
  'post /v1/webhooks',
  'post /v1/deadlines/feeds',
];

interface Failure {
  operation: string;
  status: number;
  problem: string;
  mutation: string;
  detail: string;
}

describe('fuzzing every operation in openapi/openapi.json', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  const pools: Pools = new Map();
  const failures: Failure[] = [];
  let sent = 0;
  let startedAt: Date;

  beforeAll(async () => {
    t = await bootApp({
      // No job handlers: nothing is delivered anywhere (webhooks, data stores) while URLs are fuzzed.
      // DRP on, with an agent whose key nobody here holds: its routes answer past the "not configured" door.
      env: {
        LETHE_WORKERS: 'off',
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '100000',
        LETHE_INTAKE_RATE_PER_EMAIL_PER_HOUR: '100000',
        LETHE_DRP_BUSINESS_ID: 'FUZZ_001',
        LETHE_DRP_AGENTS: JSON.stringify([{ id: 'FUZZ_AGENT', verifyKey: randomBytes(32).toString('base64') }]),
        LETHE_DRP_RATE_PER_AGENT_PER_MINUTE: '100000',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    startedAt = (await t.dataSource.query('SELECT now() AS now'))[0].now as Date;
    key = (await createKey(t, ['admin', 'counsel', 'auditor', 'iam'])).key;
    pools.set('id', [(await createKey(t, ['auditor'])).id]);
  }, 180_000);
  afterAll(async () => {
    // On a shared server database the next suites' workers would pick up the work the fuzzed requests left
    // pending (webhook deliveries to sampled URLs, reminders): cancel it, as nothing here was meant to run.
    // Its webhook subscriptions are disabled too, so the consent events it recorded fan out to nobody.
    if (onServer && t) {
      await t.dataSource.query(`UPDATE webhook_subscription SET disabled_at = now() WHERE disabled_at IS NULL AND created_at >= $1`, [startedAt]);
      await t.dataSource.query(`UPDATE scheduled_job SET status = 'cancelled', updated_at = now() WHERE status = 'pending' AND created_at >= $1`, [startedAt]);
    }
    await t?.close();
  });

  function remember(name: string, value: unknown): void {
    if (typeof value !== 'string' || value === '') return;
    const values = pools.get(name) ?? [];
    if (!values.includes(value)) values.push(value);
    pools.set(name, values);
  }

  /** Ids, keys and tokens from an answer, so later requests reach objects that exist. */
  function harvest(value: unknown): void {
    if (Array.isArray(value)) return value.forEach(harvest);
    if (value === null || typeof value !== 'object') return;
    for (const [name, item] of Object.entries(value)) {
      if (name === 'id') remember('id', item);
      if (name === 'key' && typeof item === 'string' && !item.startsWith('lth_')) remember('key', item);
      if (name === 'subjectId') remember('subjectId', item);
      if (name === 'statusToken') remember('statusToken', item);
      if (name === 'token') remember('token', item);
      harvest(item);
    }
  }

  async function send(op: Op, request: FuzzRequest): Promise<void> {
    const headers: Record<string, string> = { ...request.headers };
    const security = op.operation.security ?? [];
    if (security.some((s) => 'apiKey' in s)) headers.authorization = `Bearer ${key}`;
    const url = `${base}${urlFor(op.template, request)}`;
    sent++;
    let status: number;
    let contentType: string;
    let text: string;
    try {
      const response = await fetch(url, { method: request.method.toUpperCase(), headers, body: request.body, redirect: 'manual' });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      text = await response.text();
    } catch (error) {
      failures.push({ operation: `${op.method} ${op.template}`, status: 0, problem: 'connection failed', mutation: request.mutation, detail: String((error as Error).cause ?? error) });
      return;
    }
    const fail = (problem: string) =>
      failures.push({ operation: `${op.method} ${op.template}`, status, problem, mutation: request.mutation, detail: text.slice(0, 200) });
    if (status >= 500) fail('5xx');
    if (status >= 400) {
      // The Data Rights Protocol's routes answer errors in DRP's shape (application/json { code, message }),
      // or with no body where the document declares none (a refused pairing); every other route, problem+json.
      // Each error in a content type its operation declares for that status.
      const declared = Object.keys((op.operation.responses[String(status)] as { content?: Record<string, unknown> } | undefined)?.content ?? {});
      const type = contentType.split(';')[0]!.trim();
      if (declared.length === 0 && text !== '') fail('error has a body where none is declared');
      if (declared.length > 0 && !declared.includes(type)) fail(`error is ${contentType || 'no content type'}`);
      if (type === 'application/json' && !/^\{"code":"\d{3}","message":/.test(text)) fail('error is not DRP’s { code, message }');
    }
    if (!(String(status) in op.operation.responses) && !('default' in op.operation.responses)) fail('status not declared');
    if (status < 300 && contentType.startsWith('application/json')) {
      try {
        harvest(JSON.parse(text));
      } catch {
        fail('JSON answer does not parse');
      }
    }
  }

  function valid(op: Op, index: number): FuzzRequest {
    const [seedPick] = fc.sample(fc.nat(), { seed: SEED + index, numRuns: 1 });
    const request = validRequest(op, document, pools, (values) => values[seedPick % values.length]);
    if ((op.operation.security ?? []).some((s) => 'requestToken' in s)) {
      // A data subject's route: their request's id with its token.
      request.path.id = pools.get('requestId')?.[0] ?? request.path.id;
      request.headers['x-request-token'] = pools.get('statusToken')?.[0] ?? 'none';
    }
    return request;
  }

  it('answers every mutated request below 500, as problem+json, with a declared status', async () => {
    const all = operations(document);
    const byName = new Map(all.map((op) => [`${op.method} ${op.template}`, op]));
    for (const [index, name] of SETUP.entries()) {
      const op = byName.get(name);
      if (!op) throw new Error(`setup operation ${name} is not in the document`);
      const idsBefore = pools.get('id')?.length ?? 0;
      await send(op, valid(op, index));
      if (name === 'post /v1/requests') remember('requestId', pools.get('id')?.[idsBefore]);
    }
    for (const [index, op] of all.entries()) {
      const request = valid(op, index);
      await send(op, request);
      const mutations = fc.sample(mutationArbitrary(op, request), { seed: SEED + index, numRuns: RUNS_PER_OPERATION });
      for (const mutation of [...mutations, ...sweep(op, request)]) await send(op, mutation);
    }
    // One line per distinct failure, so the report reads as a list of root causes.
    const distinct = new Map<string, Failure & { count: number }>();
    for (const failure of failures) {
      const id = `${failure.operation} ${failure.status} ${failure.problem} ${failure.mutation.replace(/ = .*/, '')}`;
      const seen = distinct.get(id);
      if (seen) seen.count++;
      else distinct.set(id, { ...failure, count: 1 });
    }
    const report = [...distinct.values()].map((f) => `${f.operation} → ${f.status} ${f.problem} ×${f.count} [${f.mutation}] ${f.detail}`);
    expect(sent).toBeGreaterThan(all.length * RUNS_PER_OPERATION);
    expect(report).toEqual([]);
  }, 180_000);
});
