import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { bearer, createKey, onServer } from '../factories/app.js';
import { axeScan, type Browser, type ConsoleApp, describeBrowser, launchChromium, openContext, type Page, PHONE, screenshot, signInWithKey, startLethe } from './harness.js';

/**
 * The request page, driven as counsel would: requests made through the API (as a data subject, or
 * recorded by counsel), everything after that through the console, against a real Postgres data
 * store described in LETHE_DATA_STORES.
 */
const tag = randomUUID().replace(/-/g, '').slice(0, 8);
const STEP_WAIT = 90_000;

describeBrowser('console: the request page', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let embedded: EmbeddedPostgres | undefined;
  let shop: pg.Client;
  let schema: string | undefined;
  let counsel: string;

  beforeAll(async () => {
    let url: string;
    if (onServer) {
      schema = `request_page_${tag}`;
      shop = new pg.Client(process.env.DATABASE_URL);
      await shop.connect();
      await shop.query(`CREATE SCHEMA ${schema}`);
      await shop.query(`SET search_path TO ${schema}`);
      const u = new URL(process.env.DATABASE_URL!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      url = u.toString();
    } else {
      embedded = await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
      url = embedded.url;
      shop = new pg.Client(url);
      await shop.connect();
    }
    await shop.query(`CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, name text, phone text)`);
    await shop.query(`CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), shipping_address text, total numeric(10,2))`);
    await shop.query(`CREATE TABLE invoices (id serial PRIMARY KEY, email text NOT NULL, amount numeric(10,2))`);
    t = await startLethe({
      env: {
        LETHE_STEP_BACKOFF_MS: '50',
        // Counsel reviews an access package before the requester gets it, and approves erasures and corrections.
        LETHE_APPROVAL_REQUIRED_TYPES: 'access,erasure,rectification',
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
        LETHE_DATA_STORES: JSON.stringify([
          {
            id: 'shop',
            type: 'postgres',
            url,
            tables: [
              {
                name: 'customers',
                identity: { column: 'email', matches: 'email' },
                columns: { email: { categories: ['contact.email'], anonymise: 'hash' }, name: { categories: ['identity.name'], anonymise: 'fixed', fixedValue: 'erased' }, phone: { categories: ['contact.phone'], anonymise: 'null', rectifiable: true } },
                erasure: { action: 'anonymise' },
              },
              { name: 'orders', identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' }, columns: { shipping_address: { categories: ['contact.address'] } }, erasure: { action: 'delete' } },
              {
                name: 'invoices',
                identity: { column: 'email', matches: 'email' },
                columns: { email: { categories: ['contact.email'] }, amount: { categories: ['financial.transactions'] } },
                erasure: { action: 'retain', ground: 'Art 17(3)(b): invoices are kept for tax law', retainFor: 'P7Y' },
              },
            ],
          },
        ]),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (schema) await shop?.query(`DROP SCHEMA ${schema} CASCADE`);
    await shop?.end();
    await embedded?.stop();
  });

  async function seed(): Promise<string> {
    const email = `ada.${randomUUID().slice(0, 8)}@example.org`;
    const { rows } = await shop.query(`INSERT INTO customers (email, name, phone) VALUES ($1, 'Ada Lovelace', '+44 20 0000') RETURNING id`, [email]);
    await shop.query(`INSERT INTO orders (customer_id, shipping_address, total) VALUES ($1, '1 Analytical Row', 10.5), ($1, '1 Analytical Row', 20)`, [rows[0].id]);
    await shop.query(`INSERT INTO invoices (email, amount) VALUES ($1, 30)`, [email]);
    return email;
  }

  /** A data subject's request through the public API: it waits for their identity. */
  async function asDataSubject(type: string, email: string): Promise<string> {
    const created = await t.http.post('/v1/requests').send({ type, email, jurisdiction: 'UK' });
    expect(created.status).toBe(202);
    return created.body.id as string;
  }

  const status = (page: Page) => page.getByRole('status').filter({ hasText: 'Status:' });
  async function waitForStatus(page: Page, words: string) {
    try {
      await status(page).filter({ hasText: words }).waitFor({ timeout: STEP_WAIT });
    } catch (error) {
      await screenshot(page, 'request-failure');
      throw error;
    }
  }

  async function verifyByHand(page: Page, id: string, email: string) {
    await page.goto(`${t.baseUrl}/console/requests/${id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText(email).waitFor();
    await waitForStatus(page, 'Awaiting verification');
    // The email is on the page for counsel, never in the address.
    expect(page.url()).not.toContain(email);
    await page.getByLabel('How did you check?').selectOption('knowledge_based');
    await page.getByLabel('What you checked').fill('Answered questions about their last two orders');
    await page.getByRole('button', { name: 'Record verification' }).click();
    await waitForStatus(page, 'Awaiting approval');
  }

  it('access, from verification by hand to completion: the package is built, reviewed, released, and its link shown', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, counsel);
    const email = await seed();
    const id = await asDataSubject('access', email);

    await verifyByHand(page, id, email);
    expect(await page.getByRole('heading', { name: 'Access request', level: 1 }).count()).toBe(1);
    // The clock: the jurisdiction's calendar date beside the viewer's instant, and the days left.
    const clock = page.getByRole('region', { name: 'The clock' });
    await clock.getByText(/\(UK calendar\) · ends .* your time \(Europe\/Paris\)/).waitFor();
    await clock.getByText(/\d+ days left/).waitFor();

    // The package is built while the request awaits approval: counsel reviews the manifest, then releases it.
    await page.getByRole('button', { name: 'Approve and release' }).waitFor({ timeout: STEP_WAIT });
    const files = page.getByRole('table', { name: 'Files in the package' });
    await files.getByRole('cell', { name: 'stores/shop/orders.ndjson' }).waitFor();
    const exported = page.getByRole('table', { name: 'Records exported per store and table' });
    expect(await exported.getByRole('row').filter({ hasText: 'orders' }).textContent()).toContain('2');
    const steps = page.getByRole('table', { name: 'Steps per data store' });
    await steps.getByRole('row', { name: /Build the package/ }).getByText('Done').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-access-review');

    await page.getByRole('button', { name: 'Approve and release' }).click();
    await waitForStatus(page, 'Completed');
    await page.getByText('Done. The page shows the request as it is now.').waitFor();
    await page.getByRole('button', { name: 'Show the download link' }).click();
    const link = page.getByText(new RegExp(`/v1/requests/${id}/package\\?expires=\\d+&signature=[0-9a-f]{64}`));
    await link.waitFor();
    await page.getByRole('button', { name: 'Copy the link' }).waitFor();
    // Completed: nothing is left to do but notes, and the history tells how it went.
    expect(await page.getByRole('region', { name: 'What you can do now' }).getByText('Nothing can be done to this request now.').count()).toBe(1);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Identity verified (by hand: knowledge based)').waitFor();
    await timeline.getByText('Download link 1 viewed by counsel').waitFor();
    await page.getByRole('textbox', { name: /^Note\b/ }).fill('Requester confirmed by phone that the link arrived.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('region', { name: 'Notes' }).getByText('Requester confirmed by phone that the link arrived.').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-access-completed');
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('erasure on a phone: the dry-run plan as a table, approved with confirmation, every step done, the certificate to download', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await signInWithKey(page, t.baseUrl, counsel);
    const email = await seed();
    const id = await asDataSubject('erasure', email);
    await verifyByHand(page, id, email);

    const plan = page.getByRole('table', { name: 'The erasure plan per store and table' });
    await plan.waitFor({ timeout: STEP_WAIT });
    expect(await plan.getByRole('row').filter({ hasText: 'customers' }).textContent()).toMatch(/Anonymised.*Columns: email, name, phone/);
    expect(await plan.getByRole('row').filter({ hasText: 'orders' }).textContent()).toMatch(/Deleted\s*2/);
    expect(await plan.getByRole('row').filter({ hasText: 'invoices' }).textContent()).toContain('Art 17(3)(b): invoices are kept for tax law');
    const approve = page.getByRole('button', { name: 'Approve the erasure' });
    // Irreversible: nothing happens until counsel says they understand.
    expect(await approve.isDisabled()).toBe(true);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-erasure-plan-phone');

    await page.getByRole('checkbox', { name: 'I understand that this cannot be undone' }).check();
    await approve.click();
    await waitForStatus(page, 'Completed');
    const certificate = page.getByRole('region', { name: 'Erasure certificate' });
    await certificate.waitFor({ timeout: STEP_WAIT });
    await certificate.getByRole('cell', { name: 'Erased', exact: true }).waitFor();
    const steps = page.getByRole('table', { name: 'Steps per data store' });
    for (const name of ['Dry run', 'Erase', 'Pseudonymise the consent ledger', 'Verify the erasure', 'Issue the certificate', 'Tell recipients (Art 19)']) {
      expect(await steps.getByRole('row', { name: new RegExp(name.replace(/[()]/g, '\\$&')) }).first().getByText('Done').count()).toBeGreaterThan(0);
    }
    const download = certificate.getByRole('link', { name: 'Download the certificate (HTML)' });
    const href = await download.getAttribute('href');
    expect(href).toBe(`/v1/requests/${id}/certificate`);
    // Downloaded as a person would: by the link, in the browser, with the session.
    const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(saved.suggestedFilename()).toBe(`erasure-certificate-${id}.html`);
    expect(readFileSync((await saved.path())!, 'utf8')).toContain((await certificate.getByRole('code').first().textContent()) ?? 'no hash');
    const { rows } = await shop.query(`SELECT name FROM customers WHERE email = $1`, [email]);
    expect(rows).toEqual([]);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-erasure-certificate-phone');
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('links the account to a request that names none (an authorized agent’s, an email’s): proven, in the timeline', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, counsel);
    const email = await seed();
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'erasure', email, channel: 'email', jurisdiction: 'UK' });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await page.goto(`${t.baseUrl}/console/requests/${id}`);
    await waitForStatus(page, 'Awaiting verification');
    // Not before the email is verified: the account is found by it.
    expect(await page.getByText('Link the requester’s account', { exact: true }).count()).toBe(0);
    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Replied from the account address' })).status).toBe(200);
    await page.reload();
    await waitForStatus(page, 'Awaiting approval');
    await page.getByText('Link the requester’s account', { exact: true }).click();
    await page.getByLabel('Account id at your IAM platform').fill(`usr_${tag}_linked`);
    await page.getByLabel('How did you match it?').selectOption('existing_account');
    await page.getByLabel('What you checked').fill('The IAM account registered with this verified email');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Link the account' }).click();
    const requester = page.getByRole('region', { name: 'Requester and identity' });
    await requester.getByText('Proven', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Account linked by counsel, found by the verified email (existing account)').waitFor();
    expect(await page.getByText('Link the requester’s account', { exact: true }).count()).toBe(0);
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-account-linked');
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('shows a 409 in words when someone acted first, then refuses with a ground and an explanation', async () => {
    const { context, page, problems } = await openContext(browser, t.baseUrl);
    await signInWithKey(page, t.baseUrl, counsel);
    const email = await seed();
    // Recorded by counsel (it came by post), with a subject id the requester only typed.
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'rectification', email, subjectId: `usr_${tag}`, channel: 'post', jurisdiction: 'UK', changes: [{ field: 'phone', newValue: '+44 20 1111' }] });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Letter from the account address' })).status).toBe(200);

    await page.goto(`${t.baseUrl}/console/requests/${id}`);
    await waitForStatus(page, 'Awaiting approval');
    const requester = page.getByRole('region', { name: 'Requester and identity' });
    await requester.getByText('Not proven').waitFor();
    await requester.getByText(/only what the requester typed/).waitFor();
    await page.getByRole('table', { name: 'Corrections the requester asked for' }).getByRole('cell', { name: '+44 20 1111' }).waitFor();
    await page.getByRole('button', { name: 'Approve the request' }).waitFor();

    // Meanwhile a colleague asks the requester for clarification through the API: the clock pauses.
    expect((await t.http.post(`/v1/requests/${id}/clarification`).set(...bearer(counsel)).send({ message: 'Which phone number should we change?' })).status).toBe(200);
    await page.getByRole('button', { name: 'Approve the request' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'This cannot be done in the request’s current state.' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Cannot approve a request that is paused for clarification');
    // The page read the request again: approval is no longer offered; the answer can be marked received.
    await waitForStatus(page, 'Paused for clarification');
    expect(await page.getByRole('button', { name: 'Approve the request' }).count()).toBe(0);
    await page.getByRole('region', { name: 'The clock' }).getByText(/Paused since .* \(clarification\)/).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-conflict');

    await page.getByRole('button', { name: 'Clarification received' }).click();
    await waitForStatus(page, 'Awaiting approval');
    await page.getByText('Refuse', { exact: true }).click();
    await page.getByLabel('Ground').selectOption('excessive');
    await page.getByLabel('Explanation for the requester').fill('You asked for the same correction last week and it was made then.');
    const refuse = page.getByRole('button', { name: 'Refuse the request' });
    expect(await refuse.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'I understand that this cannot be undone' }).check();
    await refuse.click();
    await waitForStatus(page, 'Refused');
    await page.getByRole('region', { name: 'Requester and identity' }).getByText('Excessive, e.g. repetitive (Art 12(5))').waitFor();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Refused (excessive)').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, 'request-refused');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'request-refused-phone');
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);
});
