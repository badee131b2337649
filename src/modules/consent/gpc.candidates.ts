import { type CatalogPurpose, noticeInLanguage } from '../purposes/purpose-catalog.js';
import { type GpcCandidate, planState } from './gpc.rules.js';

/**
 * The catalogue's purposes as the GPC rules weigh them: each with the subject's state (`states`, and
 * when the signal last opted them out) and the notice in force at `at` in the person's language.
 * Shared by the Sec-GPC header (gpc.service.ts) and a GPP string's Gpc flag (consent.signals.ts).
 */
export function gpcCandidates(
  entries: readonly CatalogPurpose[],
  states: ReadonlyMap<string, { state: string; since: string | null }>,
  lastSignal: ReadonlyMap<string, Date>,
  at: Date,
  locale: string | undefined,
): GpcCandidate[] {
  return entries.map((entry) => ({
    key: entry.purpose.key,
    optOutSignal: entry.purpose.optOutSignal,
    state: planState(states.get(entry.purpose.key), lastSignal.get(entry.purpose.key)),
    notice: noticeInLanguage(entry, at, locale),
  }));
}
