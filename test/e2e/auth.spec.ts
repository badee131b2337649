import { FixedClock } from '../../src/common/clock.js';
import { allPages, bearer, bootApp, createKey, TestApp } from '../factories/app.js';

describe('API keys and roles', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    t = await bootApp({ clock });
  });
  afterAll(() => t.close());

  it('refuses a request without a key: 401 problem+json with a Bearer challenge', async () => {
    const response = await t.http.get('/v1/api-keys');
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.body).toMatchObject({ status: 401, type: 'urn:lethe:problem:unauthorized' });
  });

  it('refuses an unknown key and a malformed header', async () => {
    expect((await t.http.get('/v1/api-keys').set(...bearer('lth_not-a-real-key'))).status).toBe(401);
    expect((await t.http.get('/v1/api-keys').set('Authorization', 'Basic abc')).status).toBe(401);
  });

  it('refuses a key without the route’s role: 403', async () => {
    const auditor = await createKey(t, ['auditor']);
    const response = await t.http.get('/v1/api-keys').set(...bearer(auditor.key));
    expect(response.status).toBe(403);
    expect(response.body.detail).toContain('admin');
    // …while the same key may read the audit trail.
    expect((await t.http.get('/v1/audit-events').set(...bearer(auditor.key))).status).toBe(200);
  });

  it('a key may hold several roles', async () => {
    const both = await createKey(t, ['auditor', 'admin']);
    expect((await t.http.get('/v1/api-keys').set(...bearer(both.key))).status).toBe(200);
    expect((await t.http.get('/v1/audit-events').set(...bearer(both.key))).status).toBe(200);
  });

  it('shows the secret once, stores only its hash, and audits the creation', async () => {
    const created = await createKey(t, ['iam']);
    expect(created.key).toMatch(/^lth_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.dataSource.query('SELECT secret_hash, prefix FROM api_key WHERE id = $1', [created.id]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain(created.key);
    const keys = await allPages<{ id: string }>(t, '/v1/api-keys?limit=200', t.adminKey);
    expect(JSON.stringify(keys)).not.toContain(created.key);
    expect(keys.find((k) => k.id === created.id)).toMatchObject({ roles: ['iam'], active: true, prefix: row.prefix });
    const audit = await t.http.get(`/v1/audit-events?targetId=${created.id}`).set(...bearer(t.adminKey));
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'api_key.created', targetType: 'api_key', details: { roles: ['iam'], expiresAt: null } })]);
  });

  it('a revoked key stops working at once, and the revocation is audited', async () => {
    const created = await createKey(t, ['auditor']);
    expect((await t.http.get('/v1/audit-events').set(...bearer(created.key))).status).toBe(200);
    expect((await t.http.delete(`/v1/api-keys/${created.id}`).set(...bearer(t.adminKey))).status).toBe(204);
    expect((await t.http.get('/v1/audit-events').set(...bearer(created.key))).status).toBe(401);
    const audit = await t.http.get(`/v1/audit-events?targetId=${created.id}&action=api_key.revoked`).set(...bearer(t.adminKey));
    expect(audit.body.items).toHaveLength(1);
  });

  it('an expired key stops working when the clock passes its expiry', async () => {
    const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const created = await createKey(t, ['auditor'], { expiresAt });
    expect((await t.http.get('/v1/audit-events').set(...bearer(created.key))).status).toBe(200);
    clock.advance(3_600_001);
    try {
      expect((await t.http.get('/v1/audit-events').set(...bearer(created.key))).status).toBe(401);
    } finally {
      clock.advance(-3_600_001);
    }
  });

  it('refuses an expiry in the past, naming the field', async () => {
    const response = await t.http
      .post('/v1/api-keys')
      .set(...bearer(t.adminKey))
      .send({ name: 'x', roles: ['iam'], expiresAt: '2001-01-01T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'expiresAt', message: 'expiresAt must be in the future' }]);
  });

  it('will not revoke the last active admin key', async () => {
    const admins = (await allPages<{ id: string; prefix: string; roles: string[] }>(t, '/v1/api-keys?limit=200', t.adminKey)).filter((k) => k.roles.includes('admin'));
    // Revoke every admin key but this suite's own, then try that one.
    const own = admins.find((k) => t.adminKey.startsWith(k.prefix))!;
    for (const key of admins) {
      if (key.id !== own.id) expect((await t.http.delete(`/v1/api-keys/${key.id}`).set(...bearer(t.adminKey))).status).toBe(204);
    }
    const response = await t.http.delete(`/v1/api-keys/${own.id}`).set(...bearer(t.adminKey));
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('urn:lethe:problem:last_admin_key');
    expect((await t.http.get('/v1/api-keys').set(...bearer(t.adminKey))).status).toBe(200);
  });

  it('answers 404 for an unknown key id and 400 for a malformed one', async () => {
    expect((await t.http.delete('/v1/api-keys/4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2').set(...bearer(t.adminKey))).status).toBe(404);
    const bad = await t.http.delete('/v1/api-keys/not-a-uuid').set(...bearer(t.adminKey));
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
  });

  it('pages the key list by cursor without repeats', async () => {
    for (let i = 0; i < 3; i++) await createKey(t, ['iam']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http
        .get(`/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(...bearer(t.adminKey));
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((k: { id: string }) => k.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
