import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../src/common/audit/audit.service.js';
import { FixedClock } from '../../src/common/clock.js';
import { bearer, createKey } from '../factories/app.js';
import { consentEvent, createPurpose, publishNotice } from '../factories/consent.js';
import { axeScan, type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, type Page, PHONE, screenshot, signInWithKey, startLethe } from './harness.js';

/**
 * The auditor's pages, driven as an auditor would: the Art 30 register (as of a day, a version diff),
 * subprocessors and notices, the audit trail (filters, "Verify chain"), the consent chart with its
 * table and CSV, and the evidence pack for a chosen period.
 */
describeBrowser('console: auditor pages', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let auditor: string;
  let counsel: string;
  const clock = new FixedClock('2026-10-05T09:00:00Z');
  const tag = randomUUID().slice(0, 6);
  const purpose = `news-${tag}`;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  const newsletter = (overrides: Record<string, unknown> = {}) => ({
    kind: 'activity',
    name: `Newsletter ${tag}`,
    status: 'active',
    controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com', address: '1 Example Street, Dublin' },
    purposes: [{ purpose, lawfulBasis: 'consent' }],
    dataSubjectCategories: ['customers'],
    dataCategories: ['contact.email'],
    recipients: [],
    transfers: [],
    retention: [{ dataCategory: 'contact.email', duration: 'P2Y', trigger: 'last opened email' }],
    securityMeasures: 'Encryption at rest',
    automatedDecisionMaking: { exists: false },
    ...overrides,
  });

  beforeAll(async () => {
    t = await startLethe({ clock, ownDatabase: true });
    browser = await launchChromium();
    counsel = (await createKey(t, ['counsel'])).key;
    auditor = (await createKey(t, ['auditor'])).key;
    const iam = (await createKey(t, ['iam'])).key;
    await createPurpose(t, counsel, purpose);
    await publishNotice(t, counsel, purpose, 'v1', '2020-01-01T00:00:00Z');

    // The register: version 1 in October, version 2 in November; and a draft with gaps.
    const created = await t.http.post('/v1/register/records').set(...bearer(counsel)).send(newsletter());
    expect(created.status).toBe(201);
    clock.set('2026-11-10T09:00:00Z');
    const updated = await t.http
      .put(`/v1/register/records/${created.body.id}`)
      .set(...bearer(counsel))
      .send(newsletter({ recipients: [{ type: 'processor', name: 'MailCo Ltd' }], securityMeasures: 'Encryption at rest and in transit; SSO with MFA' }));
    expect(updated.body.version).toBe(2);
    const draft = await t.http.post('/v1/register/records').set(...bearer(counsel)).send({ kind: 'activity', name: `Support desk ${tag}`, status: 'draft', dataCategories: ['contact.email'] });
    expect(draft.status).toBe(201);

    // From here on, Lethe's clock is the browser's.
    clock.set(new Date());
    const proposed = await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send({
      name: `MailCo ${tag}`,
      legalEntity: 'MailCo Inc., Delaware',
      service: 'Transactional email delivery',
      processingCountries: ['US'],
      dataCategories: ['contact.email'],
      transferMechanism: 'sccs',
      riskRating: 'medium',
      dpaSignedOn: '2026-01-15',
      nextReviewOn: '2027-01-15',
    });
    expect(proposed.status).toBe(201);
    const objection = await t.http
      .post(`/v1/subprocessor-notices/${proposed.body.notice.id}/objections`)
      .set(...bearer(counsel))
      .send({ customer: 'Acme Corp', reason: 'Data must stay in the EEA' });
    expect(objection.status).toBe(201);

    // A person who signed in with the identity provider, and something they did: the trail names them.
    await t.dataSource.query(
      `INSERT INTO console_user (sub, display_name, roles, first_sign_in_at, last_sign_in_at) VALUES ($1, 'Jane Doe', $2, now(), now())`,
      [`jane-${tag}`, ['counsel']],
    );
    const audit = t.app.get(AuditService);
    await t.dataSource.transaction((m) =>
      audit.record(m, { kind: 'user', sub: `jane-${tag}`, sessionId: randomUUID(), roles: new Set(['counsel']), email: null }, { action: 'register.record_viewed', targetType: 'register_record', targetId: created.body.id }),
    );

    // Consents: three days of grants and a withdrawal.
    const events: Array<[number, 'granted' | 'withdrawn']> = [
      [-3, 'granted'],
      [-3, 'granted'],
      [-3, 'granted'],
      [-2, 'granted'],
      [-2, 'withdrawn'],
      [-1, 'granted'],
    ];
    for (const [offset, action] of events) {
      const response = await t.http
        .post('/v1/consent-events')
        .set(...bearer(iam))
        .send(consentEvent(purpose, { action, occurredAt: `${day(offset)}T10:00:00Z` }));
      expect(response.status).toBe(201);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function visit(page: Page, path: string, heading: string) {
    await page.goto(`${t.baseUrl}/console${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  it('reads the register as of a day, with a version diff, and offers its export', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await visit(page, '/register', 'Register of processing activities (Art 30)');
    const records = page.getByRole('table', { name: 'Register records, by name' });
    await records.getByRole('link', { name: `Newsletter ${tag}` }).waitFor();
    // What is missing, in words.
    const gaps = page.getByRole('region', { name: 'What is missing' });
    await gaps.getByText('Security measures (Art 30(1)(g))').first().waitFor();
    await gaps.getByText('How long contact.email is kept (Art 30(1)(f))').first().waitFor();
    await page.getByRole('button', { name: 'Register as CSV' }).waitFor();

    // A record: its versions and what changed from 1 to 2.
    await records.getByRole('link', { name: `Newsletter ${tag}` }).click();
    const record = page.getByRole('region', { name: `Record: Newsletter ${tag}` });
    await record.getByText('Version 2, current').waitFor();
    await record.getByRole('table', { name: `Versions of Newsletter ${tag}, oldest first` }).waitFor();
    const diff = record.getByRole('table', { name: 'What changed from version 1 to version 2' });
    await diff.getByRole('rowheader', { name: 'Security measures' }).waitFor();
    expect(await diff.getByRole('row').filter({ hasText: 'Security measures' }).textContent()).toContain('Encryption at rest and in transit; SSO with MFA');
    await diff.getByRole('rowheader', { name: 'Recipients' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-register');

    // As of 20 October: version 1, and the draft did not exist yet.
    await page.getByLabel('As of the end of').fill('2026-10-20');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText('Showing the register as it stood at the end of 20 Oct 2026 (UTC).').waitFor();
    await record.getByText('Version 1, as it stood at the end of 20 Oct 2026 (UTC)').waitFor();
    expect(await record.getByRole('definition').filter({ hasText: 'Encryption at rest' }).first().textContent()).toBe('Encryption at rest');
    const then = page.getByRole('table', { name: 'Register records as of 20 Oct 2026, by name' });
    await then.getByRole('link', { name: `Newsletter ${tag}` }).waitFor();
    expect(await then.getByRole('link', { name: `Support desk ${tag}` }).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('asOf')).toBe('2026-10-20');
    // Fetched through the API client (a failure would be shown in words), then saved from a blob: URL.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Register as JSON' }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { asOf: string; records: Array<{ version: number; document: { name: string } }> };
    expect(exported.asOf).toBe('2026-10-20T23:59:59.999Z');
    expect(exported.records.find((r) => r.document.name === `Newsletter ${tag}`)?.version).toBe(1);
    expect(await axeScan(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows subprocessors, notices and objections, without actions for an auditor', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await visit(page, '/subprocessors', 'Subprocessors and change notices');
    const inventory = page.getByRole('table', { name: 'Subprocessors, by name' });
    const row = inventory.getByRole('row').filter({ hasText: `MailCo ${tag}` });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Transactional email delivery.*US.*Standard contractual clauses.*Medium risk.*Proposed/);
    expect(await page.getByRole('button', { name: /Offboard|Activate/ }).count()).toBe(0);
    const notice = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Notice: MailCo ${tag}` }) });
    await notice.getByText('Objection window open').waitFor();
    await notice.getByText('Data must stay in the EEA').waitFor();
    expect(await page.getByRole('button', { name: 'Record the objection' }).count()).toBe(0);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-subprocessors');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets an admin record an objection and activate early with a reason', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, t.adminKey);
    await visit(page, '/subprocessors', 'Subprocessors and change notices');
    const notice = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Notice: MailCo ${tag}` }) });
    await notice.getByLabel('Customer').fill('Globex');
    await notice.getByLabel('Their reason').fill('Needs a new DPA first');
    await notice.getByRole('button', { name: 'Record the objection' }).click();
    await notice.getByText('The objection of Globex is recorded.').waitFor();
    await notice.getByText('Needs a new DPA first').waitFor();

    // The window is open: activating needs a reason, and a short one is refused in words.
    expect(await page.getByRole('button', { name: `Activate MailCo ${tag}`, exact: true }).count()).toBe(0);
    const early = page.getByRole('group', { name: `Activate MailCo ${tag} before the window ends` });
    await early.getByLabel('Reason (kept in the audit trail)').fill('Too short');
    await early.getByRole('button', { name: 'Activate now' }).click();
    await early.getByText('reason must be longer than or equal to 10 characters').first().waitFor();
    await early.getByLabel('Reason (kept in the audit trail)').fill('Security incident at the current provider: switching now');
    await early.getByRole('button', { name: 'Activate now' }).click();
    await page.getByText(`MailCo ${tag} is now active.`).waitFor();
    await page.getByRole('table', { name: 'Subprocessors, by name' }).getByRole('row').filter({ hasText: `MailCo ${tag}` }).getByText('Active', { exact: true }).waitFor();
    await notice.getByText('Activated early').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-subprocessors-admin');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('filters the audit trail (filters in the address bar) and verifies the chain', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await visit(page, '/audit', 'Audit trail');
    await page.getByRole('table', { name: 'Audit entries, newest first' }).waitFor();

    await page.getByLabel('Action').fill('register.record_updated');
    await page.getByLabel('Target type').fill('register_record');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const filtered = page.getByRole('table', { name: 'Audit entries matching the filters, newest first' });
    await filtered.waitFor();
    await page.getByText('1 entry shown.').waitFor();
    expect(await filtered.getByRole('row').nth(1).textContent()).toContain('register.record_updated');
    expect(new URL(page.url()).search).toBe('?action=register.record_updated&targetType=register_record');

    // Dates: nothing before the seeded November update falls in October.
    await page.getByLabel('From (day)').fill('2026-10-01');
    await page.getByLabel('To (day, included)').fill('2026-10-31');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No entries match.').waitFor();
    await page.getByLabel('To (day, included)').fill('2026-09-01');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('The last day must be on or after the first day.').waitFor();

    // A signed-in person's entries carry their name, not their identity provider's id.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    // The form is rebuilt from the address once it changes: type into the new one.
    await page.waitForURL((url) => url.search === '');
    await page.getByRole('table', { name: 'Audit entries, newest first' }).waitFor();
    await page.getByLabel('Actor').fill(`user:jane-${tag}`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('table', { name: 'Audit entries matching the filters, newest first' }).getByRole('link', { name: 'Jane Doe' }).waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('table', { name: 'Audit entries, newest first' }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByRole('status').filter({ hasText: /The chain is intact: all \d+ entries checked verify\./ }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-audit');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('charts consents per purpose with the same numbers in a table, and downloads the CSV', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await visit(page, '/consent-reports', 'Consent reports');
    await page.getByLabel('Purpose', { exact: true }).selectOption(purpose);
    await page.getByRole('button', { name: 'Show the report' }).click();
    const figure = page.getByRole('figure');
    await figure.waitFor();
    const chart = figure.getByRole('img');
    expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`^${purpose}: 5 grants and 1 withdrawal from .+\\. Most grants on one day: 3\\. Most withdrawals on one day: 1\\.$`));
    const table = page.getByRole('table', { name: /^Grants and withdrawals per day and purpose/ });
    const rows = await table.getByRole('row').allTextContents();
    expect(rows.slice(1)).toEqual([`${formatted(day(-3))}${purpose}30`, `${formatted(day(-2))}${purpose}11`, `${formatted(day(-1))}${purpose}10`]);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-consent-reports');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^consent-summary-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('date,purpose,granted,withdrawn');
    expect(csv[1]).toBe(`${day(-3)},${purpose},3,0`);

    // A period the API refuses is explained before asking it.
    await page.getByLabel('First day').fill('2026-06-01');
    await page.getByLabel('Last day').fill('2026-05-01');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await page.getByText('The last day must be on or after the first day.').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('downloads the evidence pack for a chosen period, after explaining what it holds', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, auditor);
    await visit(page, '/evidence', 'Evidence pack');
    await page.getByRole('region', { name: 'What the pack contains' }).getByText('manifest.json').waitFor();
    await page.getByLabel('First day').fill('2026-11-30');
    await page.getByLabel('Last day').fill('2026-11-01');
    await page.getByText('The last day must be on or after the first day.').waitFor();
    expect(await page.getByRole('button', { name: /^Download evidence pack/ }).count()).toBe(0);
    await page.getByLabel('First day').fill('2026-11-01');
    await page.getByLabel('Last day').fill('2026-11-30');
    const link = page.getByRole('button', { name: 'Download evidence pack, 1 Nov 2026 to 30 Nov 2026' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('evidence-pack-2026-11-01-2026-11-30.zip');
    const zip = readFileSync((await download.path())!);
    expect(zip.length).toBeGreaterThan(1000);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'auditor-evidence');

    // The download is in the audit trail, by the auditor ("you").
    await visit(page, '/audit?action=evidence_pack.downloaded', 'Audit trail');
    const entry = page.getByRole('table', { name: 'Audit entries matching the filters, newest first' }).getByRole('row').nth(1);
    expect(await entry.textContent()).toContain('(you)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works on a phone: every auditor page, axe-clean', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await signInWithKey(page, t.baseUrl, auditor);
    const pages: Array<[string, string, string, () => ReturnType<Page['getByRole']>]> = [
      ['/register', 'Register of processing activities (Art 30)', 'register', () => page.getByRole('table', { name: 'Register records, by name' })],
      ['/subprocessors', 'Subprocessors and change notices', 'subprocessors', () => page.getByRole('table', { name: 'Subprocessors, by name' })],
      ['/audit', 'Audit trail', 'audit', () => page.getByRole('table', { name: 'Audit entries, newest first' })],
      [`/consent-reports?purpose=${purpose}`, 'Consent reports', 'consent-reports', () => page.getByRole('figure')],
      ['/evidence', 'Evidence pack', 'evidence', () => page.getByRole('button', { name: /^Download evidence pack/ })],
    ];
    for (const [path, heading, name, content] of pages) {
      await visit(page, path, heading);
      await content().waitFor();
      expect([name, await axeScan(page)]).toEqual([name, []]);
      // Nothing is wider than the screen, apart from tables, which scroll in their own box.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, `auditor-${name}-phone`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** A day as the console shows it to the test's browser (en-GB). */
function formatted(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}
