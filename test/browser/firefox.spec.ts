import { createKey } from '../factories/app.js';
import { axeScan, type Browser, type ConsoleApp, describeFirefox, launchFirefox, openContext, type Page, PHONE, screenshot, signInWithKey, startLethe } from './harness.js';

/**
 * The console and the privacy center in Firefox (Debian's firefox-esr, driven over WebDriver BiDi): every console page on a phone
 * and at 1280 px, axe-scanned, and the journeys that type, choose and confirm, through the page.
 * The other suites cover the same pages in depth in Chromium.
 */
describeFirefox('console in Firefox', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let everyRole: string;

  const PAGES: ReadonlyArray<[path: string, heading: string]> = [
    ['/', 'Deadline board'],
    ['/calculator', 'Deadline calculator'],
    ['/calendar-feeds', 'Calendar feeds'],
    ['/register', 'Register of processing activities (Art 30)'],
    ['/subprocessors', 'Subprocessors and change notices'],
    ['/audit', 'Audit trail'],
    ['/consent-reports', 'Consent reports'],
    ['/evidence', 'Evidence pack'],
    ['/keys', 'API keys'],
    ['/webhooks', 'Webhooks'],
    ['/purposes', 'Purposes and notices'],
    ['/taxonomy', 'Data categories'],
    ['/data-stores', 'Data stores'],
  ];

  beforeAll(async () => {
    t = await startLethe();
    browser = await launchFirefox();
    everyRole = (await createKey(t, ['admin', 'counsel', 'auditor'])).key;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function visit(page: Page, pages: Array<[string, string]>, viewport: string) {
    for (const [path, heading] of pages) {
      await page.goto(`${t.baseUrl}/console${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect({ path, viewport, violations: await axeScan(page) }).toEqual({ path, viewport, violations: [] });
    }
  }

  // Every page on a phone (the harder layout); at 1280 px the pages with the widest tables. The
  // Chromium suites scan every page at both widths.
  it('shows every page on a phone, and the widest at 1280 px, with no serious or critical axe violation', async () => {
    for (const [viewport, pages] of [
      [PHONE, PAGES],
      [undefined, PAGES.filter(([path]) => ['/', '/audit', '/keys'].includes(path))],
    ] as const) {
      const { context, page, problems } = await openContext(browser, t.baseUrl, viewport);
      await signInWithKey(page, t.baseUrl, everyRole);
      await visit(page, [...pages], viewport ? 'phone' : 'desktop');
      await screenshot(page, `firefox-${viewport ? 'phone' : 'desktop'}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it('takes a request from the board to verified, and creates and revokes a key, by keyboard and pointer', async () => {
    const filed = await t.http.post('/v1/requests').send({ type: 'access', email: 'ada.subject@example.org', jurisdiction: 'UK' });
    expect(filed.status).toBe(202);
    const id = filed.body.id as string;
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await signInWithKey(page, t.baseUrl, everyRole);
    await page.locator(`a[href$="/requests/${id}"]`).filter({ visible: true }).first().click();
    await page.waitForURL(`**/console/requests/${id}`);
    await page.getByLabel('How did you check?').selectOption('knowledge_based');
    await page.getByLabel('What you checked').fill('Answered questions about her account');
    await page.getByRole('button', { name: 'Record verification' }).click();
    await page.getByRole('status').filter({ hasText: 'Status:' }).filter({ hasNotText: 'Awaiting verification' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'firefox-request-phone');

    await page.goto(`${t.baseUrl}/console/keys`);
    await page.getByLabel('Name').fill('firefox-bot');
    await page.getByRole('checkbox', { name: /^Auditor/ }).check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const box = page.getByRole('region', { name: /firefox-bot/ });
    expect(await box.locator('code').textContent()).toMatch(/^lth_/);
    await box.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByText('Key “firefox-bot” is ready').waitFor();
    await page.getByRole('button', { name: 'Revoke firefox-bot' }).click();
    await page.keyboard.press('Tab'); // from the question to "Yes, revoke the key"
    await page.keyboard.press('Enter');
    await page.getByText('Key “firefox-bot” is revoked').waitFor();
    expect(await axeScan(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('serves the privacy center: a request made on a phone, the follow page, every language, axe-clean', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    for (const [lang, home] of [['en', 'Your privacy at'], ['de', 'Ihr Datenschutz bei'], ['fr', 'Votre vie privée chez']] as const) {
      await page.goto(`${t.baseUrl}/privacy/?lang=${lang}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(home) }).waitFor();
      expect({ lang, violations: await axeScan(page) }).toEqual({ lang, violations: [] });
    }
    await page.goto(`${t.baseUrl}/privacy/request/erasure?lang=en`);
    await page.getByLabel('Your email address').fill('firefox.subject@example.org');
    await page.getByRole('button', { name: 'Send my request' }).click();
    await page.getByText('Waiting for you to confirm it is you').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'firefox-privacy-follow-phone');
    expect(page.url()).not.toContain('rt_');
    expect(problems).toEqual([]);
    await context.close();
  });
});
