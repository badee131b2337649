import { startIdentityProvider, type TestIdentityProvider } from '../factories/oidc.js';
import { axeScan, type Browser, type ConsoleApp, describeBrowser, freePort, launchChromium, openContext, screenshot, startLethe } from './harness.js';

/** Signing in through the organisation's identity provider: a real OpenID Connect provider, a real browser. */
describeBrowser('console: sign-in with OpenID Connect', () => {
  let t: ConsoleApp;
  let idp: TestIdentityProvider;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startIdentityProvider({
      redirectUri: `http://127.0.0.1:${port}/v1/session/oidc/callback`,
      accounts: {
        'alice-0001': { name: 'Alice Counsel', email: 'alice@example.com', roles: ['privacy-team'] },
        'nobody-0002': { name: 'No Role', roles: ['staff'] },
      },
    });
    t = await startLethe({ port, ownDatabase: true, env: { ...idp.env, LETHE_OIDC_ROLE_MAP: 'privacy-team=counsel', LETHE_OIDC_LABEL: 'Sign in with Example SSO' } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.close();
  });

  async function signInAt(sub: string) {
    const { context, page, problems } = await openContext(browser, t.baseUrl, undefined, [idp.issuer]);
    await page.goto(`${t.baseUrl}/console/`);
    await page.getByRole('link', { name: 'Sign in with Example SSO' }).click();
    // oidc-provider's development login form, then its consent prompt.
    await page.locator('input[name=login]').fill(sub);
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.waitForURL((url) => url.origin === t.baseUrl || /consent|interaction/.test(url.pathname));
    if (!page.url().startsWith(t.baseUrl)) {
      await page.locator('button[type=submit]').first().click();
    }
    await page.waitForURL((url) => url.origin === t.baseUrl);
    return { context, page, problems };
  }

  it('signs a counsel in through the provider, takes her from the board to a request she verifies, names her in the audit trail, and signs her out', async () => {
    // A data subject's request, filed on the public API before counsel signs in.
    const filed = await t.http.post('/v1/requests').send({ type: 'access', email: 'grace.subject@example.org', jurisdiction: 'UK' });
    expect(filed.status).toBe(202);
    const id = filed.body.id as string;

    const { context, page, problems } = await signInAt('alice-0001');
    await page.getByText('Signed in as Alice Counsel').waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByRole('heading', { level: 1, name: 'Deadline board' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'oidc-signed-in');

    // Board → the request → verified by hand, all through the page.
    await page.locator(`a[href$="/requests/${id}"]`).first().click();
    await page.waitForURL(`**/console/requests/${id}`);
    await page.getByText('grace.subject@example.org').waitFor();
    await page.getByLabel('How did you check?').selectOption('knowledge_based');
    await page.getByLabel('What you checked').fill('Answered questions about her account');
    await page.getByRole('button', { name: 'Record verification' }).click();
    await page.getByRole('status').filter({ hasText: 'Status:' }).filter({ hasNotText: 'Awaiting verification' }).waitFor();
    const trail = await t.http.get(`/v1/audit-events?targetId=${id}`).set('Authorization', `Bearer ${t.adminKey}`);
    expect(trail.body.items.filter((e: { actor: string }) => e.actor === 'user:alice-0001').map((e: { action: string }) => e.action)).toContain('request.verify');

    const audit = await t.http.get('/v1/audit-events?action=session.signed_in').set('Authorization', `Bearer ${t.adminKey}`);
    expect(audit.body.items.map((e: { actor: string }) => e.actor)).toContain('user:alice-0001');
    const users = await t.http.get('/v1/users').set('Authorization', `Bearer ${t.adminKey}`);
    expect(users.body.items).toEqual([expect.objectContaining({ actor: 'user:alice-0001', name: 'Alice Counsel', roles: ['counsel'] })]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Lethe console' }).waitFor();
    const out = await t.http.get('/v1/audit-events?action=session.signed_out').set('Authorization', `Bearer ${t.adminKey}`);
    expect(out.body.items.map((e: { actor: string }) => e.actor)).toContain('user:alice-0001');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a person without a Lethe role why they cannot sign in, without personal data in the address', async () => {
    const { context, page, problems } = await signInAt('nobody-0002');
    await page.getByRole('alert').filter({ hasText: 'no Lethe role' }).waitFor();
    // The error code is read once and removed from the address bar.
    await page.waitForURL((url) => !url.search.includes('signInError'));
    expect(page.url()).not.toMatch(/nobody|No%20Role|example\.com/);
    await screenshot(page, 'oidc-no-role');
    expect(problems).toEqual([]);
    await context.close();
  });
});
