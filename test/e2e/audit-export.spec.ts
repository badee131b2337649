import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditExporter } from '../../src/common/audit/audit.export.js';
import { canonicalJson, sha256Hex } from '../../src/common/crypto.js';
import { bearer, bootApp, createKey, eventually, onServer, TestApp } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { type LetheProcess, startLethe } from '../factories/process.js';
import { ACCEPT, attribute, type Delivery, OtlpReceiver, range } from '../factories/otlp-receiver.js';

/**
 * The audit trail streamed to a real local OTLP/HTTP receiver: every entry, in chain order, at least
 * once, through refusals, retries, hangs, a second exporter on the same database and a kill -9.
 */
const SECRET = `Bearer ${randomBytes(16).toString('hex')}`;

interface AuditItem {
  seq: number;
  action: string;
  prevHash: string;
  hash: string;
}

/** Env for an app exporting to `receiver`: its own cursor, starting at the head (suites share a server database). */
function exportEnv(receiver: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: receiver.endpoint,
    LETHE_AUDIT_EXPORT_HEADERS: `Authorization=${encodeURIComponent(SECRET)}`,
    LETHE_AUDIT_EXPORT_NAME: `test-${randomBytes(4).toString('hex')}`,
    LETHE_AUDIT_EXPORT_START: 'now',
    LETHE_AUDIT_EXPORT_BATCH_SIZE: '3',
    // Long: entries reach the receiver because their commit wakes the exporter, not by polling.
    LETHE_AUDIT_EXPORT_POLL_MS: '60000',
    LETHE_AUDIT_EXPORT_BACKOFF_MS: '50',
    LETHE_AUDIT_EXPORT_MAX_BACKOFF_MS: '400',
    LETHE_AUDIT_EXPORT_TIMEOUT_MS: '2000',
    ...extra,
  };
}

/** The trail from `first` on, oldest first, as GET /v1/audit-events shows it. */
async function trailFrom(t: TestApp, first: number): Promise<AuditItem[]> {
  const items: AuditItem[] = [];
  let cursor: string | undefined;
  do {
    const response = await t.http.get(`/v1/audit-events?order=asc&limit=100${cursor ? `&cursor=${cursor}` : ''}`).set(...bearer(t.adminKey));
    expect(response.status).toBe(200);
    items.push(...(response.body.items as AuditItem[]));
    cursor = response.body.nextCursor ?? undefined;
  } while (cursor);
  return items.filter((item) => item.seq >= first);
}

async function headSeq(t: TestApp): Promise<number> {
  const response = await t.http.get('/v1/audit-events?limit=1').set(...bearer(t.adminKey));
  return (response.body.items as AuditItem[])[0]!.seq;
}

/** The first seq this app's exporter sent: its own `audit.export_started` entry. */
function firstSeq(receiver: OtlpReceiver): number {
  const first = receiver.deliveries[0]!;
  expect(first.records[0]!.eventName).toBe('audit.export_started');
  return first.seqs[0]!;
}

/** Each delivery holds consecutive seqs. */
function expectContiguousBatches(deliveries: Delivery[]): void {
  for (const d of deliveries) expect(d.seqs).toEqual(range(d.seqs[0]!, d.seqs[0]! + d.seqs.length - 1));
}

describe('audit trail export over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let t: TestApp | undefined;

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await receiver.close();
  });

  it('streams every entry once, in chain order, with the hashes GET /v1/audit-events shows', async () => {
    t = await bootApp({ env: exportEnv(receiver) });
    for (let i = 0; i < 7; i++) await createKey(t, ['auditor']);
    const app = t;
    const head = await headSeq(app);
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 10_000, 20);

    const first = firstSeq(receiver);
    expect(receiver.acknowledgedSeqs).toEqual(range(first, head));
    expect(receiver.deliveries.every((d) => d.status === 200)).toBe(true);
    expectContiguousBatches(receiver.deliveries);
    expect(Math.max(...receiver.deliveries.map((d) => d.seqs.length))).toBeLessThanOrEqual(3);

    const trail = await trailFrom(app, first);
    const records = receiver.deliveries.flatMap((d) => d.records);
    expect(records.map((r) => ({ seq: Number(attribute(r, 'lethe.audit.seq')?.intValue), action: r.eventName, prevHash: attribute(r, 'lethe.audit.prev_hash')?.stringValue, hash: attribute(r, 'lethe.audit.hash')?.stringValue }))).toEqual(
      trail.map(({ seq, action, prevHash, hash }) => ({ seq, action, prevHash, hash })),
    );
    // Each record carries its entry: the SIEM recomputes the hash and follows the chain.
    for (const [i, record] of records.entries()) {
      const { hash, ...hashed } = JSON.parse(record.body.stringValue) as Record<string, unknown>;
      expect(sha256Hex(canonicalJson(hashed))).toBe(hash);
      if (i > 0) expect(hashed.prevHash).toBe(attribute(records[i - 1]!, 'lethe.audit.hash')?.stringValue);
    }
    expect(records.slice(-7).map((r) => r.eventName)).toEqual(Array(7).fill('api_key.created'));

    const delivery = receiver.deliveries[0]!;
    expect(delivery.path).toBe('/v1/logs');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers.authorization).toBe(SECRET);
    expect(delivery.resource['service.name']).toBe('lethe');
    expect(new Set(receiver.deliveries.map((d) => d.resource['service.instance.id'])).size).toBe(1);
    expect(app.rawLogs()).not.toContain(SECRET.split(' ')[1]);

    // The cursor moves just after the receiver's answer.
    const exporter = app.app.get(AuditExporter);
    await eventually(async () => (await exporter.status())?.behind === 0, 5_000, 20);
    expect(await exporter.status()).toMatchObject({ exportedSeq: head, headSeq: head, behind: 0, rejectedRecords: 0 });
  });

  it('sends the same batch again after 503 (honouring Retry-After) and 429 (backing off), and skips nothing', async () => {
    let answered = 0;
    receiver.policy = () => {
      answered += 1;
      if (answered === 1) return { status: 503, headers: { 'retry-after': '1' }, body: '{"message":"busy"}' };
      if (answered === 2) return { status: 429 };
      return ACCEPT(receiver.deliveries[0]!);
    };
    t = await bootApp({ env: exportEnv(receiver) });
    for (let i = 0; i < 4; i++) await createKey(t, ['auditor']);
    const head = await headSeq(t);
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 10_000, 20);

    const [refused, throttled, accepted] = receiver.deliveries as [Delivery, Delivery, Delivery];
    expect([refused.status, throttled.status, accepted.status]).toEqual([503, 429, 200]);
    // Sent again from the same cursor (with whatever was written meanwhile, up to the batch size).
    expect(throttled.seqs.slice(0, refused.seqs.length)).toEqual(refused.seqs);
    expect(accepted.seqs.slice(0, refused.seqs.length)).toEqual(refused.seqs);
    expect(throttled.arrivedAt - refused.arrivedAt).toBeGreaterThanOrEqual(950);
    expect(receiver.acknowledgedSeqs).toEqual(range(firstSeq(receiver), head));
    expect(t.logs.some((l) => l.level === 'warn' && l.status === 503 && l.retryAfterMs === 1000)).toBe(true);
  });

  it('does not skip a batch the receiver refuses (400): it waits, then sends the same batch again', async () => {
    let refuse = true;
    receiver.policy = () => (refuse ? { status: 400, body: '{"message":"bad data"}' } : { status: 200, body: '{}' });
    t = await bootApp({ env: exportEnv(receiver, { LETHE_AUDIT_EXPORT_MAX_BACKOFF_MS: '1500' }) });
    await createKey(t, ['auditor']);
    await eventually(async () => receiver.deliveries.length >= 1, 10_000, 20);
    const exporter = t.app.get(AuditExporter);
    await eventually(async () => (await exporter.status())?.state === 'refused', 5_000, 20);
    const status = await exporter.status();
    expect(status?.behind).toBeGreaterThan(0);
    // OTLP: a 400 is not retried at once. (On a loaded machine the wait, 1.5 s, may already be over.)
    expect(receiver.deliveries.slice(1).filter((d) => d.arrivedAt - receiver.deliveries[0]!.arrivedAt < 1400)).toEqual([]);
    refuse = false;
    const head = await headSeq(t);
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 10_000, 20);
    expect(receiver.deliveries[1]!.seqs.slice(0, receiver.deliveries[0]!.seqs.length)).toEqual(receiver.deliveries[0]!.seqs);
    expect(receiver.deliveries[1]!.arrivedAt - receiver.deliveries[0]!.arrivedAt).toBeGreaterThanOrEqual(1400);
    expect(receiver.acknowledgedSeqs).toEqual(range(firstSeq(receiver), head));
    expect(t.logs.some((l) => l.level === 'error' && l.status === 400 && /refused/.test(String(l.msg)))).toBe(true);
  });

  it('moves on after a partial success (OTLP forbids sending it again), counting and logging the rejected records', async () => {
    receiver.policy = (d) =>
      d.index === 0 ? { status: 200, body: '{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"record quoted: hunter2"}}' } : { status: 200, body: '{}' };
    t = await bootApp({ env: exportEnv(receiver) });
    await createKey(t, ['auditor']);
    const head = await headSeq(t);
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 10_000, 20);
    expect(receiver.acknowledgedSeqs).toEqual(range(firstSeq(receiver), head));
    const exporter = t.app.get(AuditExporter);
    await eventually(async () => (await exporter.status())?.behind === 0, 5_000, 20);
    expect(await exporter.status()).toMatchObject({ rejectedRecords: 1, exportedSeq: head });
    expect(t.logs.some((l) => l.level === 'error' && l.rejected === 1)).toBe(true);
    expect(t.rawLogs()).not.toContain('hunter2');
  });

  it('sends a batch again when the receiver does not answer in time, and shuts down promptly while one hangs', async () => {
    receiver.policy = (d) => (d.index === 0 ? 'hold' : { status: 200, body: '{}' });
    t = await bootApp({ env: exportEnv(receiver, { LETHE_AUDIT_EXPORT_TIMEOUT_MS: '300' }) });
    await createKey(t, ['auditor']);
    const head = await headSeq(t);
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 10_000, 20);
    expect(receiver.deliveries[1]!.seqs.slice(0, receiver.deliveries[0]!.seqs.length)).toEqual(receiver.deliveries[0]!.seqs);
    expect(receiver.acknowledgedSeqs).toEqual(range(firstSeq(receiver), head));

    receiver.policy = () => 'hold';
    await createKey(t, ['auditor']);
    const held = receiver.deliveries.length;
    await eventually(async () => receiver.deliveries.length > held, 10_000, 20);
    const started = Date.now();
    await t.close();
    t = undefined;
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('trusts an https receiver whose certificate LETHE_AUDIT_EXPORT_CA_FILE vouches for, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-otlp-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = await OtlpReceiver.start({ key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') });
    try {
      // Without the CA: the certificate is refused, nothing is delivered, the export keeps trying.
      t = await bootApp({ env: exportEnv(tls) });
      const refused = (l: Record<string, unknown>) => l.context === 'AuditExport' && l.level === 'warn' && /SELF_SIGNED|UNABLE_TO_VERIFY/.test(String((l.err as { code?: unknown }).code));
      await eventually(async () => t!.logs.some(refused), 10_000, 50);
      expect(tls.deliveries).toHaveLength(0);
      await t.close();
      t = undefined;

      t = await bootApp({ env: exportEnv(tls, { LETHE_AUDIT_EXPORT_CA_FILE: join(dir, 'cert.pem') }) });
      await createKey(t, ['auditor']);
      const head = await headSeq(t);
      await eventually(async () => tls.acknowledgedSeqs.at(-1) === head, 10_000, 20);
      expect(tls.acknowledgedSeqs).toEqual(range(firstSeq(tls), head));
    } finally {
      await tls.close();
    }
  });

  it('runs only in processes that run jobs: an API process with LETHE_WORKERS=off exports nothing', async () => {
    t = await bootApp({ env: exportEnv(receiver, { LETHE_WORKERS: 'off', LETHE_AUDIT_EXPORT_POLL_MS: '20' }) });
    await createKey(t, ['auditor']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.deliveries).toHaveLength(0);
    expect(await t.app.get(AuditExporter).status()).toBeUndefined();
  });

  (onServer ? it : it.skip)('two processes on one database: one exports at a time, each entry once, in order', async () => {
    const env = exportEnv(receiver, { LETHE_AUDIT_EXPORT_POLL_MS: '20', LETHE_AUDIT_EXPORT_BATCH_SIZE: '2' });
    // A slow receiver: both exporters find entries to send while a batch is in flight.
    receiver.policy = () => ({ status: 200, body: '{}', delayMs: 40 });
    const a = await bootApp({ env });
    const b = await bootApp({ env });
    try {
      await Promise.all([a, b].map(async (app) => {
        for (let i = 0; i < 8; i++) await createKey(app, ['auditor']);
      }));
      const head = await headSeq(a);
      await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 15_000, 20);
      expect(receiver.acknowledgedSeqs).toEqual(range(firstSeq(receiver), head));
      expect(receiver.deliveries.every((d) => d.status === 200)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('audit trail export: kill -9 in the middle of a batch', () => {
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-export-crash-'));
  const sink = `crash-${randomBytes(4).toString('hex')}`;
  let receiver: OtlpReceiver;
  let lethe: LetheProcess | undefined;
  let base = '';

  async function start(): Promise<void> {
    lethe = await startLethe({
      env: {
        LETHE_DATA_DIR: dataDir,
        LETHE_ADMIN_API_KEY: adminKey,
        LETHE_RECONCILE_INTERVAL_SECONDS: '0',
        ...exportEnv(receiver, { LETHE_AUDIT_EXPORT_NAME: sink, LETHE_AUDIT_EXPORT_BATCH_SIZE: '4', LETHE_AUDIT_EXPORT_TIMEOUT_MS: '60000' }),
      },
    });
    base = lethe.base;
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    await lethe?.stop(signal);
  }

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const createKeys = async (n: number) => {
    for (let i = 0; i < n; i++) expect((await call('POST', '/v1/api-keys', { name: `crash ${i}`, roles: ['auditor'] })).status).toBe(201);
  };

  beforeAll(async () => {
    ensureBuilt();
    receiver = await OtlpReceiver.start();
  }, 120_000);
  afterAll(async () => {
    await kill('SIGKILL');
    await receiver.close();
  });

  it('after a restart every entry has been acknowledged once, in order; only the batch in flight was sent twice', async () => {
    // Acknowledge two batches, then hold the third open: the process dies while it is in flight.
    receiver.policy = (d) => (d.index < 2 ? { status: 200, body: '{}' } : 'hold');
    await start();
    // One at a time, each waking the exporter, until the third batch is in flight.
    for (let i = 0; i < 20 && receiver.deliveries.length < 3; i++) {
      await createKeys(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(async () => receiver.deliveries.length >= 3, 20_000, 20);
    await createKeys(5); // written while the batch is held: they wait behind it
    const inFlight = receiver.deliveries[2]!;
    expect(inFlight.status).toBeUndefined();
    await kill('SIGKILL');
    expect(receiver.deliveries).toHaveLength(3); // one exporter, one request at a time

    receiver.policy = ACCEPT;
    await start();
    await createKeys(2);
    const head = ((await call('GET', '/v1/audit-events?limit=1')).body.items as AuditItem[])[0]!.seq;
    await eventually(async () => receiver.acknowledgedSeqs.at(-1) === head, 20_000, 20);

    const first = firstSeq(receiver);
    // Nothing missing, nothing acknowledged twice, no reordering.
    expect(receiver.acknowledgedSeqs).toEqual(range(first, head));
    expectContiguousBatches(receiver.deliveries);
    // The one duplicate: the batch that was in flight, sent again first after the restart.
    const all = receiver.deliveries.flatMap((d) => d.seqs);
    const duplicates = all.filter((seq, i) => all.indexOf(seq) !== i);
    expect(duplicates).toEqual(inFlight.seqs);
    expect(receiver.deliveries[3]!.seqs.slice(0, inFlight.seqs.length)).toEqual(inFlight.seqs);
    expect(receiver.deliveries[3]!.resource['service.instance.id']).not.toBe(inFlight.resource['service.instance.id']);
    // The same records, byte for byte but for the time they were observed.
    const again = receiver.deliveries[3]!.records.slice(0, inFlight.records.length);
    expect(again.map((r) => r.body.stringValue)).toEqual(inFlight.records.map((r) => r.body.stringValue));

    expect((await call('GET', '/v1/audit-events/verify')).body).toMatchObject({ valid: true });
    await kill('SIGTERM');
  }, 90_000);
});
