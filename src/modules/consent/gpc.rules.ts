/**
 * Global Privacy Control: what one request's signal does to a subject's consents. Pure, so that the
 * rules can be read and tested as a table (gpc.rules.spec.ts).
 *
 * Sources:
 * - GPC specification (W3C Privacy CG, "Global Privacy Control", §3 "The Sec-GPC header field"):
 *   the header's only defined value is `1`; any other value, or no header, is no signal.
 * - California, 11 CCR §7025 (opt-out preference signals; the text in force in 2026):
 *   (b) a signal sent as an HTTP header is a valid request to opt out of sale/sharing;
 *   (c)(1) it applies to the browser or device, to any profile associated with it, and to the
 *   consumer when known; (c)(3) where it conflicts with a business-specific setting that allows
 *   sale/sharing (an earlier opt-in), the signal is processed as an opt-out, and the business may
 *   tell the consumer of the conflict and offer them the chance to consent again. A consent given
 *   in answer to that offer (a grant recorded after the signal's opt-out) stands: the browser keeps
 *   sending the signal, and overriding the answer at every request would make the offer empty.
 * - Nothing in either turns the absence of a signal into consent: no signal changes nothing.
 * - IAB Global Privacy Platform, US sections: a section's `Gpc` field carries the same browser
 *   signal as the CMP saw it. An event whose GPP string says Gpc = 1 is treated as a request that
 *   carried `Sec-GPC: 1` (iab-signals.ts decodes it; ConsentSignals in consent.signals.ts applies these rules).
 */

import type { ConsentEventDto, ConsentProofDto } from './consent.dto.js';

/** True only for the exact header value `1` (surrounding whitespace is not part of a field value). */
export function gpcSignal(header: string | readonly string[] | undefined): boolean {
  if (Array.isArray(header)) return false; // repeated Sec-GPC fields are not the defined form
  return typeof header === 'string' && header.trim() === '1';
}

/** `reconsented`: granted again after an opt-out this signal recorded earlier. */
export type ConsentStateName = 'granted' | 'reconsented' | 'withdrawn' | 'none';

export interface GpcPurpose {
  key: string;
  /** The catalogue marks the purpose as covered by opt-out signals (sale/sharing, targeted advertising). */
  optOutSignal: boolean;
  /** The subject's current state for it. */
  state: ConsentStateName;
}

export interface GpcPlan {
  /** Purposes to record a `withdrawn` event for, method `gpc_signal`. */
  optOut: string[];
  /** Of those, the ones that overrode an earlier opt-in (§7025(c)(3): the person may be offered re-consent). */
  overrodeOptIn: string[];
  /** Covered purposes already opted out: nothing to record, but the signal is honoured. */
  alreadyOptedOut: string[];
  /** Covered purposes the person consented to again after the signal's opt-out: left as they chose. */
  reconsented: string[];
}

/**
 * The events one signal calls for. A covered purpose with no event yet is opted out too: for sale and
 * sharing the default is "not opted out", so the signal must be recorded to have any effect.
 */
export function planGpcOptOut(signal: boolean, purposes: readonly GpcPurpose[]): GpcPlan {
  const plan: GpcPlan = { optOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [] };
  if (!signal) return plan;
  for (const purpose of purposes) {
    if (!purpose.optOutSignal) continue;
    if (purpose.state === 'withdrawn') {
      plan.alreadyOptedOut.push(purpose.key);
      continue;
    }
    if (purpose.state === 'reconsented') {
      plan.reconsented.push(purpose.key);
      continue;
    }
    plan.optOut.push(purpose.key);
    if (purpose.state === 'granted') plan.overrodeOptIn.push(purpose.key);
  }
  return plan;
}

/**
 * The state the rules read from a read of the subject's consents. A grant recorded after this
 * signal's last opt-out is an answer to the re-consent offer. An erased subject has no event that
 * opts out (only none is live), so the signal records one.
 */
export function planState(current: { state: string; since: string | null } | undefined, lastSignal: Date | undefined): ConsentStateName {
  if (current?.state === 'granted') return lastSignal && current.since && Date.parse(current.since) > lastSignal.getTime() ? 'reconsented' : 'granted';
  if (current?.state === 'withdrawn') return 'withdrawn';
  return 'none';
}

export interface GpcCandidate extends GpcPurpose {
  /** The notice in force now (in the proof's language where published in it); none: nothing to record against. */
  notice: { version: string; language: string } | undefined;
}

export interface GpcWithdrawals {
  plan: GpcPlan;
  /** One `withdrawn` event per purpose opted out, method `gpc_signal`, at `occurredAt`. */
  events: ConsentEventDto[];
  /** Covered purposes the signal would opt out of that have no notice in force yet. */
  withoutNotice: string[];
}

/** The ledger events one signal calls for: planGpcOptOut's opt-outs that have a notice to record against. */
export function gpcWithdrawals(
  signal: boolean,
  purposes: readonly GpcCandidate[],
  template: { subjectId: string; occurredAt: string; sourceSystem: string; proof?: ConsentProofDto },
): GpcWithdrawals {
  const plan = planGpcOptOut(signal, purposes);
  const byKey = new Map(purposes.map((p) => [p.key, p]));
  const events: ConsentEventDto[] = [];
  const withoutNotice: string[] = [];
  for (const key of plan.optOut) {
    const notice = byKey.get(key)!.notice;
    if (!notice) {
      withoutNotice.push(key);
      continue;
    }
    events.push({
      subjectId: template.subjectId,
      purpose: key,
      action: 'withdrawn',
      noticeVersion: notice.version,
      noticeLanguage: notice.language,
      occurredAt: template.occurredAt,
      method: 'gpc_signal',
      sourceSystem: template.sourceSystem,
      proof: template.proof,
    });
  }
  return { plan, events, withoutNotice };
}
