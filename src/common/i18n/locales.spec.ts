import { existsSync, readFileSync } from 'node:fs';
import { LOCALES, negotiateLocale } from './locales.js';

describe('negotiateLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['fr-CA', 'fr'],
    ['en;q=0.5, fr;q=0.9', 'fr'],
    ['es, it', 'en'],
    ['es, de-AT;q=0.3', 'de'],
    ['de;q=0, fr', 'fr'],
    ['*', 'en'],
    ['DE', 'de'],
    ['de;q=0.7, fr;q=0.7', 'de'],
  ])('%s → %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});

describe('every language has every catalogue', () => {
  // The server's catalogues are typed Record<Locale, …>, so the compiler names a missing one; the
  // web app's catalogues live in another build, so this checks them against LOCALES.
  const index = readFileSync('web/privacy/src/i18n/index.tsx', 'utf8');
  const listed = /CATALOGUES = \{([^}]*)\}/.exec(index)?.[1]?.split(',').map((s) => s.trim()) ?? [];

  it.each(LOCALES)('%s: the privacy center pages, the pages without JavaScript, the mails, the documents', (locale) => {
    expect(listed).toContain(locale);
    for (const file of [`web/privacy/src/i18n/${locale}.ts`, `src/modules/privacy-center/basic/basic.${locale}.ts`, `src/modules/requests/mail/requester-mail.${locale}.ts`, `src/modules/workflows/documents/documents.${locale}.ts`]) {
      expect([file, existsSync(file)]).toEqual([file, true]);
    }
  });

  it('the web app offers no language the server does not speak', () => {
    expect([...listed].sort()).toEqual([...LOCALES].sort());
  });
});
