import { createKey } from '../factories/app.js';
import { axeScan, browserStorage, type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, PHONE, screenshot, signInWithKey, startLethe } from './harness.js';

describeBrowser('console: sign-in with an API key', () => {
  let t: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startLethe();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served with a strict CSP, signs in with the admin key, keeps nothing in browser storage, and signs out for good', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    const response = await page.goto(`${t.baseUrl}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    await page.getByRole('heading', { name: 'Sign in to the Lethe console' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    await signInWithKey(page, t.baseUrl, t.adminKey);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).waitFor();
    const storage = await browserStorage(page);
    expect(storage).not.toContain(t.adminKey);
    expect(storage).not.toContain('__Host-lethe_session');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-lethe_session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Lethe console' }).waitFor();
    // The old cookie is dead on the server, not only forgotten by the browser.
    const replay = await fetch(`${t.baseUrl}/v1/session`, { headers: { cookie: `__Host-lethe_session=${session!.value}` } });
    expect(replay.status).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a wrong key in words, and works on a phone', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await page.goto(`${t.baseUrl}/console/`);
    await page.getByLabel('API key').fill('lth_not-a-real-key-0000000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('That API key is unknown, revoked or expired.');

    const { key } = await createKey(t, ['auditor']);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // An auditor lands on an auditor page, and the menu opens with the keyboard.
    await page.waitForURL(/\/console\/register/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await screenshot(page, 'phone-menu');
    expect(problems).toEqual([]);
    await context.close();
  });
});
