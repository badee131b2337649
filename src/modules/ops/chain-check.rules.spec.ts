import { afterAuditRun, afterConsentRun, type ChainState, type ConsentSlice } from './chain-check.rules.js';

const state = (overrides: Partial<ChainState> = {}): ChainState => ({ ok: true, checked: 0, firstBrokenSeq: null, brokenSubjects: 0, cursor: '', ...overrides });
const slice = (broken: number, next: string | null): ConsentSlice => ({ subjects: 10, events: 40, broken, next });

describe('afterAuditRun', () => {
  it.each([
    ['first run, intact: nothing to audit', undefined, true, true, null],
    ['first run, broken: audited', undefined, false, false, 'failed'],
    ['intact → broken: audited', state(), false, false, 'failed'],
    ['still broken: not audited again', state({ ok: false }), false, false, null],
    ['broken → intact (restored from backup): audited', state({ ok: false }), true, true, 'recovered'],
    ['still intact', state(), true, true, null],
  ] as const)('%s', (_name, previous, valid, ok, expected) => {
    const { state: next, change } = afterAuditRun(previous, { valid, checked: 7, firstBrokenSeq: valid ? null : 3 });
    expect([next.ok, change, next.firstBrokenSeq]).toEqual([ok, expected, valid ? null : 3]);
  });
});

describe('afterConsentRun', () => {
  it.each([
    ['first slice clean: ok, go on from m', undefined, slice(0, 'm'), true, null, 0, 'm'],
    ['last slice clean: pass done, start again', state({ cursor: 'm' }), slice(0, null), true, null, 0, ''],
    ['a break: not ok at once', state({ cursor: 'm' }), slice(2, 't'), false, 'failed', 2, 't'],
    ['a clean slice later in the pass does not hide it', state({ ok: false, brokenSubjects: 2, cursor: 't' }), slice(0, 'x'), false, null, 2, 'x'],
    ['the pass ends broken: the count starts again', state({ ok: false, brokenSubjects: 2, cursor: 'x' }), slice(0, null), false, null, 0, ''],
    ['the next pass, clean so far: still not ok', state({ ok: false, cursor: '' }), slice(0, 'm'), false, null, 0, 'm'],
    ['a whole clean pass: ok again', state({ ok: false, cursor: 'm' }), slice(0, null), true, 'recovered', 0, ''],
  ] as const)('%s', (_name, previous, run, ok, expected, brokenSubjects, cursor) => {
    const { state: next, change } = afterConsentRun(previous, run);
    expect([next.ok, change, next.brokenSubjects, next.cursor, next.checked]).toEqual([ok, expected, brokenSubjects, cursor, 40]);
  });
});
