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
    t = await startLethe({ port, env: { ...idp.env, LETHE_OIDC_ROLE_MAP: 'privacy-team=counsel', LETHE_OIDC_LABEL: 'Sign in with Example SSO' } });
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

  it('signs a counsel in through the provider, names her in the audit trail, and signs her out', async () => {
    const { context, page, problems } = await signInAt('alice-0001');
    await page.getByText('Signed in as Alice Counsel').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'oidc-signed-in');

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
