import { canonicalJson, sha256Hex } from '../crypto.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainLink {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}

export interface StoredLink extends ChainLink {
  hash: string;
}

/** What a link's hash covers: the entry, its sequence number and the previous hash (the SIEM export sends the same). */
export function hashedFields(link: ChainLink) {
  return {
    seq: link.seq,
    at: link.at.toISOString(),
    actor: link.actor,
    action: link.action,
    targetType: link.targetType,
    targetId: link.targetId,
    details: link.details,
    prevHash: link.prevHash,
  };
}

/** SHA-256 over the canonical JSON of the entry, its sequence number and the previous hash. */
export function hashLink(link: ChainLink): string {
  return sha256Hex(canonicalJson(hashedFields(link)));
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  /** The first sequence number at which the chain stops being what was written. */
  firstBrokenSeq: number | null;
}

/**
 * Walks links in sequence order and finds the first that was edited (hash mismatch), deleted (a gap),
 * re-ordered (prevHash mismatch) or cut off at the end (the head names a later link than the last).
 * Feed it pages with `step`; call `finish` with the recorded head.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private broken: number | null = null;

  step(link: StoredLink): boolean {
    if (this.broken !== null) return false;
    this.checked += 1;
    if (link.seq !== this.expectedSeq) {
      this.broken = Math.min(link.seq, this.expectedSeq);
    } else if (link.prevHash !== this.prevHash || hashLink(link) !== link.hash) {
      this.broken = link.seq;
    }
    this.expectedSeq = link.seq + 1;
    this.prevHash = link.hash;
    return this.broken === null;
  }

  finish(head: { seq: number; hash: string }): VerifyResult {
    if (this.broken === null && (head.seq !== this.expectedSeq - 1 || head.hash !== this.prevHash)) {
      this.broken = Math.min(head.seq, this.expectedSeq);
    }
    return { valid: this.broken === null, checked: this.checked, firstBrokenSeq: this.broken };
  }
}

/** Keys that name personal data. Audit details carry ids and facts about actions, never these. */
const PERSONAL_KEYS = new Set([
  'email',
  'name',
  'firstname',
  'lastname',
  'fullname',
  'phone',
  'address',
  'ipaddress',
  'dateofbirth',
  'password',
  'secret',
  'token',
  'apikey',
  'key',
]);

export function assertNoPersonalData(details: unknown, path = 'details'): void {
  if (Array.isArray(details)) {
    details.forEach((item, i) => assertNoPersonalData(item, `${path}[${i}]`));
  } else if (details !== null && typeof details === 'object' && !(details instanceof Date)) {
    for (const [key, value] of Object.entries(details)) {
      if (PERSONAL_KEYS.has(key.toLowerCase())) throw new Error(`audit ${path}.${key}: personal data or secrets do not belong in the audit trail`);
      assertNoPersonalData(value, `${path}.${key}`);
    }
  }
}
