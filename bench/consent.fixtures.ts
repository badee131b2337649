/**
 * What every arm of bench:consent shares: the purposes, the HMAC key, the request body, and the row
 * Lethe would store for it (so the baselines write Lethe's exact statement with the same hashing).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sha256Hex } from '../src/common/crypto.js';
import type { PreparedEvent } from '../src/modules/consent/consent.repository.js';

export const HMAC_KEY = 'bench-hmac-key-0123456789abcdef0123';
export const PURPOSES = ['bench-marketing', 'bench-analytics', 'bench-profiling', 'bench-partners', 'bench-research'];
export const NOTICE_TEXT = 'bench notice';
export const NOTICE_HASH = sha256Hex(NOTICE_TEXT);

/** The body the IAM API sends for one event. */
export function consentEvent(i: number, withProof = true) {
  return {
    subjectId: `usr_${i}_${randomUUID().slice(0, 8)}`,
    purpose: PURPOSES[i % PURPOSES.length]!,
    action: i % 3 === 0 ? ('withdrawn' as const) : ('granted' as const),
    noticeVersion: 'v1',
    occurredAt: new Date().toISOString(),
    method: 'settings_page',
    sourceSystem: 'bench',
    ...(withProof ? { proof: { ipAddress: '203.0.113.7', userAgent: 'bench/1', locale: 'en-GB', jurisdiction: 'UK' } } : {}),
  };
}

export type ConsentBody = ReturnType<typeof consentEvent>;

/** The keyed subject reference Lethe stores (Keyring.keyedHash('consent-subject', id)). */
export function subjectRef(subjectId: string): string {
  return createHmac('sha256', HMAC_KEY).update(`consent-subject\u0000${subjectId}`).digest('hex');
}

/** The row for one body, hashed as a minimal service would: a keyed subject ref, a request hash, a content hash. */
export function preparedEvent(body: ConsentBody): PreparedEvent {
  const now = new Date();
  const raw = JSON.stringify(body);
  const requestHash = sha256Hex(raw);
  const ip = body.proof?.ipAddress;
  return {
    id: randomUUID(), subjectRef: subjectRef(body.subjectId), subjectId: body.subjectId,
    purpose: body.purpose, action: body.action, noticeVersion: body.noticeVersion, noticeLanguage: 'en', noticeHash: NOTICE_HASH,
    occurredAt: new Date(body.occurredAt), recordedAt: now, method: body.method, sourceSystem: body.sourceSystem, recordedBy: 'bench',
    ipTruncated: ip ? '203.0.113.0/24' : null, ipHash: ip ? createHmac('sha256', HMAC_KEY).update(ip).digest('hex') : null,
    userAgent: body.proof?.userAgent ?? null, locale: body.proof?.locale ?? null, jurisdiction: body.proof?.jurisdiction ?? null,
    proofDigest: requestHash, idempotencyKey: null, requestHash, contentHash: sha256Hex(`${requestHash}:${now.toISOString()}`), signalsSealed: null,
  };
}

/** Lethe's current-consent read (ConsentRepository.currentStates), for the baselines. */
export const CURRENT_STATES = `SELECT s.purpose, s.action, s.occurred_at AS "occurredAt", s.notice_version AS "noticeVersion", e.pseudonymised_at AS "erasedAt"
  FROM consent_state s JOIN consent_event e ON e.id = s.event_id WHERE s.subject_ref = $1`;
