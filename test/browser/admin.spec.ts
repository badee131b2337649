import { bearer, eventually } from '../factories/app.js';
import { consentEvent, consentFixture, type ConsentFixture } from '../factories/consent.js';
import { axeScan, type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, type Page, PHONE, screenshot, signInWithKey, startLethe } from './harness.js';

// Secrets in the data-store configuration that no page may ever show.
const HTTP_SECRET = 'crm-shared-secret-0123456789abcdef-never-shown';
const PG_PASSWORD = 'pg-Pa55word-never-shown';
const STORES = [
  {
    id: 'shop',
    label: 'Online shop',
    type: 'postgres',
    url: `postgres://lethe:${PG_PASSWORD}@shop-db.internal:5432/shop`,
    tables: [
      {
        name: 'customers',
        identity: { column: 'email', matches: 'email' },
        columns: { email: { categories: ['contact.email'] }, health_notes: { categories: ['special.health'], anonymise: 'null' } },
        erasure: { action: 'anonymise' },
      },
    ],
  },
  { id: 'crm', label: 'Customer relations', type: 'http', baseUrl: 'http://crm.internal:8080/lethe', secret: HTTP_SECRET, capabilities: ['export', 'erase'], categories: ['contact.phone'] },
];
// Nothing listens on the discard port: every delivery fails at once, and with one attempt it is dead.
const DEAD_URL = 'http://127.0.0.1:9/hook';

describeBrowser('console: administration pages', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let f: ConsentFixture;

  beforeAll(async () => {
    t = await startLethe({ ownDatabase: true, env: { LETHE_DATA_STORES: JSON.stringify(STORES), LETHE_WEBHOOK_MAX_ATTEMPTS: '1', LETHE_WEBHOOK_BACKOFF_MS: '50' } });
    browser = await launchChromium();
    f = await consentFixture(t);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const callApi = (path: string, key: string) => fetch(`${t.baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });

  it('creates a key whose secret is shown once, lists it, and revokes it after a confirmation step', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await nav(page, 'API keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    // The key this session signed in with cannot be revoked from here.
    const mine = page.getByRole('row').filter({ hasText: 'You are signed in with this key' });
    await mine.waitFor();
    expect(await mine.getByRole('cell').first().textContent()).toContain('bootstrap admin (LETHE_ADMIN_API_KEY)');
    expect(await mine.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-keys');

    await page.getByLabel('Name (required)').fill('ci-bot');
    await page.getByLabel('IAM system').check();
    await page.getByLabel('Auditor').check();
    await page.getByRole('button', { name: 'Create the key' }).click();
    const box = page.getByRole('region', { name: 'New key “ci-bot”' });
    await box.waitFor();
    await box.getByText('This secret will not be shown again', { exact: false }).waitFor();
    const secret = (await box.getByText(/^lth_/).textContent())!;
    expect(secret).toMatch(/^lth_[A-Za-z0-9_-]{30,}$/);
    await box.getByRole('button', { name: 'Copy the secret' }).click();
    await box.getByText('Copied to the clipboard').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-keys-created');
    expect((await callApi('/v1/purposes', secret)).status).toBe(200);

    // Leave and come back: the secret is gone, the key is listed.
    await nav(page, 'Webhooks');
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await nav(page, 'API keys');
    const row = page.getByRole('row', { name: /ci-bot/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Auditor, IAM system');
    expect(await page.getByText(secret).count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await page.getByText('Revoke “ci-bot”?').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-keys-confirm');
    // Cancel changes nothing; the second time it is revoked.
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await callApi('/v1/purposes', secret)).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await page.getByRole('button', { name: 'Yes, revoke the key' }).click();
    await page.getByRole('status').filter({ hasText: 'Key “ci-bot” is revoked.' }).waitFor();
    expect((await callApi('/v1/purposes', secret)).status).toBe(401);
    expect(await page.getByRole('row', { name: /ci-bot/ }).count()).toBe(0);
    await page.getByLabel('Also show revoked and expired keys').check();
    await page.getByRole('row', { name: /ci-bot/ }).getByText(/^Revoked /).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists webhook subscribers, re-drives a dead delivery, and shows a new signing secret once', async () => {
    const created = await t.http.post('/v1/webhooks').set(...bearer(t.adminKey)).send({ url: DEAD_URL, description: 'Broken CRM hook', purposes: [f.purpose] });
    expect(created.status).toBe(201);
    const event = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose, { action: 'withdrawn' }));
    expect(event.status).toBe(201);
    await eventually(async () => {
      const page = await t.http.get('/v1/webhooks/dead-letters?limit=200').set(...bearer(t.adminKey));
      return page.body.items.some((d: { eventId: string }) => d.eventId === event.body.id);
    }, 30_000);

    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await nav(page, 'Webhooks');
    await page.getByRole('row', { name: /Broken CRM hook/ }).getByText('Active').waitFor();
    const dead = page.getByRole('row', { name: new RegExp(event.body.id as string) });
    await dead.getByText('Consent withdrawn').waitFor();
    expect(await dead.textContent()).toContain(DEAD_URL);
    expect(await dead.textContent()).toContain('network error');
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-webhooks');

    await dead.getByRole('button', { name: /^Try again/ }).click();
    await page.getByText(`The delivery of event ${event.body.id} is queued again with a fresh set of retries (now: waiting to be sent).`).waitFor();

    await page.getByLabel('Address (URL)').fill('https://erp.example.com/hooks/lethe');
    await page.getByLabel('Description').fill('ERP consent mirror');
    await page.getByLabel('Consent withdrawn').uncheck();
    await page.getByLabel(`Marketing emails (${f.purpose})`).check();
    await page.getByRole('button', { name: 'Add the subscriber' }).click();
    const box = page.getByRole('region', { name: 'Signing secret for https://erp.example.com/hooks/lethe' });
    const secret = (await box.getByText(/^whsec_/).textContent())!;
    await box.getByText('This secret will not be shown again', { exact: false }).waitFor();
    await box.getByRole('button', { name: 'Copy the secret' }).waitFor();
    const row = page.getByRole('row', { name: /ERP consent mirror/ });
    expect(await row.textContent()).toContain('Consent given');
    expect(await row.textContent()).not.toContain('Consent withdrawn');
    expect(await row.textContent()).toContain(f.purpose);
    await screenshot(page, 'admin-webhooks-created');
    await box.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    await row.getByRole('button', { name: /^Stop/ }).click();
    await page.getByRole('button', { name: 'Yes, stop it' }).click();
    await page.getByText('Lethe no longer sends events to https://erp.example.com/hooks/lethe.').waitFor();
    await page.getByRole('row', { name: /ERP consent mirror/ }).getByText('Stopped').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('adds a purpose, publishes a notice version, changes the purpose and loads a template', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await nav(page, 'Purposes and notices');
    await page.getByRole('heading', { level: 1, name: 'Purposes and notices' }).waitFor();
    await page.getByRole('row', { name: new RegExp(f.purpose) }).getByText('Consent (Art 6(1)(a))').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-purposes');

    await page.getByRole('button', { name: 'Add a purpose' }).click();
    await page.getByLabel('Key (required)').fill('newsletter');
    await page.getByLabel('Title (required)').fill('Monthly newsletter');
    await page.getByLabel('Description (required)').fill('A monthly email with product news.');
    await page.getByLabel('Lawful basis (Art 6(1))').selectOption({ label: 'Consent (Art 6(1)(a))' });
    await page.getByLabel('Email address', { exact: true }).check();
    await page.getByLabel('Name', { exact: true }).check();
    await page.getByLabel('Retention (required)').fill('P2Y');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add the purpose' }).click();
    await page.getByRole('heading', { level: 1, name: 'Purpose: Monthly newsletter' }).waitFor();
    await page.getByText('Purpose “Monthly newsletter” added.').waitFor();
    await page.getByText('No notice published yet.', { exact: false }).waitFor();

    await page.getByLabel('Version (required)').fill('2026-01');
    await page.getByLabel('Notice text').fill('We email you product news once a month. Stop at any time.');
    await page.getByRole('button', { name: 'Publish this version' }).click();
    await page.getByText('Notice version 2026-01 published.').waitFor();
    await page.getByRole('row', { name: /2026-01/ }).getByText('In force').waitFor();
    const stored = await (await callApi('/v1/purposes/newsletter', t.adminKey)).json();
    expect(stored).toMatchObject({ key: 'newsletter', lawfulBasis: 'consent', dataCategories: ['contact.email', 'identity.name'], currentNoticeVersion: '2026-01' });

    await page.getByLabel('Retention (required)').fill('Until consent is withdrawn');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes to “Monthly newsletter” saved.').waitFor();
    expect(await (await callApi('/v1/purposes/newsletter', t.adminKey)).json()).toMatchObject({ retention: 'Until consent is withdrawn' });
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-purpose-detail');

    await page.getByRole('link', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Use this template Keeping accounts and services secure' }).click();
    await page.getByLabel('Key for the new purpose').fill('security-logs');
    await page.getByRole('button', { name: 'Add the purpose' }).click();
    await page.getByRole('heading', { level: 1, name: 'Purpose: Keeping accounts and services secure' }).waitFor();
    expect(await (await callApi('/v1/purposes/security-logs', t.adminKey)).json()).toMatchObject({ lawfulBasis: 'legitimate_interests' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the taxonomy with special categories in words, adds and changes a category', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await nav(page, 'Data categories');
    await page.getByRole('row', { name: /special\.health/ }).getByText('Special category (Art 9 or 10)').waitFor();
    await page.getByRole('row', { name: /contact\.email/ }).getByText('Ordinary personal data').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-taxonomy');

    await page.getByLabel('Key (required)').fill('loyalty.tier');
    await page.getByLabel('Title (required)').fill('Loyalty tier');
    await page.getByRole('button', { name: 'Add the category' }).click();
    await page.getByText('Category “loyalty.tier” added.').waitFor();
    await page.getByRole('button', { name: 'Change loyalty.tier' }).click();
    const form = page.getByRole('row', { name: /Change “loyalty\.tier”/ });
    await form.getByLabel('Title (required)').fill('Loyalty programme tier');
    await form.getByLabel('Special category').check();
    expect(await axeScan(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Category “loyalty.tier” saved.').waitFor();
    await page.getByRole('row', { name: /loyalty\.tier/ }).getByText('Special category (Art 9 or 10)').waitFor();
    const stored = (await (await callApi('/v1/register/data-categories?limit=200', t.adminKey)).json()) as { items: Array<{ key: string }> };
    expect(stored.items.find((c) => c.key === 'loyalty.tier')).toMatchObject({ title: 'Loyalty programme tier', special: true });
    expect(problems).toEqual([]);
    await context.close();

    // An auditor reads the taxonomy but is offered no change.
    const auditor = await openContext(browser, t.baseUrl);
    await signInWithKey(auditor.page, t.baseUrl, f.auditor);
    await nav(auditor.page, 'Data categories');
    await auditor.page.getByText('Your roles let you read the taxonomy; administrators and counsel change it.').waitFor();
    await auditor.page.getByRole('row', { name: /loyalty\.tier/ }).waitFor();
    expect(await auditor.page.getByRole('button', { name: /^Change/ }).count()).toBe(0);
    expect(await auditor.page.getByRole('button', { name: 'Add the category' }).count()).toBe(0);
    expect(auditor.problems).toEqual([]);
    await auditor.context.close();
  });

  it('describes the configured data stores in words and never shows their secrets', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await nav(page, 'Data stores');
    const shop = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Online shop' }) });
    await shop.getByText('PostgreSQL database').waitFor();
    await shop.getByText('Health (special category)', { exact: false }).waitFor();
    await shop.getByText('customers: rows anonymised on erasure').waitFor();
    const crm = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Customer relations' }) });
    await crm.getByText('HTTP service (Lethe’s store protocol)').waitFor();
    await crm.getByText('Export a copy (Art 15, 20)').waitFor();
    expect(await crm.getByText('Erase (Art 17)').count()).toBe(1);
    expect(await crm.getByText('Correct (Art 16)').count()).toBe(0);
    const html = await page.content();
    for (const secret of [HTTP_SECRET, PG_PASSWORD, 'shop-db.internal', 'crm.internal']) expect(html).not.toContain(secret);
    const json = await (await callApi('/v1/data-stores', t.adminKey)).text();
    for (const secret of [HTTP_SECRET, PG_PASSWORD, 'shop-db.internal', 'crm.internal']) expect(json).not.toContain(secret);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'admin-data-stores');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works on a phone', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    for (const [path, heading, name] of [
      ['keys', 'API keys', 'keys'],
      ['webhooks', 'Webhooks', 'webhooks'],
      ['purposes', 'Purposes and notices', 'purposes'],
      [`purposes?purpose=${f.purpose}`, 'Purpose: Marketing emails', 'purpose-detail'],
      ['taxonomy', 'Data categories', 'taxonomy'],
      ['data-stores', 'Data stores', 'data-stores'],
    ] as const) {
      await page.goto(`${t.baseUrl}/console/${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByText('Loading…').first().waitFor({ state: 'detached' });
      expect(await axeScan(page)).toEqual([]);
      await screenshot(page, `admin-${name}-phone`);
      // No sideways scrolling of the page itself (wide tables scroll inside their own frame).
      expect([name, await page.evaluate('document.documentElement.scrollWidth')]).toEqual([name, PHONE.width]);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
