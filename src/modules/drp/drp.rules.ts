import { BlockList, isIP } from 'node:net';

/**
 * The Data Rights Protocol's rules, as pure functions with table tests (drp.rules.spec.ts).
 *
 * Source: consumer-reports-innovation-lab/data-rights-protocol, `data-rights-protocol.md` (1.0; read
 * by endpoint, its section numbers cross-refer inconsistently). §2.01 the exercise request, §3.01
 * the rights, §3.02 the statuses and reasons, §3.03 the status object, §3.06 errors, §3.07 the order
 * in which a signed message is validated.
 */
import type { RefusalGround, RequestType } from '../requests/request.types.js';
import type { RequestStatus } from '../requests/request.state.js';

/** A refusal in DRP's error shape (§3.06); `silent`: answered with no body at all (pair-wise key setup, §2.05.1). */
export interface DrpRefusal {
  status: number;
  message: string;
  fatal?: boolean;
  silent?: boolean;
  /** Seconds, for a 429's Retry-After. */
  retryAfter?: number;
}

/** How far an agent's clock may run ahead of ours before `issued-at` counts as "in the future". */
export const CLOCK_SKEW_MS = 60_000;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the ISO 8601 profile agents send (the reference
 * agent's `str(arrow.get())` gives microseconds and `+00:00`). A space may stand for the `T`.
 * Returns epoch milliseconds, or null for anything else, including impossible dates.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0);
  const check = new Date(ms);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s! > 59) return null;
  if (zone!.toUpperCase() === 'Z') return ms;
  const sign = zone!.startsWith('-') ? -1 : 1;
  const digits = zone!.slice(1).replace(':', '');
  const offset = (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  if (+digits.slice(0, 2) > 23 || +digits.slice(2) > 59) return null;
  return ms - sign * offset;
}

/**
 * §3.07, after the signature: the agent the token (or the URL) names signed it, it is meant for
 * this business, it was issued (not in the future, beyond CLOCK_SKEW_MS) and has not expired.
 * `required`: the pair-wise key setup and the exercise request carry all four claims; a revoke
 * carries only `reason` (§2.04), so there each claim is checked when present. `maxAgeMs`: a
 * message issued longer ago is refused (pairing: a copied setup message must not mint tokens later).
 */
export function checkEnvelope(
  claims: Record<string, unknown>,
  expected: { agentId: string; businessId: string; now: number; required: boolean; maxAgeMs?: number },
): DrpRefusal | null {
  const { agentId, businessId, now, required, maxAgeMs } = expected;
  const has = (key: string): boolean => required || claims[key] !== undefined;
  if (has('agent-id') && claims['agent-id'] !== agentId) return { status: 403, message: `agent-id does not name the agent this token (or path) belongs to` };
  if (has('business-id') && claims['business-id'] !== businessId) return { status: 403, message: `business-id does not name this business (${businessId})` };
  if (has('issued-at')) {
    const issued = parseTimestamp(claims['issued-at']);
    if (issued === null) return { status: 400, message: 'issued-at must be an ISO 8601 timestamp with a time zone' };
    if (issued > now + CLOCK_SKEW_MS) return { status: 400, message: 'issued-at is in the future: check the agent’s clock' };
    if (maxAgeMs !== undefined && issued < now - maxAgeMs) return { status: 400, message: `issued-at is more than ${maxAgeMs / 60_000} minutes ago: sign a new message` };
  }
  if (has('expires-at')) {
    const expires = parseTimestamp(claims['expires-at']);
    if (expires === null) return { status: 400, message: 'expires-at must be an ISO 8601 timestamp with a time zone' };
    // §2.01: "SHOULD discard requests made at a time after this value and respond with a fatal Error State".
    if (expires <= now) return { status: 400, message: 'expires-at has passed: the request is no longer valid', fatal: true };
  }
  return null;
}

export type Exercise =
  | { kind: 'request'; type: Extract<RequestType, 'access' | 'erasure'> }
  | { kind: 'opt_out' }
  | { kind: 'opt_in' }
  | { kind: 'unsupported'; right: string };

/** §3.01's rights; both spellings of the sale rights occur (the table says `sale:opt_out`, the reference agent sends `sale:opt-out`). */
export function exerciseOf(value: unknown): Exercise | null {
  const right = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof right !== 'string' || right.length === 0 || right.length > 100) return null;
  switch (right) {
    case 'access':
      return { kind: 'request', type: 'access' };
    case 'deletion':
      return { kind: 'request', type: 'erasure' };
    case 'sale:opt-out':
    case 'sale:opt_out':
      return { kind: 'opt_out' };
    case 'sale:opt-in':
    case 'sale:opt_in':
      return { kind: 'opt_in' };
    default:
      // access:categories and access:specific: "schema and semantics … declared at a later date".
      return { kind: 'unsupported', right };
  }
}

/** §2.01: a request without `regime` "MAY be considered for voluntary processing"; Lethe takes it, like `ccpa` and `voluntary`. */
export function regimeAccepted(value: unknown): boolean {
  return value === undefined || value === null || value === 'ccpa' || value === 'voluntary';
}

export const DRP_STATUSES = ['open', 'in_progress', 'fulfilled', 'revoked', 'denied', 'expired'] as const;
export type DrpStatus = (typeof DRP_STATUSES)[number];
export const DRP_REASONS = [
  'need_user_verification',
  'suspected_fraud',
  'insuf_verification',
  'no_match',
  'claim_not_covered',
  'outside_jurisdiction',
  'too_many_requests',
  'other',
] as const;
export type DrpReason = (typeof DRP_REASONS)[number];

export const FINAL: ReadonlySet<DrpStatus> = new Set(['fulfilled', 'revoked', 'denied', 'expired']);

/** Why counsel refused, as §3.02's reasons. */
const REFUSAL_REASONS: Record<RefusalGround, DrpReason> = {
  identity_not_verified: 'insuf_verification',
  excessive: 'too_many_requests',
  exemption: 'claim_not_covered',
  manifestly_unfounded: 'other',
};

/** A Lethe request's state as the agent sees it (§3.02). */
export function statusOf(request: { status: RequestStatus; refusalGround: RefusalGround | null }): { status: DrpStatus; reason: DrpReason | null } {
  switch (request.status) {
    case 'received':
      return { status: 'open', reason: null };
    case 'awaiting_verification':
      return { status: 'in_progress', reason: 'need_user_verification' };
    case 'verified':
    case 'awaiting_approval':
    case 'in_progress':
    case 'paused_for_clarification':
      return { status: 'in_progress', reason: null };
    case 'completed':
      return { status: 'fulfilled', reason: null };
    case 'withdrawn':
      return { status: 'revoked', reason: null };
    // "the [in_progress, need_user_verification] stage failed or timed out"
    case 'expired_unverified':
      return { status: 'denied', reason: 'insuf_verification' };
    case 'refused':
      return { status: 'denied', reason: request.refusalGround ? REFUSAL_REASONS[request.refusalGround] : 'other' };
  }
}

/**
 * A status_callback Lethe will call. In production: https to a host that is not an address of a
 * private, loopback or link-local network (the name is checked again, resolved, when sending:
 * publicAddress). Elsewhere (development, tests) http to this machine too.
 */
export function callbackAccepted(value: unknown, production: boolean): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '127.0.0.1' || host === '::1';
  if (!production) return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  if (url.protocol !== 'https:' || loopback || host.endsWith('.localhost')) return false;
  return isIP(host) === 0 || publicAddress(host);
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
// (No ::ffff:0:0/96 rule: BlockList checks IPv4 addresses against IPv6 rules as mapped, so it would match them all.)
for (const [net, prefix] of [['::', 127], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** An address on the public internet: not private, loopback, link-local, carrier-grade NAT, multicast or unspecified (nor IPv4 mapped into IPv6). */
export function publicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return publicAddress(mapped);
  // Any other spelling of a mapped or translated IPv4 address (::ffff:a00:1) is refused rather than decoded.
  if (family === 6 && /^::ffff:/i.test(address)) return false;
  return !PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** DRP's timestamps: ISO 8601 with `+00:00`, which every Python's `datetime.fromisoformat` reads (3.10's refuses `Z`). */
export function drpTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00');
}
