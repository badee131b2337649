import { createKey } from '../factories/app.js';
import { axeScan, type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, type Page, screenshot, signInWithKey, startLethe } from './harness.js';

/**
 * What a review found in the console, driven as people would meet it: a failed sign-out, the next
 * person at the same browser, failed downloads, secrets and focus after actions, sign-in refusals in
 * words, a person whose roles open no page, and the board's automatic refreshes.
 */
describeBrowser('console: sessions, downloads, focus and refreshes', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let auditor: string;
  let counsel: string;

  beforeAll(async () => {
    t = await startLethe({ ownDatabase: true });
    browser = await launchChromium();
    auditor = (await createKey(t, ['auditor'])).key;
    counsel = (await createKey(t, ['counsel'])).key;
    await createKey(t, ['counsel'], { name: 'quarterly-payroll-sync' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Ends the page's session on the server, outside the app (as another tab or an idle timeout would). */
  async function endSessionOnServer(page: Page): Promise<void> {
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/v1/session')).json()) as { csrfToken: string };
      return (await fetch('/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': session.csrfToken } })).status;
    });
    expect(status).toBe(204);
  }

  /** The 5xx answers this spec fakes on purpose are logged by Chromium; nothing else may be. */
  const unexpected = (problems: string[]) => problems.filter((p) => !/Failed to load resource: the server responded with a status of 50[03]/.test(p));

  const problem = (status: number, extra: Record<string, unknown> = {}) => ({
    status,
    contentType: 'application/problem+json',
    body: JSON.stringify({ type: 'about:blank', title: 'Error', status, ...extra }),
  });

  it('keeps the app when signing out fails, says so, and a deliberate sign-out does not claim the session ended', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await page.route('**/v1/session', (route) => (route.request().method() === 'DELETE' ? route.fulfill(problem(503)) : route.fallback()));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('alert').getByText('Lethe cannot reach its database just now').waitFor();
    // Still signed in: the session works on the server, so the app must not pretend otherwise.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.unroute('**/v1/session');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Lethe console' }).waitFor();
    expect(await page.getByText('Your session ended').count()).toBe(0);
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });

  it('shows the next person at the same browser nothing of the previous person’s data', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await page.goto(`${t.baseUrl}/console/keys`);
    await page.getByRole('table', { name: /API keys/ }).getByRole('cell', { name: /^quarterly-payroll-sync lth_/ }).waitFor();

    // The session ends on the server; the app finds out at its next call.
    await endSessionOnServer(page);
    await page.getByLabel('Also show revoked and expired keys').click();
    await page.getByRole('heading', { name: 'Sign in to the Lethe console' }).waitFor();
    await page.getByText('Your session ended. Please sign in again.').waitFor();

    // An auditor signs in in the same tab, still at /console/keys.
    await page.getByLabel('API key').fill(auditor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('cell', { name: /^quarterly-payroll-sync lth_/ }).count()).toBe(0);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('alert').getByText('Your roles do not allow this.').waitFor();
    expect(await page.getByRole('cell', { name: /^quarterly-payroll-sync lth_/ }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says in words when a download fails, saves the file when it works, and a 401 ends the session', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await page.goto(`${t.baseUrl}/console/evidence`);
    await page.getByLabel('First day').fill('2026-11-01');
    await page.getByLabel('Last day').fill('2026-11-30');
    const button = page.getByRole('button', { name: 'Download evidence pack, 1 Nov 2026 to 30 Nov 2026' });

    let downloads = 0;
    page.on('download', () => downloads++);
    await page.route('**/v1/evidence-pack?*', (route) => route.fulfill(problem(500, { instance: 'urn:uuid:0b7e3c1a-1111-4222-8333-444455556666' })));
    await button.click();
    await page.getByRole('alert').getByText('Quote this reference when asking for help: urn:uuid:0b7e3c1a-1111-4222-8333-444455556666').waitFor();
    expect(downloads).toBe(0);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'fixes-download-failed');

    // Working: a blob: URL followed by an <a download> is a download, which the strict CSP allows.
    await page.unroute('**/v1/evidence-pack?*');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('evidence-pack-2026-11-01-2026-11-30.zip');
    expect(await download.failure()).toBeNull();
    expect(await page.getByRole('alert').count()).toBe(0);

    // A 401 on a download ends the session like any other call.
    await endSessionOnServer(page);
    await button.click();
    await page.getByText('Your session ended. Please sign in again.').waitFor();
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });

  it('keeps keyboard focus after confirming, cancelling and storing a secret', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await page.goto(`${t.baseUrl}/console/keys`);
    await page.getByLabel('Name').fill('keyboard-bot');
    await page.getByRole('checkbox', { name: /^Auditor/ }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const box = page.getByRole('region', { name: /keyboard-bot/ });
    await box.getByRole('button', { name: 'I have stored it' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Key “keyboard-bot” is ready').waitFor();
    const active = () => page.evaluate<{ text: string; tag: string }>("({ text: document.activeElement?.textContent?.trim() ?? '', tag: document.activeElement?.tagName ?? '' })");
    expect((await active()).text).toContain('Key “keyboard-bot” is ready');

    // From here the keyboard only: Tab to the row's Revoke button.
    const revokeName = 'Revoke keyboard-bot';
    for (let i = 0; i < 80 && (await active()).text !== revokeName; i++) await page.keyboard.press('Tab');
    expect(await active()).toEqual({ text: revokeName, tag: 'BUTTON' });
    await page.keyboard.press('Enter');
    expect((await active()).text).toBe('Revoke “keyboard-bot”?');
    await page.keyboard.press('Tab'); // Yes, revoke the key
    await page.keyboard.press('Tab'); // Cancel
    expect((await active()).text).toBe('Cancel');
    await page.keyboard.press('Enter');
    expect(await active()).toEqual({ text: revokeName, tag: 'BUTTON' });

    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect((await active()).text).toBe('Yes, revoke the key');
    await page.keyboard.press('Enter');
    await page.getByText('Key “keyboard-bot” is revoked').waitFor();
    expect((await active()).text).toContain('Key “keyboard-bot” is revoked. This server refuses it now');
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'fixes-keys-focus');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says why a sign-in was refused, keeps the address’s query for single sign-on, and says so when no page opens', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await page.goto(`${t.baseUrl}/console/?signInError=rate_limited`);
    await page.getByRole('alert').getByText('Too many sign-in attempts. Please wait 15 minutes and try again.').waitFor();
    await page.goto(`${t.baseUrl}/console/?signInError=provider_unavailable`);
    await page.getByRole('alert').getByText('Your organisation’s sign-in service cannot be reached just now.', { exact: false }).waitFor();

    // Single sign-on starts from the page asked for, query included (ids and dates only).
    await page.route('**/v1/session/methods', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ apiKey: true, oidc: { label: 'Sign in with Example SSO' } }) }),
    );
    await page.goto(`${t.baseUrl}/console/register?asOf=2026-10-20&signInError=failed`);
    const sso = page.getByRole('link', { name: 'Sign in with Example SSO' });
    expect(await sso.getAttribute('href')).toBe(`/v1/session/oidc/start?returnTo=${encodeURIComponent('/console/register?asOf=2026-10-20')}`);
    await page.unroute('**/v1/session/methods');

    // A key whose roles open no console page: refused in words (403 no_console_role) …
    await page.route('**/v1/session', (route) =>
      route.request().method() === 'POST' ? route.fulfill(problem(403, { type: 'urn:lethe:problem:no_console_role', detail: 'No console role' })) : route.fallback(),
    );
    await page.goto(`${t.baseUrl}/console/`);
    await page.getByLabel('API key').fill('lth_some-iam-key-000000000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('This key’s roles (for example iam) open no console pages.', { exact: false }).waitFor();
    await page.unroute('**/v1/session');

    // … and a person signed in whose roles open none sees a page saying so, not a blank screen.
    const iam = (await createKey(t, ['iam'])).key;
    await page.getByLabel('API key').fill(iam);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No console pages for your roles' }).or(page.getByText('This key’s roles (for example iam)', { exact: false })).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'fixes-no-pages');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks the board’s automatic refreshes as background, but not its first load', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    const seen: Array<{ path: string; background: string | undefined }> = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/requests' || url.pathname === '/v1/requests/counts') seen.push({ path: url.pathname, background: request.headers()['x-lethe-background'] });
    });
    await signInWithKey(page, t.baseUrl, counsel);
    await page.getByRole('heading', { name: /board/i, level: 1 }).waitFor();
    await page.getByText(/^Updated /).waitFor();
    // Every first-load call answered: one still in flight would absorb its refresh (queries are deduplicated).
    await page.waitForLoadState('networkidle');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((r) => r.background === undefined)).toBe(true);
    const first = seen.length;
    // The window gets focus again: the board refreshes itself, as it does every minute. (Focus again
    // every 2 s until both calls were seen: on a loaded machine one focus can land while a query is
    // still settling, and TanStack Query then lets it pass. Every one of these calls is automatic.)
    const paths = () => new Set(seen.slice(first).map((r) => r.path));
    for (let i = 0; i < 150 && paths().size < 2; i++) {
      if (i % 20 === 0) await page.evaluate("window.dispatchEvent(new Event('visibilitychange'))"); // TanStack Query listens on window
      await page.waitForTimeout(100);
    }
    const refreshes = seen.slice(first);
    expect([...paths()].sort()).toEqual(['/v1/requests', '/v1/requests/counts']);
    expect(refreshes.every((r) => r.background === '1')).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
