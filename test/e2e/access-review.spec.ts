import AdmZip from 'adm-zip';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { bearer, bootApp, createKey, eventually, onServer, TestApp } from '../factories/app.js';
import { CapturedMail, startSmtp } from '../factories/smtp.js';

/**
 * Access copies end to end: a real Postgres shop database whose tables are only partly described in
 * LETHE_DATA_STORES (the copy still holds every column; counsel sees which carry no category), and
 * `access` in LETHE_APPROVAL_REQUIRED_TYPES: the package is built, counsel reviews its manifest and
 * releases it, and can later see and re-send the download link.
 */
const tag = randomUUID().replace(/-/g, '').slice(0, 8);

describe('access packages reviewed by counsel', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let embedded: EmbeddedPostgres | undefined;
  let shop: pg.Client;
  let schema: string | undefined;
  let counsel: string;
  let auditor: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    let url: string;
    if (onServer) {
      schema = `access_${tag}`;
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
    await shop.query(`CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, name text, marketing_opt_in boolean NOT NULL DEFAULT false)`);
    await shop.query(`CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), shipping_address text, total numeric(10,2), placed_on date)`);
    t = await bootApp({
      env: {
        SMTP_URL: smtp.url,
        LETHE_APPROVAL_REQUIRED_TYPES: 'access,erasure',
        LETHE_EXPORT_MAX_DOWNLOADS: '3',
        LETHE_STEP_BACKOFF_MS: '50',
        LETHE_DATA_STORES: JSON.stringify([
          {
            id: 'shop',
            type: 'postgres',
            url,
            tables: [
              { name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] }, name: { categories: ['identity.name'] } }, erasure: { action: 'delete' } },
              { name: 'orders', identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' }, columns: { shipping_address: { categories: ['contact.address'] } }, erasure: { action: 'delete' } },
            ],
          },
        ]),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    auditor = (await createKey(t, ['auditor'])).key;
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    if (schema) await shop?.query(`DROP SCHEMA ${schema} CASCADE`);
    await shop?.end();
    await embedded?.stop();
  });

  async function seed(): Promise<string> {
    const email = `ada.${randomUUID().slice(0, 8)}@example.org`;
    const { rows } = await shop.query(`INSERT INTO customers (email, name, marketing_opt_in) VALUES ($1, 'Ada Lovelace', true), ('other-${tag}@example.org', 'Other', false) RETURNING id`, [email]);
    await shop.query(`INSERT INTO orders (customer_id, shipping_address, total, placed_on) VALUES ($1, '1 Analytical Row', 10.5, '2025-03-01'), ($1, '1 Analytical Row', 20, '2025-04-01'), ($2, 'Elsewhere', 5, '2025-05-01')`, [rows[0].id, rows[1].id]);
    return email;
  }
  const workflow = async (id: string) =>
    (await t.http.get(`/v1/requests/${id}/workflow`).set(...bearer(counsel))).body as { steps: { step: string; storeId: string; status: string; result: Record<string, unknown> }[]; package: Record<string, unknown> | null };
  const statusOf = async (id: string) => ((await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel))).body as { status: string }).status;
  const mailTo = (to: string, subject: RegExp): Promise<CapturedMail> => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), 30_000);
  const linkIn = (mail: CapturedMail) => new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!);
  const get = (link: URL) =>
    t.http
      .get(`${link.pathname}${link.search}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('builds the package, holds it for counsel’s review of the manifest, releases it on approval, with every column of the rows', async () => {
    const email = await seed();
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', email });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' })).status).toBe(200);

    // Built while the request awaits approval; nothing reaches the requester yet.
    const pkgStep = await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'package' && s.status === 'succeeded'), 60_000);
    expect(await statusOf(id)).toBe('awaiting_approval');
    const manifest = pkgStep.result.manifest as { stores: unknown[]; files: { name: string; bytes: number }[] };
    expect(manifest.stores).toEqual([{ id: 'shop', status: 'exported', tables: { customers: 1, orders: 2 } }]);
    expect(manifest.files.map((f) => f.name).sort()).toEqual(
      ['art15-information.json', 'index.html', 'manifest.json', 'stores/shop/customers.csv', 'stores/shop/customers.ndjson', 'stores/shop/orders.csv', 'stores/shop/orders.ndjson'].sort(),
    );
    expect(manifest.files.every((f) => f.bytes > 0)).toBe(true);
    // Counsel sees which exported columns carry no data category.
    const exported = (await workflow(id)).steps.find((s) => s.step === 'export')!;
    expect(exported.result.uncategorised).toEqual({ customers: ['id', 'marketing_opt_in'], orders: ['id', 'customer_id', 'total', 'placed_on'] });
    expect(smtp.mails.some((m) => m.to.includes(email) && /personal data is ready/.test(m.subject))).toBe(false);
    const early = await t.http.get(`/v1/requests/${id}/package/link`).set(...bearer(counsel));
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('urn:lethe:problem:package_not_released');

    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    const ready = await mailTo(email, /personal data is ready/);
    expect(await statusOf(id)).toBe('completed');
    const res = await get(linkIn(ready));
    expect(res.status).toBe(200);
    const zip = new AdmZip(res.body as Buffer);
    const read = (name: string) => zip.getEntry(name)!.getData().toString('utf8');
    // The whole rows: totals, dates, ids and opt-in flags too, and only the subject's.
    expect(read('stores/shop/orders.ndjson').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: expect.any(Number), customer_id: expect.any(Number), shipping_address: '1 Analytical Row', total: 10.5, placed_on: '2025-03-01' },
      { id: expect.any(Number), customer_id: expect.any(Number), shipping_address: '1 Analytical Row', total: 20, placed_on: '2025-04-01' },
    ]);
    expect(JSON.parse(read('stores/shop/customers.ndjson'))).toMatchObject({ email, name: 'Ada Lovelace', marketing_opt_in: true });
    expect(read('stores/shop/orders.csv').split('\n')[0]).toBe('id,customer_id,shipping_address,total,placed_on');
    expect(zip.getEntries().map((e) => read(e.entryName)).join('')).not.toContain('Elsewhere');
  }, 120_000);

  it('counsel sees the link and re-sends a new one: audited, mailed, sharing the expiry and download budget with the first', async () => {
    const email = await seed();
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', email });
    const id = created.body.id as string;
    await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' });
    await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'package' && s.status === 'succeeded'), 60_000);
    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    const first = linkIn(await mailTo(email, /personal data is ready/));

    const seen = await t.http.get(`/v1/requests/${id}/package/link`).set(...bearer(counsel));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ url: first.toString(), link: 1, downloads: 0, maxDownloads: 3, mailed: null });

    const resent = await t.http.post(`/v1/requests/${id}/package/link`).set(...bearer(counsel));
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ link: 2, mailed: true, expiresAt: seen.body.expiresAt });
    const second = linkIn(await mailTo(email, /new link to your personal data/));
    expect(second.toString()).toBe(resent.body.url);
    expect(second.searchParams.get('link')).toBe('2');
    expect(second.searchParams.get('signature')).not.toBe(first.searchParams.get('signature'));

    // Both work, against one budget of three downloads.
    expect((await get(second)).status).toBe(200);
    expect((await get(first)).status).toBe(200);
    expect((await get(second)).status).toBe(200);
    const over = await get(first);
    expect(over.status).toBe(410);
    // A link number never issued does not open the package, even with a real signature.
    const unissued = new URL(second);
    unissued.searchParams.set('link', '3');
    expect((await get(unissued)).status).toBe(404);
    const exhausted = await t.http.post(`/v1/requests/${id}/package/link`).set(...bearer(counsel));
    expect(exhausted.status).toBe(409);
    expect(exhausted.body.type).toBe('urn:lethe:problem:downloads_exhausted');

    const audit = async (action: string) => (await t.http.get(`/v1/audit-events?targetId=${id}&action=${action}`).set(...bearer(auditor))).body.items as unknown[];
    expect(await audit('request.package_link_viewed')).toHaveLength(1);
    expect(await audit('request.package_link_resent')).toHaveLength(1);
    expect(await audit('request.package_downloaded')).toHaveLength(3);
  }, 120_000);

  it('approving release before the package is built is refused', async () => {
    const email = await seed();
    // The store is unreachable for this request's export: the package cannot be built.
    await shop.query(`ALTER TABLE orders RENAME TO orders_away`);
    try {
      const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', email });
      const id = created.body.id as string;
      await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' });
      await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'export' && s.status !== 'succeeded' && s.status !== 'running'), 30_000);
      const approve = await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel));
      expect(approve.status).toBe(409);
      expect(approve.body.type).toBe('urn:lethe:problem:package_unfinished');
      expect(await statusOf(id)).toBe('awaiting_approval');
    } finally {
      await shop.query(`ALTER TABLE orders_away RENAME TO orders`);
    }
  }, 90_000);
});
