import { bootApp, type TestApp } from '../factories/app.js';

/**
 * Behind a reverse proxy every connection comes from the proxy. LETHE_TRUST_PROXY names the proxies
 * whose X-Forwarded-For Lethe believes; the per-address limits (and the sign-in failure counter and
 * consent evidence, which read the same address) then count each client, and a client cannot choose
 * its own address. The test's connections come from 127.0.0.1 (loopback).
 */
describe('client addresses behind a reverse proxy (LETHE_TRUST_PROXY)', () => {
  let t: TestApp | undefined;
  let n = 0;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Files a public access request as the client `forwardedFor` names (or with no header); its status. */
  const file = async (app: TestApp, forwardedFor?: string) => {
    const request = app.http.post('/v1/requests');
    if (forwardedFor !== undefined) request.set('X-Forwarded-For', forwardedFor);
    return (await request.send({ type: 'access', email: `proxied${(n += 1)}@example.org`, jurisdiction: 'US-CA' })).status;
  };
  const boot = (trustProxy?: string) =>
    bootApp({ env: { LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '2', ...(trustProxy === undefined ? {} : { LETHE_TRUST_PROXY: trustProxy }) } });

  it('unset: X-Forwarded-For is not believed, so clients behind one address share its limit', async () => {
    t = await boot();
    expect([await file(t, '203.0.113.1'), await file(t, '203.0.113.2'), await file(t, '203.0.113.3')]).toEqual([202, 202, 429]);
  });

  it('set to the proxy: each client has its own limit, and a forged X-Forwarded-For does not escape it', async () => {
    t = await boot('loopback');
    expect([await file(t, '203.0.113.1'), await file(t, '203.0.113.1'), await file(t, '203.0.113.1')]).toEqual([202, 202, 429]);
    // The proxy appends the address it saw to whatever the client sent: the client is the last hop.
    expect(await file(t, '198.51.100.9, 203.0.113.1')).toBe(429);
    expect(await file(t, '203.0.113.2')).toBe(202);
    // No header (a request from the proxy's own host): the connection's address.
    expect([await file(t), await file(t), await file(t)]).toEqual([202, 202, 429]);
  });

  it('a peer that is not a listed proxy is not believed', async () => {
    t = await boot('10.0.0.0/8');
    expect([await file(t, '203.0.113.1'), await file(t, '203.0.113.2'), await file(t, '203.0.113.3')]).toEqual([202, 202, 429]);
  });
});
