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
 */

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
