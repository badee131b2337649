import type { VerifyResult } from '../../common/audit/audit.chain.js';

/** What chain_check keeps of one chain between runs. */
export interface ChainState {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
  brokenSubjects: number;
  cursor: string;
}

/** One run's slice of the consent ledger (ConsentService.verifySlice). */
export interface ConsentSlice {
  subjects: number;
  events: number;
  broken: number;
  /** Where the next slice starts; null when this one reached the last subject (the pass is complete). */
  next: string | null;
}

/** The change the audit trail records: the verdict turned (never the same verdict again). */
export type ChainChange = 'failed' | 'recovered' | null;

function change(previous: ChainState | undefined, ok: boolean): ChainChange {
  if (!ok && previous?.ok !== false) return 'failed';
  if (ok && previous?.ok === false) return 'recovered';
  return null;
}

/** The audit trail is verified whole on every run: its verdict is that run's. */
export function afterAuditRun(previous: ChainState | undefined, result: VerifyResult): { state: ChainState; change: ChainChange } {
  const state = { ok: result.valid, checked: result.checked, firstBrokenSeq: result.firstBrokenSeq, brokenSubjects: 0, cursor: '' };
  return { state, change: change(previous, state.ok) };
}

/**
 * The consent ledger is verified a slice of subjects per run, a pass after pass. A break makes it
 * not ok at once; it is ok again only after a whole pass found none, so a clean slice never hides
 * a broken chain found earlier.
 */
export function afterConsentRun(previous: ChainState | undefined, slice: ConsentSlice): { state: ChainState; change: ChainChange } {
  const brokenInPass = (previous?.brokenSubjects ?? 0) + slice.broken;
  const passDone = slice.next === null;
  const ok = brokenInPass === 0 && (passDone || (previous?.ok ?? true));
  const state = { ok, checked: slice.events, firstBrokenSeq: null, brokenSubjects: passDone ? 0 : brokenInPass, cursor: slice.next ?? '' };
  return { state, change: change(previous, ok) };
}
