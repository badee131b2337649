import { negotiateLocale } from './locales.js';

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
