import AdmZip from 'adm-zip';
import { createHash, randomUUID } from 'node:crypto';
import { FixedClock } from '../../src/common/clock.js';
import { bearer, bootApp, createKey, onServer, TestApp } from '../factories/app.js';
import { startSmtp } from '../factories/smtp.js';

describe('subprocessors, change notices and the evidence pack', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counsel: string;
  let auditor: string;
  const clock = new FixedClock(new Date());
  const tag = randomUUID().slice(0, 6);
  const subscriber = `dpo.${tag}@customer.example`;

  const vendor = (name: string, overrides: Record<string, unknown> = {}) => ({
    name: `${name} ${tag}`,
    legalEntity: `${name} Ltd`,
    service: 'Email delivery',
    processingCountries: ['IE'],
    dataCategories: ['contact.email'],
    dpaSignedOn: '2026-01-15',
    dpaUrl: 'https://contracts.example.com/dpa/1',
    transferMechanism: 'none',
    certifications: [{ name: 'ISO 27001' }, { name: 'SOC 2 Type II', reportDate: '2026-03-31' }],
    riskRating: 'medium',
    nextReviewOn: '2027-01-15',
    ...overrides,
  });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ clock, env: { SMTP_URL: smtp.url } });
    counsel = (await createKey(t, ['counsel'])).key;
    auditor = (await createKey(t, ['auditor'])).key;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('a customer contact subscribes by double opt-in', async () => {
    expect((await t.http.post('/v1/public/subprocessors/subscriptions').send({ email: subscriber })).status).toBe(202);
    const confirm = await smtp.waitFor((m) => m.to.includes(subscriber) && /Confirm/.test(m.subject));
    const token = /token=(sub_[A-Za-z0-9_-]+)/.exec(confirm.text)![1]!;
    expect((await t.http.post('/v1/public/subprocessors/subscriptions/confirm').send({ token: 'sub_wrong-token-000' })).status).toBe(404);
    expect((await t.http.get(`/v1/public/subprocessors/subscriptions/confirm?token=${token}`)).body).toEqual({ confirmed: true });
  });

  it('the emailed confirmation link answers a person with a page, and an API client with JSON', async () => {
    const person = `person.${tag}@example.org`;
    expect((await t.http.post('/v1/public/subprocessors/subscriptions').send({ email: person })).status).toBe(202);
    const confirm = await smtp.waitFor((m) => m.to.includes(person) && /Confirm/.test(m.subject));
    const link = new URL(/(http\S+subscriptions\/confirm\?token=\S+)/.exec(confirm.text)![1]!);
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = await t.http.get(`${link.pathname}${link.search}`).set('Accept', browser);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<h1>You are subscribed</h1>');
    expect(page.text).not.toMatch(/<script|https?:\/\//);
    // Following it again, or a wrong token: a page that says so, not raw JSON.
    const wrong = await t.http.get('/v1/public/subprocessors/subscriptions/confirm?token=sub_wrong-token-000').set('Accept', browser);
    expect(wrong.status).toBe(404);
    expect(wrong.headers['content-type']).toMatch(/^text\/html/);
    expect(wrong.text).toContain('This link does not work');
    const api = await t.http.get('/v1/public/subprocessors/subscriptions/confirm?token=sub_wrong-token-000').set('Accept', 'application/json');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a proposed subprocessor opens a notice, mails subscribers, and becomes active only after the window', async () => {
    const proposed = await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('MailCo', { processingCountries: ['US'], transferMechanism: 'sccs' }));
    expect(proposed.status).toBe(201);
    const { subprocessor, notice } = proposed.body;
    expect(subprocessor.status).toBe('proposed');
    const mail = await smtp.waitFor((m) => m.to.includes(subscriber) && m.subject.includes(`MailCo ${tag}`));
    expect(mail.text).toContain('Article 28(2)');
    expect(mail.text).toContain(notice.objectionDeadline.slice(0, 10));

    const objection = await t.http.post(`/v1/subprocessor-notices/${notice.id}/objections`).set(...bearer(counsel)).send({ customer: 'Acme Corp', reason: 'Data must stay in the EEA' });
    expect(objection.status).toBe(201);

    const early = await t.http.post(`/v1/subprocessors/${subprocessor.id}/activate`).set(...bearer(t.adminKey));
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('urn:lethe:problem:objection_window_open');
    clock.advance(31 * 86_400_000);
    try {
      const activated = await t.http.post(`/v1/subprocessors/${subprocessor.id}/activate`).set(...bearer(t.adminKey));
      expect(activated.status).toBe(200);
      expect(activated.body.status).toBe('active');
    } finally {
      clock.advance(-31 * 86_400_000);
    }
    const notices = await t.http.get('/v1/subprocessor-notices').set(...bearer(auditor));
    expect(notices.body.items.find((n: { id: string }) => n.id === notice.id)).toMatchObject({ status: 'closed', objections: [expect.objectContaining({ customer: 'Acme Corp' })] });
  });

  it('every notice email carries a stop link: following it asks, pressing the button (or one-click, RFC 8058) stops them', async () => {
    const person = `stop.${tag}@customer.example`;
    await t.http.post('/v1/public/subprocessors/subscriptions').send({ email: person });
    const confirm = await smtp.waitFor((m) => m.to.includes(person) && /Confirm/.test(m.subject));
    await t.http.get(/(http\S+subscriptions\/confirm\?token=\S+)/.exec(confirm.text)![1]!.replace(/^http:\/\/[^/]+/, ''));
    await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('StopCo'));
    const mail = await smtp.waitFor((m) => m.to.includes(person) && m.subject.includes(`StopCo ${tag}`));
    const link = new URL(/To stop these emails: (\S+)/.exec(mail.text)![1]!);
    expect(mail.headers['list-unsubscribe']).toBe(`<${link.href}>`);
    // One-click needs an https link: this test server's public URL is http.
    expect(mail.headers['list-unsubscribe-post']).toBeUndefined();
    const path = `${link.pathname}${link.search}`;

    // Following the link in a browser (or a mail scanner fetching it) only asks.
    const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const asked = await t.http.get(path).set('Accept', html);
    expect(asked.status).toBe(200);
    expect(asked.headers['content-type']).toMatch(/^text\/html/);
    expect(asked.text).toContain('<h1>Stop subprocessor change notices?</h1>');
    expect(asked.text).toContain('<form method="post"><button type="submit"');
    expect((await t.http.get(path)).body).toEqual({ valid: true });
    const stopped = await t.http.post(path).set('Accept', html);
    expect(stopped.status).toBe(200);
    expect(stopped.text).toContain('<h1>You will get no more notices</h1>');
    // A mail client's one-click unsubscribe, again: still stopped, audited once.
    const oneClick = await t.http.post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(oneClick.body).toEqual({ unsubscribed: true });
    const audit = await t.http.get(`/v1/audit-events?action=subprocessor.subscriber_unsubscribed&targetId=${link.searchParams.get('id')}`).set(...bearer(t.adminKey));
    expect(audit.body.items).toHaveLength(1);

    await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('AfterCo'));
    await smtp.waitFor((m) => m.to.includes(subscriber) && m.subject.includes(`AfterCo ${tag}`));
    expect(smtp.mails.filter((m) => m.to.includes(person) && m.subject.includes(`AfterCo ${tag}`))).toEqual([]);

    // Subscribing again works, even if the old stop link is pressed while the new confirmation waits.
    clock.advance(60_000); // the confirmation mail's job key holds the time: this fixed clock must move
    await t.http.post('/v1/public/subprocessors/subscriptions').send({ email: person });
    const again = await smtp.waitFor((m) => m.to.includes(person) && /Confirm/.test(m.subject) && m !== confirm);
    expect((await t.http.post(path)).body).toEqual({ unsubscribed: true });
    await t.http.get(/(http\S+subscriptions\/confirm\?token=\S+)/.exec(again.text)![1]!.replace(/^http:\/\/[^/]+/, ''));
    await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('BackCo'));
    await smtp.waitFor((m) => m.to.includes(person) && m.subject.includes(`BackCo ${tag}`));

    // A link we did not send: a page that says so; a malformed one: 400 naming the field.
    const forged = `${link.pathname}?id=${link.searchParams.get('id')}&token=${'0'.repeat(64)}`;
    expect((await t.http.post(forged)).status).toBe(404);
    expect((await t.http.get(forged)).body.type).toBe('urn:lethe:problem:not_found');
    expect((await t.http.get(forged).set('Accept', 'text/html')).text).toContain('This link does not work');
    const malformed = await t.http.get(`${link.pathname}?id=${link.searchParams.get('id')}&token=short`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { path: string }) => e.path)).toEqual(['token']);
  });

  it('an admin may override the window with a reason (audited); a replacement offboards the one it replaces', async () => {
    const old = (await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('OldCo'))).body.subprocessor;
    await t.http.post(`/v1/subprocessors/${old.id}/override`).set(...bearer(t.adminKey)).send({ reason: 'Existing vendor carried over from the old register' });
    const replacement = (await t.http.post('/v1/subprocessors').set(...bearer(counsel)).send(vendor('NewCo', { replaces: old.id }))).body.subprocessor;
    const overridden = await t.http.post(`/v1/subprocessors/${replacement.id}/override`).set(...bearer(t.adminKey)).send({ reason: 'Security incident at OldCo: switching now' });
    expect(overridden.body.status).toBe('active');
    const all = await t.http.get('/v1/subprocessors').set(...bearer(counsel));
    expect(all.body.items.find((s: { id: string }) => s.id === old.id).status).toBe('offboarded');
    const audit = await t.http.get(`/v1/audit-events?targetId=${replacement.id}&action=subprocessor.activated_by_override`).set(...bearer(t.adminKey));
    expect(audit.body.items).toHaveLength(1);
    expect((await t.http.post(`/v1/subprocessors/${replacement.id}/override`).set(...bearer(t.adminKey)).send({ reason: 'short' })).status).toBe(400);
  });

  it('the public list shows only public fields, without a key; the feed lists changes', async () => {
    const list = await t.http.get('/v1/public/subprocessors');
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    const mailco = list.body.items.find((s: { name: string }) => s.name === `MailCo ${tag}`);
    expect(Object.keys(mailco).sort()).toEqual(['dataCategories', 'legalEntity', 'name', 'objectionDeadline', 'processingCountries', 'service', 'status', 'transferMechanism']);
    expect(JSON.stringify(list.body)).not.toMatch(/dpaUrl|riskRating|certifications/);
    expect(list.body.items.find((s: { name: string }) => s.name === `OldCo ${tag}`)).toBeUndefined();
    const feed = await t.http.get('/v1/public/subprocessors/feed.json');
    expect(feed.body.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.body.items.map((i: { content_text: string }) => i.content_text).join('\n')).toContain(`MailCo ${tag} is now active`);
  });

  it('the evidence pack holds every file its manifest lists, with matching hashes; the download is audited', async () => {
    const from = new Date(clock.now().getTime() - 86_400_000).toISOString();
    const to = new Date(clock.now().getTime() + 86_400_000).toISOString();
    const response = await t.http.get(`/v1/evidence-pack?from=${from}&to=${to}`).set(...bearer(auditor)).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const zip = new AdmZip(response.body as Buffer);
    const names = zip.getEntries().map((e) => e.entryName).sort();
    expect(names).toEqual([
      'api-keys.json',
      'audit-trail-verification.json',
      'consent-ledger-verification.json',
      'manifest.json',
      'register.html',
      'register.json',
      'request-statistics.json',
      'subprocessor-notices.json',
      'subprocessors.json',
    ]);
    const manifest = JSON.parse(zip.readAsText('manifest.json'));
    for (const file of manifest.files) {
      expect([file.name, createHash('sha256').update(zip.getEntry(file.name)!.getData()).digest('hex')]).toEqual([file.name, file.sha256]);
    }
    expect(JSON.parse(zip.readAsText('audit-trail-verification.json'))).toMatchObject({ valid: true });
    const consent = JSON.parse(zip.readAsText('consent-ledger-verification.json'));
    expect(consent.valid).toBe(consent.broken.length === 0);
    // On a shared server database the consent suite's tampering tests leave broken chains behind, and the pack must say so.
    if (!onServer) expect(consent).toMatchObject({ valid: true, broken: [] });
    expect(zip.readAsText('api-keys.json')).not.toMatch(/secret|lth_[A-Za-z0-9_-]{43}/);
    expect(JSON.parse(zip.readAsText('subprocessors.json')).some((s: { name: string }) => s.name === `MailCo ${tag}`)).toBe(true);
    const audit = await t.http.get('/v1/audit-events?action=evidence_pack.downloaded').set(...bearer(t.adminKey));
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
    expect((await t.http.get(`/v1/evidence-pack?from=${to}&to=${from}`).set(...bearer(auditor))).status).toBe(400);
  });
});
