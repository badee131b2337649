import { type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, screenshot, startLethe } from './harness.js';

/** Swagger UI at /docs under its own CSP (security-headers.ts): it renders, expands an operation, and nothing is refused. */
describeBrowser('Swagger UI at /docs', () => {
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

  it('renders the API and an operation with no CSP violation or console error', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))");
    const response = await page.goto(`${t.baseUrl}/docs/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('heading', { name: /^Lethe/ }).waitFor();
    const probe = page.locator('.opblock-summary-path', { hasText: '/health/live' }).first();
    await probe.click();
    await page.getByRole('button', { name: 'Try it out' }).first().waitFor();
    await screenshot(page, 'docs-swagger-ui');
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
