import AdmZip from 'adm-zip';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bearer, createKey, eventually } from '../factories/app.js';
import { consentEvent, publishNotice } from '../factories/consent.js';
import { startIdentityProvider, type TestIdentityProvider } from '../factories/oidc.js';
import { startSmtp } from '../factories/smtp.js';
import { axeScan, browserStorage, type Browser, type ConsoleApp, describeBrowser, freePort, launchChromium, openContext, type Page, PHONE, screenshot, startLethe } from './harness.js';

/**
 * The privacy center as a data subject meets it: nothing but a phone's browser and their mailbox
 * (a real SMTP server capturing what Lethe sends).
 */
describeBrowser('privacy center: make, prove and follow a request', () => {
  let t: ConsoleApp;
  let browser: Browser;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let idp: TestIdentityProvider;
  const tag = randomUUID().slice(0, 8);
  const sub = `usr_${tag}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    idp = await startIdentityProvider({ redirectUri: `http://127.0.0.1:${port}/v1/privacy/session/oidc/callback`, accounts: { [sub]: { email: `${tag}@example.org` } } });
    t = await startLethe({
      port,
      env: {
        LETHE_SUBJECT_OIDC_ISSUER: idp.issuer,
        LETHE_SUBJECT_OIDC_CLIENT_ID: idp.clientId,
        LETHE_SUBJECT_OIDC_CLIENT_SECRET: idp.clientSecret,
        SMTP_URL: smtp.url,
        LETHE_APPROVAL_REQUIRED_TYPES: 'erasure',
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
        LETHE_STEP_BACKOFF_MS: '50',
        LETHE_CONTROLLER_NAME: 'Acme Shop',
        LETHE_CONTROLLER_CONTACT: 'privacy@acme.example',
        LETHE_PRIVACY_NOTICE_URL: 'https://acme.example/privacy',
        LETHE_PRIVACY_ACCENT: '#ffcc00',
        LETHE_PRIVACY_LOGO_URL: `http://127.0.0.1:${port}/privacy/favicon.svg`,
        LETHE_DATA_STORES: JSON.stringify({
          stores: [{ id: 'shop', type: 'memory', tables: [{ name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact'] } }, erasure: { action: 'delete' } }] }],
        }),
      },
    });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
    await idp?.close();
  });

  const mailTo = (email: string, subject: RegExp) => smtp.waitFor((m) => m.to.includes(email) && subject.test(m.subject), 30_000);

  async function expectAccessible(page: Page, name: string) {
    expect(await axeScan(page)).toEqual([]);
    await screenshot(page, name);
  }

  /** Whether the element has the keyboard focus. */
  const isFocused = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement);

  /**
   * axe needs script (its checks run on timers, which a page without JavaScript never fires): the
   * page as the browser holds it is served again, from the same origin with its stylesheets, to a
   * browser with JavaScript, and scanned there.
   */
  async function expectAccessibleWithoutScript(page: Page, name: string) {
    await screenshot(page, name);
    const html = await page.content();
    const scanner = await openContext(browser, t.baseUrl, PHONE);
    await scanner.page.route(`${t.baseUrl}/privacy/basic/scan-copy`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await scanner.page.goto(`${t.baseUrl}/privacy/basic/scan-copy`);
    expect(await axeScan(scanner.page)).toEqual([]);
    await scanner.context.close();
  }

  it('is themed from configuration, and framed by nobody unless configured', async () => {
    const css = await t.http.get('/privacy/theme.css');
    expect(css.status).toBe(200);
    expect(css.type).toBe('text/css');
    // #ffcc00 on white reads at 1.6:1: the page gets a darkened variant that reads at 4.5:1.
    expect(css.text).toMatch(/^:root\{--accent-text:#[0-9a-f]{6};--accent-fill:#[0-9a-f]{6};--accent-line:#[0-9a-f]{6}\}\n$/);
    expect(css.text).not.toContain('#ffcc00');
    const page = await t.http.get('/privacy/');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('an access request from a phone: the form, the emailed code, the mailed link, the download', async () => {
    const email = `ada.${randomUUID().slice(0, 8)}@example.org`;
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    await page.goto(`${t.baseUrl}/privacy/`);
    await page.getByRole('heading', { level: 1, name: 'Your privacy at Acme Shop' }).waitFor();
    expect(await page.getByRole('link', { name: 'Our privacy notice' }).getAttribute('href')).toBe('https://acme.example/privacy');
    expect(await page.locator('header img').getAttribute('src')).toBe(`${t.baseUrl}/privacy/favicon.svg`);
    await expectAccessible(page, 'privacy-home-phone');

    await page.getByRole('link', { name: 'See your data' }).click();
    await page.getByRole('heading', { level: 1, name: 'See your data: your request' }).waitFor();
    // The legal clock's answer in words, before anything is sent.
    await page.getByText(/If you confirm it is you today, we must answer by \d{1,2} \w+ \d{4}\./).waitFor();
    await expectAccessible(page, 'privacy-request-form-phone');
    // A wrong address is caught before it is sent, in the browser's words.
    await page.getByLabel('Your email address').fill('not-an-address');
    await page.getByRole('button', { name: 'Send my request' }).click();
    expect(await page.getByLabel('Your email address').evaluate((input) => (input as { validity: { valid: boolean } }).validity.valid)).toBe(false);
    await page.getByLabel('Your email address').fill(email);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Where do you live?').selectOption('UK');
    await page.getByRole('button', { name: 'Send my request' }).click();

    await page.getByRole('heading', { level: 1, name: 'Your request: See your data' }).waitFor();
    await page.getByText('Waiting for you to confirm it is you').waitFor();
    const requestId = page.url().split('/').pop()!.split('?')[0];
    // Neither the address nor the token is in the address bar or the browser's storage.
    expect(page.url()).not.toContain(email);
    expect(page.url()).not.toContain('rt_');
    expect(await browserStorage(page)).not.toMatch(/rt_|@example\.org/);
    await expectAccessible(page, 'privacy-follow-code-phone');

    const codeMail = await mailTo(email, /^Your verification code: \d{6}$/);
    const code = /(\d{6})$/.exec(codeMail.subject)![1];
    // One wrong code first: it is refused in words, with the tries left.
    await page.getByLabel('Code from the email').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('That code is not right. You have 4 tries left before the request is locked.').waitFor();
    await page.getByLabel('Code from the email').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Thank you: it is you, and we are working on your request.').waitFor();

    // The mailed link opens the same request in another browser, and leaves the address at once.
    const received = await mailTo(email, /^We received your request/);
    const link = new RegExp(`${t.baseUrl}/privacy/requests/${requestId}#token=rt_[A-Za-z0-9_-]+`).exec(received.text)?.[0];
    expect(link).toBeDefined();
    expect(received.html).toContain(`href="${link}"`);
    await context.close();

    const mailbox = await openContext(browser, t.baseUrl, PHONE);
    const completed = await eventually(async () => {
      await mailbox.page.goto(link!);
      await mailbox.page.getByRole('heading', { level: 1, name: 'Your request: See your data' }).waitFor();
      return (await mailbox.page.getByText('Completed', { exact: true }).count()) > 0;
    }, 60_000, 1_000);
    expect(completed).toBe(true);
    expect(mailbox.page.url()).toBe(`${t.baseUrl}/privacy/requests/${requestId}?lang=en`);
    await mailbox.page.getByRole('listitem').filter({ hasText: 'You confirmed it is you' }).waitFor();
    await mailbox.page.getByRole('button', { name: 'Get my download link' }).click();
    const downloadLink = mailbox.page.getByRole('link', { name: 'Download my data (zip)' });
    await downloadLink.waitFor();
    await expectAccessible(mailbox.page, 'privacy-follow-completed-phone');
    const [download] = await Promise.all([mailbox.page.waitForEvent('download'), downloadLink.click()]);
    const zip = new AdmZip(readFileSync((await download.path())!));
    expect(zip.getEntries().length).toBeGreaterThan(0);
    // Reloaded, the page has no token left to use: it says where to find it.
    await mailbox.page.reload();
    await mailbox.page.getByText(/open the link in the email we sent you/).waitFor();
    expect(problems).toEqual([]);
    expect(mailbox.problems).toEqual([]);
    await mailbox.context.close();
  });

  it('a German browser gets German pages and mails; the requester withdraws in German; the switcher offers French', async () => {
    const email = `grete.${randomUUID().slice(0, 8)}@example.org`;
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE, [], { locale: 'de-DE' });
    await page.goto(`${t.baseUrl}/privacy/`);
    await page.getByRole('heading', { level: 1, name: 'Ihr Datenschutz bei Acme Shop' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expectAccessible(page, 'privacy-home-de');

    await page.getByRole('link', { name: 'Ihre Daten löschen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ihre Daten löschen: Ihr Antrag' }).waitFor();
    await expectAccessible(page, 'privacy-request-form-de');
    await page.getByLabel('Ihre E-Mail-Adresse').fill(email);
    await page.getByLabel('Wo wohnen Sie?').selectOption('EU');
    await page.getByRole('button', { name: 'Antrag absenden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ihr Antrag: Ihre Daten löschen' }).waitFor();
    await page.getByText('Wartet auf Ihre Bestätigung, dass Sie es sind').waitFor();
    await expectAccessible(page, 'privacy-follow-de');

    // The mails speak German too, and say so to mail clients.
    const code = await mailTo(email, /^Ihr Bestätigungscode: \d{6}$/);
    expect(code.html).toContain('lang="de"');
    await mailTo(email, /^Wir haben Ihren Antrag erhalten \(Löschung\)$/);

    // Withdrawing takes one confirmed step; Cancel leaves everything as it was.
    await page.getByRole('button', { name: 'Meinen Antrag zurückziehen' }).click();
    await page.getByRole('button', { name: 'Abbrechen' }).click();
    await page.getByRole('button', { name: 'Meinen Antrag zurückziehen' }).click();
    await expectAccessible(page, 'privacy-withdraw-confirm-de');
    await page.getByRole('button', { name: 'Ja, zurückziehen' }).click();
    await page.getByText('Ihr Antrag ist zurückgezogen. Wir haben Ihnen eine Bestätigung per E-Mail geschickt.').waitFor();
    await page.getByText('Von Ihnen zurückgezogen').waitFor();
    await mailTo(email, /^Ihr Antrag ist zurückgezogen$/);

    // The switcher: French at once, for this visit only (the choice lives in the address, not in storage).
    await page.getByRole('navigation', { name: 'Sprache' }).getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Votre demande : Supprimer vos données' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(page.url()).toContain('lang=fr');
    expect(await browserStorage(page)).toBe('{"local":{},"session":{},"cookies":""}');
    await page.goto(`${t.baseUrl}/privacy/?lang=fr`);
    await page.getByRole('heading', { level: 1, name: 'Votre vie privée chez Acme Shop' }).waitFor();
    await expectAccessible(page, 'privacy-home-fr');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('without JavaScript, a requester still makes a request and enters the code, in their language', async () => {
    const email = `noscript.${randomUUID().slice(0, 8)}@example.org`;
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE, [], { locale: 'fr-FR', javaScriptEnabled: false });
    await page.goto(`${t.baseUrl}/privacy/`);
    await page.getByRole('link', { name: 'la version simple' }).click();
    await page.getByRole('heading', { level: 1, name: 'Faire une demande concernant vos données personnelles' }).waitFor();
    await expectAccessibleWithoutScript(page, 'privacy-basic-form-fr');
    // Sent without choosing a right: the page comes back with the answers kept and the problem named.
    await page.getByLabel('Votre adresse e-mail').fill(email);
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.getByText('Choisissez ce que vous souhaitez que nous fassions.').waitFor();
    expect(await page.getByLabel('Votre adresse e-mail').inputValue()).toBe(email);
    await expectAccessibleWithoutScript(page, 'privacy-basic-form-errors-fr');
    await page.getByLabel(/Me transmettre une copie/).check();
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.getByRole('heading', { level: 1, name: /Confirmez/ }).waitFor();
    expect(page.url()).toBe(`${t.baseUrl}/privacy/basic/request`);
    await expectAccessibleWithoutScript(page, 'privacy-basic-code-fr');

    const mail = await mailTo(email, /\d{6}$/);
    expect(mail.html).toContain('lang="fr"');
    const code = /(\d{6})$/.exec(mail.subject)![1];
    await page.getByLabel('Code reçu par e-mail').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByText(/Il vous reste 4 essais/).waitFor();
    await page.getByLabel('Code reçu par e-mail').fill(code);
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByRole('heading', { level: 1, name: /Merci/ }).waitFor();
    await expectAccessibleWithoutScript(page, 'privacy-basic-confirmed-fr');
    // The token went in the forms' bodies only: no address held it.
    expect(page.url()).not.toContain('rt_');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signed in with their account, a subject whose browser sends Sec-GPC: 1 sees the opt-out recorded over an earlier opt-in, withdraws a consent and downloads its receipt', async () => {
    const counsel = (await createKey(t, ['counsel'])).key;
    const iam = (await createKey(t, ['iam'])).key;
    const news = `news-${tag}`;
    const sale = `sale-${tag}`;
    for (const [key, title, optOutSignal] of [[news, `Product news ${tag}`, false], [sale, `Sharing with ad partners ${tag}`, true]] as const) {
      const created = await t.http.post('/v1/purposes').set(...bearer(counsel)).send({ key, title, description: `${title}.`, lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y', optOutSignal });
      expect(created.status).toBe(201);
      await publishNotice(t, counsel, key, 'v1', '2020-01-01T00:00:00Z');
      expect((await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(key, { subjectId: sub }))).status).toBe(201);
    }

    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE, [idp.issuer], { extraHTTPHeaders: { 'Sec-GPC': '1' } });
    await page.goto(`${t.baseUrl}/privacy/`);
    await page.getByRole('link', { name: 'See and change your consents' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your consents' }).waitFor();
    await expectAccessible(page, 'privacy-consents-signed-out');
    await page.getByRole('link', { name: 'Sign in with your account' }).click();
    // oidc-provider's development login form, then its consent prompt.
    await page.locator('input[name=login]').fill(sub);
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.waitForURL((url) => url.pathname.startsWith('/privacy/') || url.pathname.includes('/interaction/'));
    if (page.url().includes('/interaction/')) await page.locator('button[type=submit]').first().click();
    await page.waitForURL(`${t.baseUrl}/privacy/consents?lang=en`);

    // The signal, honoured and said: the earlier opt-in gave way to it.
    const signal = page.getByRole('status').filter({ hasText: 'Your browser asked us not to sell or share your data' });
    // (On a shared server database other suites' covered purposes are listed too.)
    await signal.getByText(new RegExp(`We honour it as your opt-out of: .*Sharing with ad partners ${tag}`)).waitFor();
    await signal.getByText(new RegExp(`This replaced the consent you had given before for: .*Sharing with ad partners ${tag}`)).waitFor();
    const saleCard = page.getByRole('region', { name: `Sharing with ad partners ${tag}` });
    await saleCard.getByText(/You withdrew your consent on .*, under version v1 of our notice, by your browser’s Global Privacy Control signal\./).waitFor();
    await page.getByText(`Signed in as ${tag}@example.org`).waitFor();
    await expectAccessible(page, 'privacy-consents-gpc-phone');

    // Withdrawing is one action, as easy as giving.
    const newsCard = page.getByRole('region', { name: `Product news ${tag}` });
    await newsCard.getByRole('button', { name: 'Withdraw consent' }).click();
    await page.getByText(`Saved: you withdrew your consent to “Product news ${tag}”.`).waitFor();
    await newsCard.getByRole('button', { name: 'Give consent' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), newsCard.getByRole('button', { name: 'Download the receipt' }).click()]);
    expect(download.suggestedFilename()).toBe(`consent-receipt-${news}.json`);
    const receipt = readFileSync((await download.path())!, 'utf8');
    expect(receipt).toContain(news);
    expect(receipt).toContain('settings_page');
    expect(await browserStorage(page)).toBe('{"local":{},"session":{},"cookies":""}');

    const history = await t.http.get(`/v1/subjects/${sub}/consents/history`).set(...bearer(iam));
    const methods = history.body.items.map((e: { purpose: string; action: string; method: string }) => `${e.purpose}:${e.action}:${e.method}`);
    expect(methods).toEqual(expect.arrayContaining([`${sale}:withdrawn:gpc_signal`, `${news}:withdrawn:settings_page`]));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in with your account' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every page, in every language, passes axe; and a request can be made with the keyboard alone', async () => {
    const created = await t.http.post('/v1/requests').send({ type: 'rectification', email: `scan.${tag}@example.org`, jurisdiction: 'EU', changes: [{ field: 'email', newValue: 'new@example.org' }] });
    expect(created.status).toBe(202);
    const follow = `${t.baseUrl}/privacy/requests/${created.body.id}#token=${created.body.statusToken}`;
    const { context, page, problems } = await openContext(browser, t.baseUrl, PHONE);
    for (const lang of ['en', 'de', 'fr']) {
      const pages = ['/', '/request/access', '/request/rectification', '/consents', '/no-such-page', '/requests/00000000-0000-4000-8000-000000000000'];
      for (const path of pages) {
        await page.goto(`${t.baseUrl}/privacy${path}?lang=${lang}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        expect({ lang, path, violations: await axeScan(page) }).toEqual({ lang, path, violations: [] });
      }
      await page.goto(follow.replace('#', `?lang=${lang}#`));
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('input[autocomplete="one-time-code"]').waitFor();
      expect({ lang, path: 'follow', violations: await axeScan(page) }).toEqual({ lang, path: 'follow', violations: [] });
      await page.goto(`${t.baseUrl}/privacy/basic?lang=${lang}`);
      expect({ lang, path: 'basic', violations: await axeScan(page) }).toEqual({ lang, path: 'basic', violations: [] });
    }

    // Keyboard only: focus starts on the page's heading; Tab to the right, to the field, Enter to send.
    await page.goto(`${t.baseUrl}/privacy/?lang=en`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1');
    const link = page.getByRole('link', { name: 'Delete your data' });
    for (let i = 0; i < 20 && !(await isFocused(link)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Delete your data: your request' }).waitFor();
    const email = page.getByLabel('Your email address');
    for (let i = 0; i < 20 && !(await isFocused(email)); i++) await page.keyboard.press('Tab');
    await page.keyboard.type(`keys.${tag}@example.org`);
    await page.keyboard.press('Enter');
    await page.getByText('Waiting for you to confirm it is you').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
