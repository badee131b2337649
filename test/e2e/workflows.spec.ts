import AdmZip from 'adm-zip';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { MemoryAdapter } from '../../src/modules/data-stores/adapters/memory.adapter.js';
import { parseStoresConfig } from '../../src/config/data-stores.config.js';
import { bearer, bootApp, BootOptions, createKey, emptyQueue, eventually, metricValue, onServer, TestApp } from '../factories/app.js';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { verifyWebhook } from '../../src/infrastructure/http/webhook-signature.js';
import { consentEvent, createPurpose, publishNotice } from '../factories/consent.js';
import { HttpStore, startHttpStore } from '../factories/http-store.js';
import { CapturedMail, startSmtp } from '../factories/smtp.js';

/**
 * The workflows end to end: two real Postgres databases (or schemas on a server) and a service
 * behind the http adapter's contract on a real local HTTP server, described in LETHE_DATA_STORES; a
 * real SMTP server; the register for the Art 15 information and Art 19 recipients.
 */
const tag = randomUUID().replace(/-/g, '').slice(0, 8);
const cat = (name: string) => `${name}-${tag}`;
const MAILER = `Mailer Co ${tag}`;
const ANALYTICS = `Analytics Ltd ${tag}`;
/** A recipient in the register with no contact in LETHE_RECIPIENTS: it cannot be told automatically. */
const UNREACHABLE = `Partner Shops ${tag}`;
const ANALYTICS_SECRET = 'analytics-webhook-secret-0123456789abcdef';
const PURPOSE = `newsletter-${tag}`;
const SECRET = 'support-desk-shared-secret-0123456789';
/** The support desk's own data, behind its HTTP service (the memory adapter is the contract's reference). */
const supportDesk = new MemoryAdapter(
  parseStoresConfig([
    {
      id: 'support',
      type: 'memory',
      tables: [{ name: 'tickets', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: [cat('contact')], providedBySubject: true }, body: { categories: [cat('support')], providedBySubject: true } }, erasure: { action: 'delete' } }],
    },
  ])[0]!,
  'salt',
);

interface Database {
  url: string;
  client: pg.Client;
  close(): Promise<void>;
}

/** A database for one store: its own embedded PGlite, or a fresh schema on the server. */
async function database(name: string): Promise<Database> {
  if (!onServer) {
    const embedded = await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
    const client = new pg.Client(embedded.url);
    await client.connect();
    return { url: embedded.url, client, close: async () => (await client.end(), await embedded.stop()) };
  }
  const schema = `wf_${name}_${tag}`;
  const client = new pg.Client(process.env.DATABASE_URL);
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), client, close: async () => (await client.query(`DROP SCHEMA ${schema} CASCADE`), await client.end()) };
}

describe('workflows across data stores', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let crm: Database;
  let billing: Database;
  let counsel: string;
  let support: HttpStore;
  /** The analytics recipient's webhook endpoint: what it received, raw. */
  let analytics: Server;
  const hooks: { signature: string; body: string }[] = [];

  const stores = () => [
    { id: 'support', type: 'http', baseUrl: `${support.url}`, secret: SECRET, timeoutMs: 1_500, retries: 0, categories: [cat('contact'), cat('support')] },
    {
      id: 'crm',
      type: 'postgres',
      label: 'Customer records',
      url: crm.url,
      tables: [
        {
          name: 'customers',
          identity: { column: 'email', matches: 'email' },
          columns: {
            email: { categories: [cat('contact')], providedBySubject: true, anonymise: 'hash' },
            name: { categories: [cat('identity')], providedBySubject: true, rectifiable: true, anonymise: 'fixed', fixedValue: 'erased' },
            phone: { categories: [cat('contact')], providedBySubject: true, rectifiable: true, anonymise: 'null' },
          },
          erasure: { action: 'anonymise' },
          restrictionColumn: 'restricted',
        },
        {
          name: 'orders',
          identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' },
          columns: { shipping_address: { categories: [cat('contact')], providedBySubject: true }, total: { categories: [cat('orders')] } },
          erasure: { action: 'delete' },
        },
      ],
    },
    {
      id: 'billing',
      type: 'postgres',
      url: billing.url,
      tables: [
        {
          name: 'accounts',
          identity: { column: 'subject_id', matches: 'subjectId' },
          columns: { iban: { categories: [cat('bank')], providedBySubject: true, anonymise: 'null' }, holder: { categories: [cat('identity')], anonymise: 'fixed', fixedValue: 'erased' } },
          erasure: { action: 'anonymise' },
        },
        {
          name: 'invoices',
          identity: { column: 'subject_id', matches: 'subjectId' },
          columns: { customer_name: { categories: [cat('identity')] }, amount: { categories: [cat('orders')] } },
          erasure: { action: 'retain', ground: 'Art 17(3)(b): invoices must be kept for tax law', retainFor: 'P7Y' },
        },
      ],
    },
  ];

  beforeAll(async () => {
    smtp = await startSmtp();
    support = await startHttpStore({ secret: SECRET, adapter: supportDesk });
    analytics = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hooks.push({ signature: String(req.headers['lethe-signature']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => analytics.listen(0, '127.0.0.1', resolve));
    crm = await database('crm');
    billing = await database('billing');
    await crm.client.query(`CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, name text, phone text, restricted boolean NOT NULL DEFAULT false)`);
    await crm.client.query(`CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), shipping_address text, total numeric(10,2))`);
    await billing.client.query(`CREATE TABLE accounts (id serial PRIMARY KEY, subject_id text NOT NULL, iban text, holder text)`);
    await billing.client.query(`CREATE TABLE invoices (id serial PRIMARY KEY, subject_id text NOT NULL, customer_name text, amount numeric(10,2))`);
    t = await bootApp({
      env: {
        SMTP_URL: smtp.url,
        LETHE_DATA_STORES: JSON.stringify({ stores: stores() }),
        LETHE_STEP_ATTEMPTS: '3',
        LETHE_STEP_BACKOFF_MS: '50',
        // Short, so that the tests below see leases renewed and lapsed within seconds.
        LETHE_STEP_LEASE_SECONDS: '3',
        LETHE_EXPORT_MAX_DOWNLOADS: '2',
        LETHE_RECIPIENTS: JSON.stringify([
          { name: MAILER, email: `dpo@mailer-${tag}.example` },
          { name: ANALYTICS, webhookUrl: `http://127.0.0.1:${(analytics.address() as AddressInfo).port}/art19`, secret: ANALYTICS_SECRET },
        ]),
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    // The register: what the categories are for, who receives them, how long they are kept.
    for (const key of [cat('contact'), cat('identity'), cat('orders'), cat('bank'), cat('support')]) {
      expect((await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key, title: `Title of ${key}` })).status).toBe(201);
    }
    const purpose = PURPOSE;
    await createPurpose(t, counsel, purpose);
    await publishNotice(t, counsel, purpose, 'v1', '2020-01-01T00:00:00Z');
    const record = await t.http
      .post('/v1/register/records')
      .set(...bearer(counsel))
      .send({
        kind: 'activity',
        name: `Customer accounts ${tag}`,
        status: 'active',
        controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com' },
        purposes: [{ purpose, lawfulBasis: 'consent' }],
        dataSubjectCategories: ['customers'],
        dataCategories: [cat('contact'), cat('identity'), cat('orders'), cat('bank'), cat('support')],
        recipients: [
          { type: 'processor', name: MAILER, dataCategories: [cat('contact')] },
          { type: 'third_party', name: ANALYTICS, dataCategories: [cat('bank')] },
          { type: 'third_party', name: UNREACHABLE, dataCategories: [cat('contact')] },
        ],
        transfers: [{ country: 'US', recipient: MAILER, mechanism: 'sccs', documentation: 'DPA annex' }],
        retention: [{ dataCategory: cat('contact'), duration: 'P2Y', trigger: 'account closure' }],
        sources: [{ source: 'Credit reference agency', dataCategory: cat('bank') }],
        securityMeasures: 'Encryption at rest',
        automatedDecisionMaking: { exists: false },
        systems: ['crm', 'billing'],
      });
    expect(record.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await crm?.close();
    await billing?.close();
    await support?.close();
    await new Promise((resolve) => analytics?.close(resolve));
  });

  /** A subject present in both stores, with records of another subject next to theirs. */
  async function seedSubject(): Promise<{ email: string; subjectId: string }> {
    const email = `subject.${randomUUID().slice(0, 8)}@example.org`;
    const subjectId = `usr_${randomUUID().slice(0, 8)}`;
    const { rows } = await crm.client.query(`INSERT INTO customers (email, name, phone) VALUES ($1, 'Ada Lovelace', '=cmd|calc') , ('other@example.org', 'Other', '+1') RETURNING id`, [email]);
    await crm.client.query(`INSERT INTO orders (customer_id, shipping_address, total) VALUES ($1, '1 Analytical Row', 10), ($1, '1 Analytical Row', 20), ($2, 'Elsewhere', 5)`, [rows[0].id, rows[1].id]);
    await billing.client.query(`INSERT INTO accounts (subject_id, iban, holder) VALUES ($1, 'GB00TEST1234', 'Ada Lovelace'), ('usr_other', 'GB00OTHER', 'Other')`, [subjectId]);
    await billing.client.query(`INSERT INTO invoices (subject_id, customer_name, amount) VALUES ($1, 'Ada Lovelace', 30)`, [subjectId]);
    supportDesk.data.tickets!.push({ email, body: 'My engine will not compute' }, { email, body: 'Thanks, it computes' }, { email: 'other@example.org', body: 'Other' });
    return { email, subjectId };
  }

  /** Counsel records a request (it came by email) and confirms the requester's identity. */
  async function fileVerified(body: Record<string, unknown>): Promise<{ id: string; statusToken: string }> {
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send(body);
    expect(created.status).toBe(202);
    const { id, statusToken } = created.body as { id: string; statusToken: string };
    // Until counsel confirms it, the typed subject id reaches neither a store nor the consent ledger:
    // confirm it before verifying, since an access request's workflow starts at verification.
    if (body.subjectId) expect((await t.http.post(`/v1/requests/${id}/subject-id/confirm`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' })).status).toBe(200);
    const verified = await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' });
    expect(verified.status).toBe(200);
    return { id, statusToken };
  }

  const downloadZip = async (link: URL) => {
    const res = await t.http.get(`${link.pathname}${link.search}`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    return new AdmZip(res.body as Buffer);
  };
  const workflow = async (id: string) => (await t.http.get(`/v1/requests/${id}/workflow`).set(...bearer(counsel))).body as { steps: { key: string; step: string; storeId: string; status: string; error: string | null; result: Record<string, unknown> }[] };
  const statusOf = async (id: string) => ((await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel))).body as { status: string }).status;
  const mailTo = (to: string, subject: RegExp): Promise<CapturedMail> => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), 30_000);

  it('access: every store exported into one zip with NDJSON, CSV, manifest, index and the Art 15 information; the link is bounded', async () => {
    const subject = await seedSubject();
    const { id } = await fileVerified({ type: 'access', ...subject });
    const mail = await mailTo(subject.email, /personal data is ready/);
    expect(await statusOf(id)).toBe('completed');
    const link = new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!);

    const download = await t.http.get(`${link.pathname}${link.search}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const zip = new AdmZip(download.body as Buffer);
    const names = zip.getEntries().map((e) => e.entryName).sort();
    expect(names).toEqual([
      'art15-information.json',
      'index.html',
      'manifest.json',
      'stores/billing/accounts.csv',
      'stores/billing/accounts.ndjson',
      'stores/billing/invoices.csv',
      'stores/billing/invoices.ndjson',
      'stores/crm/customers.csv',
      'stores/crm/customers.ndjson',
      'stores/crm/orders.csv',
      'stores/crm/orders.ndjson',
      'stores/support/tickets.csv',
      'stores/support/tickets.ndjson',
    ]);
    const read = (name: string) => zip.getEntry(name)!.getData().toString('utf8');
    // All and only the subject's records.
    // The postgres stores write their files with COPY: numbers stay JSON numbers.
    // Every column of the rows, not only the configured ones.
    expect(read('stores/crm/orders.ndjson').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: expect.any(Number), customer_id: expect.any(Number), shipping_address: '1 Analytical Row', total: 10 },
      { id: expect.any(Number), customer_id: expect.any(Number), shipping_address: '1 Analytical Row', total: 20 },
    ]);
    const customerRow = JSON.parse(read('stores/crm/customers.ndjson'));
    expect(customerRow).toEqual({ id: expect.any(Number), email: subject.email, name: 'Ada Lovelace', phone: '=cmd|calc', restricted: false });
    // A cell that a spreadsheet would run as a formula is defused.
    // Booleans as in the NDJSON; what needs quoting is quoted.
    expect(read('stores/crm/customers.csv')).toBe(`id,email,name,phone,restricted\n${customerRow.id},${subject.email},Ada Lovelace,'=cmd|calc,false\n`);
    expect(names.map(read).join('')).not.toContain('Other');
    // The manifest hashes every file.
    const manifest = JSON.parse(read('manifest.json')) as { stores: { id: string; tables: Record<string, number> }[]; files: { name: string; sha256: string }[] };
    expect(manifest.stores).toEqual([
      { id: 'billing', status: 'exported', tables: { accounts: 1, invoices: 1 } },
      { id: 'crm', status: 'exported', tables: { customers: 1, orders: 2 } },
      { id: 'support', status: 'exported', tables: { tickets: 2 } },
    ]);
    expect(read('stores/support/tickets.ndjson')).toBe(`{"email":"${subject.email}","body":"My engine will not compute"}\n{"email":"${subject.email}","body":"Thanks, it computes"}\n`);
    for (const file of manifest.files) expect(createHash('sha256').update(zip.getEntry(file.name)!.getData()).digest('hex')).toBe(file.sha256);
    expect(manifest.files.map((f) => f.name)).toContain('art15-information.json');
    // Art 15(1)(a)-(h) and 15(2), from the register, for the categories found.
    const info = JSON.parse(read('art15-information.json'));
    expect(info.purposes).toEqual([expect.objectContaining({ purpose: `newsletter-${tag}`, lawfulBasis: 'consent' })]);
    expect(info.categories.map((c: { key: string }) => c.key)).toEqual([cat('bank'), cat('contact'), cat('identity'), cat('orders'), cat('support')]);
    expect(info.recipients).toEqual([
      { name: ANALYTICS, type: 'third_party' },
      { name: MAILER, type: 'processor' },
      { name: UNREACHABLE, type: 'third_party' },
    ]);
    expect(info.retention).toEqual([expect.objectContaining({ dataCategory: cat('contact'), period: '2 years from account closure', duration: 'P2Y' })]);
    expect(info.sources).toEqual([{ dataCategory: cat('bank'), source: 'Credit reference agency' }]);
    expect(info.transfers).toEqual([{ country: 'US', recipient: MAILER, mechanism: 'sccs', safeguard: 'EU Standard Contractual Clauses (Art 46(2)(c) GDPR)' }]);
    expect(info.rights.join(' ')).toMatch(/Art 16.*Art 17.*Art 18.*Art 21/);
    expect(info.complaint).toMatch(/supervisory authority/);
    // The index is for a person: titles, durations and safeguards in words, stores by their label.
    const index = read('index.html');
    expect(index).toContain(MAILER);
    expect(index).toContain('2 years from account closure');
    expect(index).toContain(`${MAILER} in United States, protected by EU Standard Contractual Clauses`);
    expect(index).toContain('Customer records');
    expect(index).toContain(`Title of ${cat('contact')}: 2 years`);
    expect(index).not.toMatch(/P2Y|: sccs|>crm</);
    expect(manifest.files.map((f) => f.name)).toContain('index.html');

    // Bounded: the second download is the last; each is audited; a forged signature is a 404.
    expect((await t.http.get(`${link.pathname}${link.search}`)).status).toBe(200);
    const third = await t.http.get(`${link.pathname}${link.search}`);
    expect(third.status).toBe(410);
    expect(third.body.type).toBe('urn:lethe:problem:downloads_exhausted');
    const forged = new URL(link);
    forged.searchParams.set('signature', 'f'.repeat(64));
    expect((await t.http.get(`${forged.pathname}${forged.search}`)).status).toBe(404);
    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&action=request.package_downloaded`).set(...bearer((await createKey(t, ['auditor'])).key));
    expect(audit.body.items).toHaveLength(2);

    // At expiry the file is deleted (the job is brought forward here instead of waiting 7 days).
    const [pkg] = await t.dataSource.query(`SELECT id, expires_at FROM export_package WHERE request_id = $1`, [id]);
    expect(new Date(pkg.expires_at).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    await t.dataSource.query(`UPDATE scheduled_job SET run_at = now() WHERE job_key = $1`, [`package:${pkg.id}:expire`]);
    await t.app.get(JobsService).reconcile();
    // Marked deleted first (downloads stop), then the files go.
    await eventually(async () => ((await t.dataSource.query(`SELECT deleted_at FROM export_package WHERE id = $1`, [pkg.id]))[0].deleted_at ? true : undefined));
    await eventually(async () => !readdirSync(t.config.workflows.exportDir).includes(id) || undefined);
    const gone = await t.http.get(`${link.pathname}${link.search}`);
    expect(gone.status).toBe(410);
  }, 60_000);

  it('portability: only what the subject provided', async () => {
    const subject = await seedSubject();
    await fileVerified({ type: 'portability', ...subject });
    const mail = await mailTo(subject.email, /ready to take with you/);
    const zip = await downloadZip(new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!));
    const names = zip.getEntries().map((e) => e.entryName).sort();
    expect(names).not.toContain('art15-information.json');
    expect(names).not.toContain('stores/billing/invoices.ndjson');
    expect(JSON.parse(zip.getEntry('stores/crm/orders.ndjson')!.getData().toString().split('\n')[0]!)).toEqual({ shipping_address: '1 Analytical Row' });
    expect(JSON.parse(zip.getEntry('stores/billing/accounts.ndjson')!.getData().toString())).toEqual({ iban: 'GB00TEST1234' });
  }, 60_000);

  it('erasure: dry run → counsel approves → erased → consent pseudonymised → verified → certificate mailed → recipients told', async () => {
    const subject = await seedSubject();
    const { id, statusToken } = await fileVerified({ type: 'erasure', ...subject });
    // The dry run runs while counsel decides; nothing changes yet.
    const planned = await eventually(async () => {
      const w = await workflow(id);
      return w.steps.length === 3 && w.steps.every((s) => s.status === 'succeeded') ? w : undefined;
    });
    expect(planned.steps.find((s) => s.storeId === 'support')!.result.items).toEqual([{ table: 'tickets', action: 'delete', rows: 2 }]);
    expect(await statusOf(id)).toBe('awaiting_approval');
    expect(planned.steps.find((s) => s.storeId === 'crm')!.result.items).toEqual([
      { table: 'customers', action: 'anonymise', rows: 1, columns: ['email', 'name', 'phone'] },
      { table: 'orders', action: 'delete', rows: 2 },
    ]);
    expect((await crm.client.query(`SELECT count(*)::int AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = $1`, [subject.email])).rows[0].n).toBe(2);

    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    const certificateMail = await mailTo(subject.email, /erasure certificate/);
    const erased = await mailTo(subject.email, /has been erased/);
    expect(await statusOf(id)).toBe('completed');
    // Art 19, as it happened: the mail comes once every notice went, names who was told and when, and
    // names the recipient that could not be reached without claiming it was told.
    const toldAt = (await t.http.get(`/v1/requests/${id}/recipients`).set('X-Request-Token', statusToken)).body.recipients as { recipient: string; status: string; notifiedAt?: string }[];
    expect(toldAt.find((r) => r.recipient === ANALYTICS)).toMatchObject({ status: 'sent', notifiedAt: expect.any(String) });
    const text = erased.text.replace(/\s+/g, ' ');
    const told = /We told those to whom we disclosed this data \(Art 19\): (.*?)\. We could not/.exec(text)?.[1];
    expect(told).toContain(`${MAILER}, by email on ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date())}`);
    expect(told).toContain(`${ANALYTICS}, by an automated notice`);
    expect(told).not.toContain(UNREACHABLE);
    expect(text).toContain(`We could not tell ${UNREACHABLE} (we hold no way to reach them automatically). Our privacy team will contact them another way`);
    // Counsel is told whom to contact by hand, on the request and by email.
    await smtp.waitFor((m) => m.subject.includes('recipients to tell by hand') && m.text.includes(id) && m.text.includes(UNREACHABLE), 30_000);
    const detail = (await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel))).body;
    expect(detail.timeline).toContainEqual(expect.objectContaining({ kind: 'recipients_unreached', public: false, details: expect.objectContaining({ recipients: [UNREACHABLE] }) }));
    expect(detail.recipients).toContainEqual({ recipient: UNREACHABLE, action: 'erasure', dataCategories: [cat('contact')], channel: 'none', status: 'no_contact' });
    expect((await t.http.get(`/v1/requests/${id}/workflow`).set(...bearer(counsel))).body.recipients as unknown[]).toContainEqual(expect.objectContaining({ recipient: UNREACHABLE, status: 'no_contact', channel: 'none' }));

    // The data is gone where it should be, kept where the law says so.
    expect((await crm.client.query(`SELECT count(*)::int AS n FROM customers WHERE email = $1`, [subject.email])).rows[0].n).toBe(0);
    expect((await billing.client.query(`SELECT iban, holder FROM accounts WHERE subject_id = $1`, [subject.subjectId])).rows).toEqual([{ iban: null, holder: 'erased' }]);
    expect((await billing.client.query(`SELECT count(*)::int AS n FROM invoices WHERE subject_id = $1`, [subject.subjectId])).rows[0].n).toBe(1);
    expect((await billing.client.query(`SELECT iban FROM accounts WHERE subject_id = 'usr_other' LIMIT 1`)).rows[0].iban).toBe('GB00OTHER');

    // The certificate: JSON and HTML attached, its SHA-256 in the audit trail.
    const json = certificateMail.attachments.find((a) => a.filename.endsWith('.json'))!.content;
    const html = certificateMail.attachments.find((a) => a.filename.endsWith('.html'))!.content;
    const certificate = JSON.parse(json);
    expect(certificate.stores.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([
      ['billing', 'erased'],
      ['crm', 'erased'],
      ['support', 'erased'],
    ]);
    expect(supportDesk.data.tickets!.filter((r) => r.email === subject.email)).toEqual([]);
    expect(certificate.stores[0].items).toContainEqual({ table: 'invoices', action: 'retain', rows: 1, ground: 'Art 17(3)(b): invoices must be kept for tax law', retainUntil: expect.stringMatching(/^for 7 years after /) });
    // The HTML is for a person: the kept invoices in words, the store by its label.
    expect(html).toContain('kept for 7 years after the event that starts the retention period');
    expect(html).toContain('Customer records');
    expect(html).not.toMatch(/P7Y|>crm</);
    const sha = createHash('sha256').update(json).digest('hex');
    expect(html).toContain(sha);
    const auditor = (await createKey(t, ['auditor'])).key;
    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&action=request.erasure_certified`).set(...bearer(auditor));
    expect(audit.body.items).toEqual([expect.objectContaining({ details: { sha256: sha } })]);
    expect((await workflow(id)).steps.map((s) => `${s.step}:${s.storeId}:${s.status}`)).toEqual(
      expect.arrayContaining(['consent:-:succeeded', 'verify:crm:succeeded', 'verify:billing:succeeded', 'verify:support:succeeded', 'certificate:-:succeeded', 'notify:-:succeeded']),
    );

    // Art 19: the recipient of the contact data was told; the requester can ask who was.
    const notice = await mailTo(`mailer-${tag}`, /Art 19 notice/);
    expect(notice.text).toContain(subject.email);
    const recipients = await t.http.get(`/v1/requests/${id}/recipients`).set('X-Request-Token', statusToken);
    expect(recipients.status).toBe(200);
    expect(recipients.body.recipients).toEqual([
      expect.objectContaining({ recipient: ANALYTICS, action: 'erasure', dataCategories: [cat('bank')], channel: 'webhook', status: 'sent' }),
      expect.objectContaining({ recipient: MAILER, action: 'erasure', dataCategories: [cat('contact')], channel: 'email', status: 'sent' }),
      // Not reached: no notifiedAt, not even a made-up one.
      { recipient: UNREACHABLE, action: 'erasure', dataCategories: [cat('contact')], channel: 'none', status: 'no_contact' },
    ]);
    // The analytics recipient's webhook: signed, naming the subject so it can act, for the categories it received.
    const hook = await eventually(async () => hooks.find((h) => h.body.includes(id)));
    expect(verifyWebhook(ANALYTICS_SECRET, hook.signature, hook.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'lethe.art19.erasure', requestId: id, subject: { subjectId: subject.subjectId }, dataCategories: [cat('bank')] });
    await eventually(async () => ((await t.http.get(`/v1/requests/${id}/recipients`).set('X-Request-Token', statusToken)).body.recipients as { recipient: string; status: string }[]).find((r) => r.recipient === ANALYTICS && r.status === 'sent'));
    expect(support.requests.filter((r) => r.operation === 'erase').every((r) => r.signatureValid && r.headers['idempotency-key'] === `${id}:erase`)).toBe(true);
    expect((await t.http.get(`/v1/requests/${id}/recipients`).set('X-Request-Token', 'rt_wrong')).status).toBe(404);
  }, 90_000);

  it('rectification: applied where each field may be changed; the requester is told what changed where', async () => {
    const subject = await seedSubject();
    // A field no store publishes is refused at intake (test/e2e/rectification.spec.ts covers the rest).
    const unknown = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'rectification', ...subject, changes: [{ field: 'shoe_size', newValue: '42' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'changes[0].field', message: expect.stringContaining('phone (Phone)') }]);
    const { id } = await fileVerified({ type: 'rectification', ...subject, changes: [{ field: 'phone', newValue: '+44 20 7946 0000' }] });
    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    const done = await mailTo(subject.email, /has been corrected/);
    expect(done.text).toContain('Phone: corrected in Customer records');
    expect(done.text).not.toMatch(/\bcrm\b|customers/);
    // The changed phone number is contact data: the mailer was told, the partner shops could not be.
    expect(done.text.replace(/\s+/g, ' ')).toContain(`We told those to whom we disclosed this data (Art 19): ${MAILER}, by email on`);
    expect(done.text.replace(/\s+/g, ' ')).toContain(`We could not tell ${UNREACHABLE}`);
    expect((await crm.client.query(`SELECT phone, name FROM customers WHERE email = $1`, [subject.email])).rows).toEqual([{ phone: '+44 20 7946 0000', name: 'Ada Lovelace' }]);
  }, 60_000);

  it('restriction: stores flag the subject; lifting tells the requester first, then lifts', async () => {
    const subject = await seedSubject();
    const { id } = await fileVerified({ type: 'restriction', ...subject });
    const early = await t.http.post(`/v1/requests/${id}/restriction/lift`).set(...bearer(counsel)).send({ reason: 'Not yet: nothing is restricted.' });
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('urn:lethe:problem:restriction_not_complete');
    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    await mailTo(subject.email, /is restricted/);
    expect((await crm.client.query(`SELECT restricted FROM customers WHERE email = $1`, [subject.email])).rows).toEqual([{ restricted: true }]);
    const lift = await t.http.post(`/v1/requests/${id}/restriction/lift`).set(...bearer(counsel)).send({ reason: 'The accuracy of the data has been verified.' });
    expect(lift.status).toBe(200);
    const notice = await mailTo(subject.email, /lift the restriction/);
    expect(notice.text).toContain('accuracy of the data has been verified');
    await eventually(async () => (await crm.client.query(`SELECT restricted FROM customers WHERE email = $1`, [subject.email])).rows[0].restricted === false);
    // The notice step succeeded (SMTP accepted the message) before the lift step was even created.
    const [noticeStep, lifted] = await t.dataSource.query(`SELECT key, updated_at, created_at FROM workflow_step WHERE key IN ($1, $2) ORDER BY created_at`, [`${id}:notice:-`, `${id}:lift:crm`]);
    expect(noticeStep.key).toBe(`${id}:notice:-`);
    expect(new Date(noticeStep.updated_at).getTime()).toBeLessThanOrEqual(new Date(lifted.created_at).getTime());
  }, 60_000);

  it('a store failing three times shows on the request; counsel retries it and the request completes', async () => {
    const subject = await seedSubject();
    support.faults.status(503, { operation: 'export' });
    const before = support.requests.filter((r) => r.operation === 'export').length;
    const { id } = await fileVerified({ type: 'access', ...subject });
    const failed = await eventually(async () => (await workflow(id)).steps.find((s) => s.key === `${id}:export:support` && s.status === 'failed'), 30_000);
    expect(failed).toMatchObject({ attempts: 3, error: expect.stringMatching(/^unavailable: support: /) });
    expect(support.requests.filter((r) => r.operation === 'export').length - before).toBe(3);
    const failedSteps = await metricValue(t, 'lethe_workflow_steps_failed');
    expect(failedSteps).toBeGreaterThanOrEqual(1);
    const detail = await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel));
    expect(detail.body.status).toBe('in_progress');
    expect(detail.body.steps).toEqual(expect.arrayContaining([expect.objectContaining({ key: `${id}:export:support`, status: 'failed', error: failed.error }), expect.objectContaining({ key: `${id}:export:crm`, status: 'succeeded' })]));
    await smtp.waitFor((m) => /Step failed: export on support/.test(m.subject) && m.text.includes(id));
    // Counsel cannot complete it by hand past the failed step.
    const manual = await t.http.post(`/v1/requests/${id}/complete`).set(...bearer(counsel)).send({ outcome: 'Sent the data by post.' });
    expect(manual.status).toBe(409);
    expect(manual.body).toMatchObject({ type: 'urn:lethe:problem:steps_unfinished', steps: ['export:support'] });

    support.faults.clear();
    const retried = await t.http.post(`/v1/requests/${id}/steps/export/support/retry`).set(...bearer(counsel));
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0, error: null });
    expect(await metricValue(t, 'lethe_workflow_steps_failed')).toBe(failedSteps! - 1);
    await mailTo(subject.email, /personal data is ready/);
    expect(await statusOf(id)).toBe('completed');
    expect((await t.http.post(`/v1/requests/${id}/steps/export/support/retry`).set(...bearer(counsel))).status).toBe(409);
  }, 60_000);

  it('counsel may waive a failed store with a reason; the package says so', async () => {
    const subject = await seedSubject();
    support.faults.status(500, { operation: 'export' });
    const { id } = await fileVerified({ type: 'access', ...subject });
    await eventually(async () => (await workflow(id)).steps.find((s) => s.key === `${id}:export:support` && s.status === 'failed'), 30_000);
    support.faults.clear();
    expect((await t.http.post(`/v1/requests/${id}/steps/export/support/waive`).set(...bearer(counsel)).send({ reason: 'short' })).status).toBe(400);
    const waived = await t.http.post(`/v1/requests/${id}/steps/export/support/waive`).set(...bearer(counsel)).send({ reason: 'The support desk holds no data on this subject: checked by hand.' });
    expect(waived.status).toBe(200);
    expect(waived.body).toMatchObject({ status: 'waived', waivedReason: 'The support desk holds no data on this subject: checked by hand.' });
    const mail = await mailTo(subject.email, /personal data is ready/);
    const [pkg] = await t.dataSource.query(`SELECT count(*)::int AS n FROM export_package WHERE request_id = $1`, [id]);
    expect(pkg.n).toBe(1);
    const zip = await downloadZip(new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!));
    const manifest = JSON.parse(zip.getEntry('manifest.json')!.getData().toString('utf8')) as { stores: { id: string; status: string }[] };
    expect(manifest.stores).toContainEqual({ id: 'support', status: 'waived', tables: {} });
    expect(zip.getEntries().map((e) => e.entryName)).not.toContain('stores/support/tickets.ndjson');
    expect((await t.http.post(`/v1/requests/${id}/steps/export/nope/retry`).set(...bearer(counsel))).status).toBe(404);
    expect((await t.http.post(`/v1/requests/${id}/steps/explode/support/retry`).set(...bearer(counsel))).status).toBe(400);
  }, 60_000);

  it('a step whose job the queue lost while it ran is not run beside itself: the job re-added waits for the lease', async () => {
    const subject = await seedSubject();
    // The customer records are slow: a lock on the table holds the export's first query.
    const locker = new pg.Client(crm.url);
    await locker.connect();
    let locked = true;
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    try {
      const { id } = await fileVerified({ type: 'access', ...subject });
      const key = `${id}:export:crm`;
      const leaseOf = async () => ((await t.dataSource.query(`SELECT status, lease_owner AS owner FROM workflow_step WHERE key = $1`, [key])) as { status: string; owner: string | null }[])[0]!;
      const running = await eventually(async () => {
        const row = await leaseOf();
        return row.status === 'running' && row.owner ? row : undefined;
      });
      // The queue loses everything while the step runs; the reconciler adds its job again.
      const [before] = await t.dataSource.query(`SELECT run_at FROM scheduled_job WHERE job_key = $1`, [key]);
      await emptyQueue(t);
      await t.app.get(JobsService).reconcile();
      // The copy finds the step held: it moves its job to when the lease would lapse, and runs nothing.
      await eventually(async () => {
        const [row] = await t.dataSource.query(`SELECT run_at FROM scheduled_job WHERE job_key = $1`, [key]);
        return new Date(row.run_at).getTime() > new Date(before.run_at).getTime() || undefined;
      });
      // Held past two lease lengths: the first run renews its lease, and nobody takes the step over.
      const until = Date.now() + 7_000;
      while (Date.now() < until) {
        expect(await leaseOf()).toEqual(running);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await locker.query('ROLLBACK');
      locked = false;
      // The first run finishes; the package is built from what it staged, and verified.
      const mail = await mailTo(subject.email, /personal data is ready/);
      const zip = await downloadZip(new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!));
      const manifest = JSON.parse(zip.getEntry('manifest.json')!.getData().toString('utf8')) as { files: { name: string; sha256: string }[] };
      for (const file of manifest.files) expect(createHash('sha256').update(zip.getEntry(file.name)!.getData()).digest('hex')).toBe(file.sha256);
      const [step] = await t.dataSource.query(`SELECT status, lease_owner FROM workflow_step WHERE key = $1`, [key]);
      expect(step).toEqual({ status: 'succeeded', lease_owner: null });
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM export_package WHERE request_id = $1`, [id]))[0].n).toBe(1);
      const succeeded = await t.http.get(`/v1/audit-events?targetId=${id}&action=workflow.step_succeeded`).set(...bearer((await createKey(t, ['auditor'])).key));
      expect(succeeded.body.items.filter((e: { details: { store: string } }) => e.details.store === 'crm')).toHaveLength(1);
      // The moved job comes back, finds the step done, and is done too.
      await eventually(async () => {
        const [row] = await t.dataSource.query(`SELECT status FROM scheduled_job WHERE job_key = $1`, [key]);
        return row.status === 'done' || undefined;
      }, 30_000);
    } finally {
      if (locked) await locker.query('ROLLBACK');
      await locker.end();
    }
  }, 90_000);

  it('a package that does not match its manifest is never sent: the step fails for counsel, and the requester gets no link', async () => {
    const subject = await seedSubject();
    // The support desk answers only after the customer records are exported and staged.
    support.faults.status(503, { operation: 'export' });
    try {
      const { id } = await fileVerified({ type: 'access', ...subject });
      await eventually(async () => (await workflow(id)).steps.find((s) => s.key === `${id}:export:crm` && s.status === 'succeeded'));
      // A staged file is damaged on disk before the package is built.
      const staging = join(t.config.workflows.exportDir, id, 'staging', 'crm');
      const [run] = readdirSync(staging);
      const file = join(staging, run!, 'orders.ndjson.deflate');
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      writeFileSync(file, bytes);
      await eventually(async () => (await workflow(id)).steps.find((s) => s.key === `${id}:export:support` && s.status === 'failed'), 30_000);
      support.faults.clear();
      expect((await t.http.post(`/v1/requests/${id}/steps/export/support/retry`).set(...bearer(counsel))).status).toBe(200);
      const failed = await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'package' && s.status === 'failed'), 30_000);
      expect(failed.error).toMatch(/^the package failed its integrity check: /);
      await smtp.waitFor((m) => /Step failed: package/.test(m.subject), 10_000);
      expect(smtp.mails.some((m) => m.to.includes(subject.email) && /personal data is ready/.test(m.subject))).toBe(false);
      expect(await t.dataSource.query(`SELECT id FROM export_package WHERE request_id = $1`, [id])).toEqual([]);
      expect(readdirSync(join(t.config.workflows.exportDir, id)).filter((f) => f.endsWith('.zip'))).toEqual([]);
    } finally {
      support.faults.clear();
    }
  }, 60_000);

  it('a worker stopped mid-export resumes after a restart, and exactly one package results', async () => {
    const subject = await seedSubject();
    const dataDir = mkdtempSync(join(tmpdir(), 'lethe-resume-'));
    const options: BootOptions = {
      // Fresh per run: on a shared server database the fuzz suite may have revoked an earlier run's key.
      adminKey: `lth_${randomBytes(32).toString('base64url')}`,
      env: {
        SMTP_URL: smtp.url,
        LETHE_DATA_STORES: JSON.stringify({ stores: stores() }),
        LETHE_STEP_ATTEMPTS: '5',
        LETHE_STEP_BACKOFF_MS: '2000',
        LETHE_EMBEDDED_PERSIST: 'on',
        LETHE_DATA_DIR: dataDir,
        LETHE_QUEUE_PREFIX: `resume${tag}`,
        // Shared with the suite's app: on BullMQ's Postgres backend its workers share this queue (one
        // database, one queue), so either may run a step, as workers on several hosts share this folder.
        LETHE_EXPORT_DIR: t.config.workflows.exportDir,
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
      },
    };
    let second: TestApp | undefined;
    try {
      // 1. The support desk sends one ticket, then stalls: the export breaks off half-way.
      support.faults.stallAfter(1, { operation: 'export' });
      const first = await bootApp(options);
      let id: string;
      try {
        const key = (await createKey(first, ['counsel'])).key;
        const created = await first.http.post('/v1/requests').set(...bearer(key)).send({ type: 'access', ...subject });
        id = created.body.id;
        await first.http.post(`/v1/requests/${id}/verification`).set(...bearer(key)).send({ method: 'existing_account', note: 'Signed in' });
        await eventually(async () => support.requests.some((r) => r.operation === 'export' && r.body.includes(id)) || undefined);
        // The stalled attempt dies mid-export (one ticket staged, then silence past timeoutMs); the process
        // stops while its retry is still waiting.
        const [interrupted] = await eventually(async () => {
          const rows = await first.dataSource.query(`SELECT status, last_error FROM workflow_step WHERE key = $1 AND last_error IS NOT NULL`, [`${id}:export:support`]);
          return rows.length ? rows : undefined;
        });
        expect(interrupted).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/^unavailable: support: /) });
      } finally {
        await first.close();
      }

      // 2. A new process: the reconciler restores the pending step from Postgres and it runs to the end.
      support.faults.clear();
      second = await bootApp(options);
      const done = await eventually(async () => {
        const [row] = await second!.dataSource.query(`SELECT status FROM dsr_request WHERE id = $1`, [id!]);
        return row.status === 'completed' ? row : undefined;
      }, 30_000);
      expect(done.status).toBe('completed');
      const packages = await second.dataSource.query(`SELECT sha256 FROM export_package WHERE request_id = $1`, [id!]);
      expect(packages).toHaveLength(1);
      const [exported] = await second.dataSource.query(`SELECT attempts, result FROM workflow_step WHERE key = $1`, [`${id!}:export:support`]);
      // The retried export started from a clean staging folder: both tickets once each, not the stalled one twice.
      expect(exported.result.tables).toEqual({ tickets: 2 });
      expect(support.requests.filter((r) => r.operation === 'export' && r.body.includes(id!)).length).toBeGreaterThanOrEqual(2);
    } finally {
      support.faults.clear();
      await second?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('objection: each objected purpose the subject had granted is withdrawn in the consent ledger', async () => {
    const subject = await seedSubject();
    const iam = (await createKey(t, ['iam'])).key;
    expect((await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(PURPOSE, { subjectId: subject.subjectId }))).status).toBe(201);
    const { id } = await fileVerified({ type: 'objection', ...subject, purposes: [PURPOSE] });
    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    const done = await mailTo(subject.email, /objection is recorded/);
    // The purpose by its title, not its key.
    expect(done.text).toContain('stopped processing your data for: Marketing emails.');
    expect(done.text).not.toContain(PURPOSE);
    const consents = await t.http.get(`/v1/subjects/${subject.subjectId}/consents`).set(...bearer(iam));
    expect(consents.body.purposes).toContainEqual(expect.objectContaining({ purpose: PURPOSE, state: 'withdrawn' }));
    const history = await t.http.get(`/v1/subjects/${subject.subjectId}/consents/history`).set(...bearer(iam));
    expect(history.body.items.map((e: { action: string; sourceSystem: string }) => [e.action, e.sourceSystem])).toEqual([
      ['granted', 'iam-api'],
      ['withdrawn', 'lethe-objection'],
    ]);
  }, 60_000);

  it('a refused request keeps no staged export on disk and runs no more steps', async () => {
    const subject = await seedSubject();
    support.faults.status(503, { operation: 'export' });
    try {
      const { id } = await fileVerified({ type: 'access', ...subject });
      await eventually(async () => (await workflow(id)).steps.find((s) => s.key === `${id}:export:crm` && s.status === 'succeeded'));
      // One folder per run of the step: this one ran once.
      const runs = readdirSync(join(t.config.workflows.exportDir, id, 'staging', 'crm'));
      expect(runs).toHaveLength(1);
      expect(readdirSync(join(t.config.workflows.exportDir, id, 'staging', 'crm', runs[0]!)).sort()).toEqual(['customers.csv.deflate', 'customers.ndjson.deflate', 'orders.csv.deflate', 'orders.ndjson.deflate']);
      const refused = await t.http.post(`/v1/requests/${id}/refuse`).set(...bearer(counsel)).send({ ground: 'manifestly_unfounded', explanation: 'A test of what a refusal leaves behind.' });
      expect(refused.status).toBe(200);
      await eventually(async () => !readdirSync(t.config.workflows.exportDir).includes(id) || undefined);
      expect((await workflow(id)).steps.find((s) => s.key === `${id}:export:support`)!.status).toBe('cancelled');
    } finally {
      support.faults.clear();
    }
  }, 60_000);
});
