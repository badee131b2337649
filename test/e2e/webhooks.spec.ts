import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/infrastructure/http/webhook-signature.js';
import { allPages, bearer, bootApp, eventually, metricValue, TestApp } from '../factories/app.js';
import { consentEvent, ConsentFixture, consentFixture } from '../factories/consent.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP subscriber on 127.0.0.1 that answers with the statuses it is told to. */
async function subscriber(statuses: number[]): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('consent change webhooks', () => {
  let t: TestApp;
  let f: ConsentFixture;

  beforeAll(async () => {
    t = await bootApp({ env: { LETHE_WEBHOOK_BACKOFF_MS: '200', LETHE_WEBHOOK_MAX_ATTEMPTS: '3' } });
    f = await consentFixture(t);
  });
  afterAll(() => t.close());

  const subscribe = async (url: string, purposes = [f.purpose]) => {
    const response = await t.http.post('/v1/webhooks').set(...bearer(t.adminKey)).send({ url, purposes });
    expect(response.status).toBe(201);
    expect(response.body.secret).toMatch(/^whsec_/);
    return response.body as { id: string; secret: string };
  };

  it('delivers a signed event to a real HTTP server, retrying after a 500', async () => {
    const server = await subscriber([500, 200]);
    try {
      const hook = await subscribe(server.url);
      const event = consentEvent(f.purpose);
      const recorded = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(event);
      await eventually(async () => server.received.length >= 2, 30_000);
      const [first, second] = server.received as [Received, Received];
      expect(second.body).toBe(first.body);
      expect(second.headers['lethe-event-id']).toBe(recorded.body.id);
      const signature = second.headers['lethe-signature'] as string;
      expect(verifyWebhook(hook.secret, signature, second.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifyWebhook('whsec_wrong', signature, second.body, Math.floor(Date.now() / 1000))).toBe(false);
      expect(JSON.parse(second.body)).toMatchObject({
        type: 'consent.granted',
        data: { eventId: recorded.body.id, subjectId: event.subjectId, purpose: f.purpose, action: 'granted' },
      });
      const [delivery] = await eventually(async () => {
        const rows = await t.dataSource.query(`SELECT status, attempts FROM webhook_delivery WHERE event_id = $1`, [recorded.body.id]);
        return rows[0]?.status === 'delivered' ? rows : undefined;
      });
      expect(delivery).toEqual({ status: 'delivered', attempts: 2 });
    } finally {
      await server.close();
    }
  });

  it('dead-letters after the last retry, and an admin can re-drive it', async () => {
    const server = await subscriber([503, 503, 503, 200]);
    try {
      const hook = await subscribe(server.url);
      const recorded = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose, { action: 'withdrawn' }));
      const dead = await eventually(async () => {
        const dead = await allPages<{ id: string; eventId: string; subscriptionId: string }>(t, '/v1/webhooks/dead-letters?limit=200', t.adminKey);
        return dead.find((d) => d.eventId === recorded.body.id && d.subscriptionId === hook.id);
      }, 30_000);
      expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastStatus: 503, lastError: 'HTTP 503', eventType: 'consent.withdrawn' });
      const deadLetters = await metricValue(t, 'lethe_webhook_dead_letters');
      expect(deadLetters).toBeGreaterThanOrEqual(1);
      const redriven = await t.http.post(`/v1/webhooks/deliveries/${dead.id}/redrive`).set(...bearer(t.adminKey));
      expect(redriven.status).toBe(200);
      await eventually(async () => {
        const [row] = await t.dataSource.query('SELECT status FROM webhook_delivery WHERE id = $1', [dead.id]);
        return row.status === 'delivered';
      }, 30_000);
      expect(server.received).toHaveLength(4);
      expect(await metricValue(t, 'lethe_webhook_dead_letters')).toBe(deadLetters! - 1);
      const audit = await t.http.get(`/v1/audit-events?targetId=${dead.id}`).set(...bearer(t.adminKey));
      expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['webhook.delivery_dead', 'webhook.delivery_redriven']);
      expect((await t.http.post(`/v1/webhooks/deliveries/${dead.id}/redrive`).set(...bearer(t.adminKey))).status).toBe(409);
    } finally {
      await server.close();
    }
  });

  it('refuses to re-drive a dead delivery whose subscription was removed: 409 subscription_inactive, nothing re-queued', async () => {
    const server = await subscriber([503]);
    try {
      const hook = await subscribe(server.url);
      const recorded = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose, { action: 'withdrawn' }));
      const dead = await eventually(async () => {
        const dead = await allPages<{ id: string; eventId: string; subscriptionId: string }>(t, '/v1/webhooks/dead-letters?limit=200', t.adminKey);
        return dead.find((d) => d.eventId === recorded.body.id && d.subscriptionId === hook.id);
      }, 30_000);
      expect((await t.http.delete(`/v1/webhooks/${hook.id}`).set(...bearer(t.adminKey))).status).toBe(204);
      const refused = await t.http.post(`/v1/webhooks/deliveries/${dead.id}/redrive`).set(...bearer(t.adminKey));
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: 'urn:lethe:problem:subscription_inactive', detail: expect.stringMatching(/disabled or deleted/) });
      const [row] = await t.dataSource.query('SELECT status FROM webhook_delivery WHERE id = $1', [dead.id]);
      expect(row.status).toBe('dead');
      const audit = await t.http.get(`/v1/audit-events?targetId=${dead.id}`).set(...bearer(t.adminKey));
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['webhook.delivery_dead']);
    } finally {
      await server.close();
    }
  });

  it('does not deliver events of other purposes, and stops when the subscription is removed', async () => {
    const server = await subscriber([200]);
    try {
      const hook = await subscribe(server.url);
      const other = await consentFixture(t);
      const elsewhere = await t.http.post('/v1/consent-events').set(...bearer(other.iam)).send(consentEvent(other.purpose));
      expect((await t.http.delete(`/v1/webhooks/${hook.id}`).set(...bearer(t.adminKey))).status).toBe(204);
      const after = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose));
      // These two events dispatched (on a shared server database other suites' rows may still wait).
      const ids = [elsewhere.body.id as string, after.body.id as string];
      await eventually(async () => Number((await t.dataSource.query('SELECT count(*)::int AS n FROM consent_outbox WHERE event_id = ANY($1::uuid[])', [ids]))[0].n) === 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(server.received).toHaveLength(0);
      const list = await t.http.get('/v1/webhooks').set(...bearer(t.adminKey));
      expect(list.body.items.find((w: { id: string }) => w.id === hook.id)).toMatchObject({ active: false });
      expect(JSON.stringify(list.body)).not.toContain('whsec_');
    } finally {
      await server.close();
    }
  });

  it('stores the signing secret sealed, never in clear', async () => {
    const hook = await subscribe('http://127.0.0.1:9/unused');
    const [row] = await t.dataSource.query('SELECT secret_sealed FROM webhook_subscription WHERE id = $1', [hook.id]);
    expect(row.secret_sealed).not.toContain(hook.secret);
    await t.http.delete(`/v1/webhooks/${hook.id}`).set(...bearer(t.adminKey));
  });

  it('refuses a non-URL, naming the field', async () => {
    const response = await t.http.post('/v1/webhooks').set(...bearer(t.adminKey)).send({ url: 'ftp://x' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['url']);
  });
});
