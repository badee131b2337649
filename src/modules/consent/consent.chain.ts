import { isIPv4, isIPv6 } from 'node:net';
import { canonicalJson, sha256Hex } from '../../common/crypto.js';

/**
 * The consent ledger is one hash chain per subject. Each event's `contentHash` covers what was
 * agreed (never the raw subject id: a keyed reference to it, so pseudonymisation keeps the chain
 * valid); its `hash` links it to the subject's previous event:
 *
 *   hash = SHA-256( prevHash ":" seq ":" contentHash )      (hex; the first prevHash is 64 zeros)
 *
 * The same formula runs in SQL on the hot path (see consent.repository.ts) and here for batches
 * and verification.
 */
export const CONSENT_GENESIS = '0'.repeat(64);

export interface ConsentProof {
  ipTruncated: string | null;
  ipHash: string | null;
  userAgent: string | null;
  locale: string | null;
  jurisdiction: string | null;
  /**
   * SHA-256 of the TC / GPP strings the event carried (iab-signals.ts `signalsDigest`). Absent
   * (never null) when it carried none: canonicalJson drops it, so every event without strings, and
   * every event recorded before strings were accepted, keeps the digest it always had.
   */
  signals?: string;
}

export interface ConsentContent {
  id: string;
  subjectRef: string;
  purpose: string;
  action: 'granted' | 'withdrawn';
  noticeVersion: string;
  noticeLanguage: string;
  noticeHash: string;
  occurredAt: Date;
  recordedAt: Date;
  method: string;
  sourceSystem: string;
  recordedBy: string;
  proofDigest: string;
}

export function proofDigest(proof: ConsentProof): string {
  return sha256Hex(canonicalJson(proof));
}

/** Exactly the ConsentContent fields, so a wider object (a stored row) hashes the same. */
export function contentHash(c: ConsentContent): string {
  return sha256Hex(
    canonicalJson({
      id: c.id,
      subjectRef: c.subjectRef,
      purpose: c.purpose,
      action: c.action,
      noticeVersion: c.noticeVersion,
      noticeLanguage: c.noticeLanguage,
      noticeHash: c.noticeHash,
      occurredAt: c.occurredAt.toISOString(),
      recordedAt: c.recordedAt.toISOString(),
      method: c.method,
      sourceSystem: c.sourceSystem,
      recordedBy: c.recordedBy,
      proofDigest: c.proofDigest,
    }),
  );
}

export function linkHash(prevHash: string, seq: number, content: string): string {
  return sha256Hex(`${prevHash}:${seq}:${content}`);
}

export interface StoredConsentLink extends ConsentContent {
  seq: number;
  contentHash: string;
  prevHash: string;
  hash: string;
  /**
   * The proof as stored now (user agent and signal strings removed after pseudonymisation); null
   * parts were never given. `signals` is the digest of the strings as stored now, unsealed.
   */
  proof: ConsentProof;
  pseudonymised: boolean;
}

export interface ConsentVerifyResult {
  valid: boolean;
  checked: number;
  firstBrokenSeq: number | null;
}

/**
 * Checks one subject's chain in seq order: every content hash recomputed from the stored columns
 * (edited row), seqs contiguous from 1 (deleted row), each prevHash the previous hash (re-ordered
 * rows), and the head naming the last link (a cut-off tail).
 */
export function verifyConsentChain(links: StoredConsentLink[], head: { seq: number; hash: string } | null): ConsentVerifyResult {
  let expected = 1;
  let prev = CONSENT_GENESIS;
  let broken: number | null = null;
  for (const link of links) {
    if (link.seq !== expected) {
      broken = Math.min(link.seq, expected);
      break;
    }
    // After pseudonymisation the user agent and the signal strings are gone; the stored digest still commits to the originals.
    const digestOk = link.pseudonymised || proofDigest(link.proof) === link.proofDigest;
    if (!digestOk || contentHash(link) !== link.contentHash || link.prevHash !== prev || linkHash(prev, link.seq, link.contentHash) !== link.hash) {
      broken = link.seq;
      break;
    }
    prev = link.hash;
    expected += 1;
  }
  const checked = broken === null ? links.length : Math.max(0, broken - 1);
  if (broken === null && (head?.seq ?? 0) !== expected - 1) broken = Math.min(head?.seq ?? 0, expected);
  if (broken === null && head && head.hash !== prev) broken = expected - 1;
  return { valid: broken === null, checked, firstBrokenSeq: broken };
}

/**
 * Data minimisation for the proof's IP address: the /24 (IPv4) or /48 (IPv6) network, readable by
 * counsel, plus a keyed hash of the full address that matches it again without storing it.
 */
export function truncateIp(ip: string): string | null {
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(ip)) {
    const full = expandIPv6(ip);
    return `${full.slice(0, 3).join(':')}::/48`;
  }
  return null;
}

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array(8 - left.length - right.length).fill('0');
  return (tail === undefined ? left : [...left, ...zeros, ...right]).map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}
