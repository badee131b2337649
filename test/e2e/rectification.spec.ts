import { randomUUID } from 'node:crypto';
import { MemoryAdapter } from '../../src/modules/data-stores/adapters/memory.adapter.js';
import { parseStoresConfig } from '../../src/config/data-stores.config.js';
import { DataStoreRegistry } from '../../src/modules/data-stores/data-store.registry.js';
import { bearer, bootApp, createKey, eventually, TestApp } from '../factories/app.js';
import { HttpStore, startHttpStore } from '../factories/http-store.js';
import { startSmtp } from '../factories/smtp.js';

/**
 * Rectification end to end: the fields a requester may correct are published from the data stores'
 * configuration, unknown fields are refused at intake, and a field no store can change holds the
 * request for counsel instead of completing it with a correction that did not happen.
 */
const SECRET = 'loyalty-app-shared-secret-0123456789ab';
const shopTables = [
  {
    name: 'customers',
    identity: { column: 'email', matches: 'email' },
    columns: {
      email: { categories: ['contact.email'] },
      name: { categories: ['identity.name'], rectifiable: true, label: 'Full name' },
      phone: { categories: ['contact.phone'], rectifiable: true },
      shipping_address: { categories: ['contact.address'], rectifiable: true, label: 'Delivery address' },
    },
    erasure: { action: 'delete' },
  },
];
/** The loyalty app's service: its configuration in Lethe says it corrects nicknames; the service itself holds none. */
const loyaltyData = new MemoryAdapter(
  parseStoresConfig([{ id: 'loyalty', type: 'memory', tables: [{ name: 'members', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] } }, erasure: { action: 'delete' } }] }])[0]!,
  'salt',
);

describe('rectification', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let loyalty: HttpStore;
  let counsel: string;
  let shop: MemoryAdapter;

  beforeAll(async () => {
    smtp = await startSmtp();
    loyalty = await startHttpStore({ secret: SECRET, adapter: loyaltyData });
    t = await bootApp({
      env: {
        SMTP_URL: smtp.url,
        LETHE_STEP_ATTEMPTS: '3',
        LETHE_STEP_BACKOFF_MS: '50',
        LETHE_DATA_STORES: JSON.stringify([
          { id: 'shop', type: 'memory', tables: shopTables },
          { id: 'loyalty', type: 'http', baseUrl: loyalty.url, secret: SECRET, retries: 0, rectifiable: { nickname: 'Nickname' } },
        ]),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    shop = t.app.get(DataStoreRegistry).get('shop') as MemoryAdapter;
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await loyalty?.close();
  });

  const subject = () => {
    const email = `ada.${randomUUID().slice(0, 8)}@example.org`;
    shop.data.customers!.push({ email, name: 'Ada Lovelace', phone: '+44 1', shipping_address: '1 Old Row' });
    return email;
  };
  const workflow = async (id: string) => (await t.http.get(`/v1/requests/${id}/workflow`).set(...bearer(counsel))).body as { steps: { step: string; storeId: string; status: string; error: string | null }[] };
  const statusOf = async (id: string) => ((await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel))).body as { status: string }).status;

  /** Counsel records the request, confirms identity and approves it. */
  async function fileApproved(email: string, changes: { field: string; newValue: string }[]): Promise<string> {
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'rectification', email, changes });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' })).status).toBe(200);
    expect((await t.http.post(`/v1/requests/${id}/approve`).set(...bearer(counsel))).status).toBe(200);
    return id;
  }

  it('publishes the correctable fields with plain-language labels, to anyone', async () => {
    const res = await t.http.get('/v1/requests/rectifiable-fields');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { field: 'name', label: 'Full name' },
        { field: 'nickname', label: 'Nickname' },
        { field: 'phone', label: 'Phone' },
        { field: 'shipping_address', label: 'Delivery address' },
      ],
      nextCursor: null,
    });
  });

  it('refuses a field no store publishes at intake, naming the change and listing the accepted fields', async () => {
    const res = await t.http.post('/v1/requests').send({ type: 'rectification', email: 'someone@example.org', changes: [{ field: 'phone', newValue: '+44 2' }, { field: 'address', newValue: '2 New Row' }] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('urn:lethe:problem:validation_failed');
    expect(res.body.errors).toEqual([{ path: 'changes[1].field', message: expect.stringContaining('shipping_address (Delivery address)') }]);
    expect(smtp.mails.filter((m) => m.to.includes('someone@example.org'))).toEqual([]);
  });

  it('a correction every field of which a store took completes and says what changed where', async () => {
    const email = subject();
    const id = await fileApproved(email, [{ field: 'shipping_address', newValue: '2 New Row' }]);
    const done = await smtp.waitFor((m) => m.to.includes(email) && /has been corrected/.test(m.subject), 30_000);
    expect(done.text).toContain('Delivery address: corrected in shop');
    expect(done.text).not.toContain('shipping_address');
    expect(done.text).not.toMatch(/could not correct/);
    expect(shop.data.customers!.find((c) => c.email === email)).toMatchObject({ shipping_address: '2 New Row' });
    expect((await workflow(id)).steps.find((s) => s.step === 'check')).toMatchObject({ status: 'succeeded' });
  }, 60_000);

  it('a field no store could change holds the request for counsel; waiving with what was done completes it and tells the requester', async () => {
    const email = subject();
    const id = await fileApproved(email, [{ field: 'phone', newValue: '+44 20 7946 0000' }, { field: 'nickname', newValue: 'Countess' }]);
    const check = await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'check' && s.status === 'failed'), 30_000);
    expect(check.error).toMatch(/no data store could correct nickname/);
    const alert = await smtp.waitFor((m) => m.to.includes(t.config.mail.counselEmail) && m.subject.includes('check') && m.text.includes(id), 30_000);
    expect(alert.text).toContain('needs you');
    // Held: not completed, and the requester was not told of a correction.
    expect(await statusOf(id)).toBe('in_progress');
    expect(smtp.mails.some((m) => m.to.includes(email) && /has been corrected/.test(m.subject))).toBe(false);
    expect(shop.data.customers!.find((c) => c.email === email)).toMatchObject({ phone: '+44 20 7946 0000' });

    const waived = await t.http.post(`/v1/requests/${id}/steps/check/-/waive`).set(...bearer(counsel)).send({ reason: 'We changed your nickname in the loyalty app by hand on 1 December.' });
    expect(waived.status).toBe(200);
    const done = await smtp.waitFor((m) => m.to.includes(email) && /has been corrected/.test(m.subject), 30_000);
    expect(done.text).toContain('Phone: corrected in shop');
    expect(done.text).toContain('could not correct nickname automatically; our privacy team handled it: We changed your nickname in the loyalty app by hand on 1 December.');
    expect(done.text).not.toContain('Not changed anywhere');
    expect(await statusOf(id)).toBe('completed');
  }, 90_000);

  it('a field a store publishes but where no row of the requester was found is held for counsel too, not reported done', async () => {
    // Counsel recorded it under an address the shop does not know: the store changed 0 rows.
    const email = `unknown.${randomUUID().slice(0, 8)}@example.org`;
    const id = await fileApproved(email, [{ field: 'shipping_address', newValue: '3 Nowhere Lane' }]);
    const check = await eventually(async () => (await workflow(id)).steps.find((s) => s.step === 'check' && s.status === 'failed'), 30_000);
    expect(check.error).toMatch(/no data store could correct shipping_address/);
    expect(await statusOf(id)).toBe('in_progress');
    expect(smtp.mails.some((m) => m.to.includes(email) && /has been corrected/.test(m.subject))).toBe(false);
  }, 90_000);
});
