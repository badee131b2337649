import { addDuration, countryName, dateInWords, durationInWords, lawfulBasisInWords, retainUntilInWords, retentionInWords, transferMechanismName } from './plain-language.js';

describe('plain language', () => {
  it.each([
    ['P6Y', '6 years', 'years'],
    ['P1Y', '1 year', 'one of a unit is singular'],
    ['P1Y6M', '1 year and 6 months', 'two units joined by and'],
    ['P2Y3M10D', '2 years, 3 months and 10 days', 'three units: commas, then and'],
    ['P2W', '2 weeks', 'weeks'],
    ['PT36H', '36 hours', 'time part'],
    ['P0D', 'no time at all', 'zero'],
    ['6 years', '6 years', 'not ISO 8601: shown as it is'],
    ['P', 'P', 'an empty duration is not one'],
  ])('%s is "%s" — %s', (iso, words) => {
    expect(durationInWords(iso)).toBe(words);
  });

  it.each<[{ duration?: string; trigger?: string; criteria?: string }, string, string]>([
    [{ duration: 'P6Y', trigger: 'order shipped' }, '6 years from order shipped', 'duration from a trigger'],
    [{ duration: 'P2Y' }, '2 years', 'duration only'],
    [{ criteria: 'until the account is closed' }, 'until the account is closed', 'criteria only'],
    [{ duration: 'P1Y', criteria: 'longer if disputed' }, '1 year (longer if disputed)', 'criteria qualify a duration'],
    [{}, 'no period is recorded', 'nothing recorded says so'],
  ])('retention %j is "%s" — %s', (rule, words) => {
    expect(retentionInWords(rule)).toBe(words);
  });

  it.each<[string, Date | undefined, string, string]>([
    ['P7Y after the retention trigger', undefined, 'for 7 years after the event that starts the retention period (for example, the end of the contract)', 'the postgres adapter’s form: no date can be computed'],
    ['P6Y after order shipped', undefined, 'for 6 years after order shipped', 'a named trigger'],
    ['2033-03-01', undefined, 'until 1 March 2033', 'a date stays a date, in words'],
    ['P7Y', new Date('2026-02-28T12:00:00Z'), 'until 28 February 2033 (7 years)', 'a bare duration counted from when it was erased'],
    ['P1M', new Date('2026-01-31T00:00:00Z'), 'until 28 February 2026 (1 month)', 'no 31 February: the month’s last day'],
    ['P7Y', undefined, 'for 7 years', 'a bare duration with nothing to count from'],
    ['as long as the dispute lasts', undefined, 'as long as the dispute lasts', 'free text as it is'],
  ])('kept %s (from %s) is "%s" — %s', (retainUntil, from, words) => {
    expect(retainUntilInWords(retainUntil, from)).toBe(words);
  });

  it.each([
    ['sccs', 'EU Standard Contractual Clauses (Art 46(2)(c) GDPR)'],
    ['adequacy', 'an adequacy decision of the European Commission (Art 45 GDPR)'],
    ['bcrs', 'Binding Corporate Rules (Art 47 GDPR)'],
    ['art49_derogation', 'a derogation for specific situations (Art 49 GDPR)'],
    ['something_else', 'something_else'],
  ])('transfer mechanism %s is "%s"', (code, name) => {
    expect(transferMechanismName(code)).toBe(name);
  });

  it.each([
    ['consent', 'your consent (Art 6(1)(a) GDPR)'],
    ['legitimate_interests', 'our legitimate interests (Art 6(1)(f) GDPR)'],
    ['made_up', 'made up'],
  ])('lawful basis %s is "%s"', (basis, words) => {
    expect(lawfulBasisInWords(basis)).toBe(words);
  });

  it.each([
    ['2033-03-01T10:00:00.000Z', '1 March 2033'],
    ['not a date', 'not a date'],
  ])('date %s is "%s"', (iso, words) => {
    expect(dateInWords(iso)).toBe(words);
  });

  it('adds calendar years across a leap day', () => {
    expect(addDuration(new Date('2024-02-29T00:00:00Z'), 'P1Y')!.toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(addDuration(new Date('2024-02-29T00:00:00Z'), 'nope')).toBeNull();
  });

  it.each([
    ['US', 'United States'],
    ['GB', 'United Kingdom'],
    ['Narnia', 'Narnia'],
  ])('country %s is "%s"', (code, name) => {
    expect(countryName(code)).toBe(name);
  });
});
