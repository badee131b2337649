import { type GpcPlan, type GpcPurpose, gpcSignal, gpcWithdrawals, planGpcOptOut, planState } from './gpc.rules.js';

describe('Global Privacy Control: the signal', () => {
  const cases: Array<{ rule: string; header: string | string[] | undefined; signal: boolean }> = [
    { rule: 'GPC spec §3: "1" is the signal', header: '1', signal: true },
    { rule: 'whitespace around a field value is not part of it', header: ' 1 ', signal: true },
    { rule: 'no header: no signal', header: undefined, signal: false },
    { rule: '"0" is not a defined value: no signal (and never an opt-in)', header: '0', signal: false },
    { rule: '"true" is not the defined value', header: 'true', signal: false },
    { rule: '"1, 1": not the defined form', header: '1, 1', signal: false },
    { rule: 'empty value', header: '', signal: false },
    { rule: 'repeated fields are not the defined form', header: ['1', '1'], signal: false },
  ];
  it.each(cases)('$rule', ({ header, signal }) => {
    expect(gpcSignal(header)).toBe(signal);
  });
});

describe('Global Privacy Control: what a signal records (11 CCR §7025, the text in force in 2026)', () => {
  const sale: GpcPurpose = { key: 'sale', optOutSignal: true, state: 'none' };
  const ads: GpcPurpose = { key: 'targeted_ads', optOutSignal: true, state: 'granted' };
  const news: GpcPurpose = { key: 'newsletter', optOutSignal: false, state: 'granted' };
  const none: GpcPlan = { optOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [] };

  const cases: Array<{ rule: string; signal: boolean; purposes: GpcPurpose[]; plan: GpcPlan }> = [
    { rule: 'no signal changes nothing, even with covered purposes granted (absence is not consent either way)', signal: false, purposes: [sale, ads, news], plan: none },
    { rule: '§7025(b), (c)(1): a covered purpose never chosen is opted out', signal: true, purposes: [sale], plan: { optOut: ['sale'], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [] } },
    { rule: '§7025(c)(3): the signal wins over an earlier opt-in, which is reported for re-consent', signal: true, purposes: [ads], plan: { optOut: ['targeted_ads'], overrodeOptIn: ['targeted_ads'], alreadyOptedOut: [], reconsented: [] } },
    { rule: 'already opted out: nothing new recorded, still honoured', signal: true, purposes: [{ ...sale, state: 'withdrawn' }], plan: { optOut: [], overrodeOptIn: [], alreadyOptedOut: ['sale'], reconsented: [] } },
    { rule: '§7025(c)(3): consent given again after the signal’s opt-out stands (the browser keeps sending the signal)', signal: true, purposes: [{ ...ads, state: 'reconsented' }], plan: { optOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: ['targeted_ads'] } },
    { rule: 'purposes the catalogue does not mark as covered by opt-out signals are left alone', signal: true, purposes: [news], plan: none },
    {
      rule: 'a mixed catalogue: every covered purpose, in catalogue order',
      signal: true,
      purposes: [news, ads, sale, { key: 'sharing', optOutSignal: true, state: 'withdrawn' }],
      plan: { optOut: ['targeted_ads', 'sale'], overrodeOptIn: ['targeted_ads'], alreadyOptedOut: ['sharing'], reconsented: [] },
    },
  ];
  it.each(cases)('$rule', ({ signal, purposes, plan }) => {
    expect(planGpcOptOut(signal, purposes)).toEqual(plan);
  });
});

describe('Global Privacy Control: the state the rules read', () => {
  const signalAt = new Date('2026-11-01T00:00:00Z');
  it.each<[string, { state: string; since: string | null } | undefined, Date | undefined, string]>([
    ['a grant with no earlier signal is an opt-in the signal overrides', { state: 'granted', since: '2026-10-01T00:00:00Z' }, undefined, 'granted'],
    ['a grant before the signal’s last opt-out is overridden again', { state: 'granted', since: '2026-10-01T00:00:00Z' }, signalAt, 'granted'],
    ['a grant after the signal’s last opt-out answers the re-consent offer', { state: 'granted', since: '2026-11-02T00:00:00Z' }, signalAt, 'reconsented'],
    ['withdrawn stays withdrawn', { state: 'withdrawn', since: '2026-10-01T00:00:00Z' }, undefined, 'withdrawn'],
    ['erased: no event opts out, so the signal records one', { state: 'erased', since: '2026-10-01T00:00:00Z' }, undefined, 'none'],
    ['nothing recorded', undefined, undefined, 'none'],
  ])('%s', (_rule, current, lastSignal, expected) => {
    expect(planState(current, lastSignal)).toBe(expected);
  });
});

describe('Global Privacy Control: the events one signal records', () => {
  const template = { subjectId: 'usr_1', occurredAt: '2026-11-23T10:00:00.000Z', sourceSystem: 'iam-api', proof: { jurisdiction: 'US-CA' } };
  it('a withdrawn gpc_signal event per purpose opted out, against its notice; none without a notice in force', () => {
    const result = gpcWithdrawals(
      true,
      [
        { key: 'sale', optOutSignal: true, state: 'granted', notice: { version: 'v2', language: 'en' } },
        { key: 'ads', optOutSignal: true, state: 'none', notice: undefined },
        { key: 'news', optOutSignal: false, state: 'granted', notice: { version: 'v1', language: 'en' } },
      ],
      template,
    );
    expect(result.events).toEqual([
      { subjectId: 'usr_1', purpose: 'sale', action: 'withdrawn', noticeVersion: 'v2', noticeLanguage: 'en', occurredAt: template.occurredAt, method: 'gpc_signal', sourceSystem: 'iam-api', proof: template.proof },
    ]);
    expect(result.withoutNotice).toEqual(['ads']);
    expect(result.plan.overrodeOptIn).toEqual(['sale']);
    expect(gpcWithdrawals(false, [{ key: 'sale', optOutSignal: true, state: 'granted', notice: { version: 'v2', language: 'en' } }], template).events).toEqual([]);
  });
});
