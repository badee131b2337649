import { canonicalJson } from '../crypto.js';
import { hashedFields, type StoredLink } from './audit.chain.js';

/**
 * The audit trail as OpenTelemetry logs: an ExportLogsServiceRequest in OTLP's JSON encoding
 * (proto3 JSON mapping: lowerCamelCase keys, 64-bit integers as decimal strings, enums as numbers),
 * and what a receiver's answer means for the cursor. Pure: no I/O, no clock.
 */

/** OTLP AnyValue, JSON-encoded. An empty object is the empty value (JSON null). */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: AnyValue;
  attributes: KeyValue[];
}

export interface ExportLogsServiceRequest {
  resourceLogs: Array<{
    resource: { attributes: KeyValue[] };
    scopeLogs: Array<{ scope: { name: string; version: string }; logRecords: OtlpLogRecord[] }>;
  }>;
}

/** The scope every record is under; its version is the version of this record layout. */
export const AUDIT_SCOPE = { name: 'lethe.audit', version: '1' } as const;
const SEVERITY_INFO = 9;

export function anyValue(value: unknown): AnyValue {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (typeof value === 'object') return { kvlistValue: { values: Object.entries(value).map(([key, v]) => ({ key, value: anyValue(v) })) } };
  return { stringValue: String(value) };
}

function unixNano(at: Date): string {
  return (BigInt(at.getTime()) * 1_000_000n).toString();
}

/**
 * One audit entry as a log record. The body is the entry's canonical JSON with its hash: drop
 * `hash`, take the canonical JSON of the rest and its SHA-256 is `hash` (audit.chain.ts), so the
 * SIEM can check every record and the chain (each `prevHash` names the previous record's `hash`).
 * `lethe.audit.seq` (or `lethe.audit.hash`) identifies the entry: a record delivered twice has the
 * same one.
 */
export function toLogRecord(link: StoredLink, observedAt: Date): OtlpLogRecord {
  const entry = { ...hashedFields(link), hash: link.hash };
  const attributes: KeyValue[] = [
    { key: 'lethe.audit.seq', value: { intValue: String(link.seq) } },
    { key: 'lethe.audit.hash', value: { stringValue: link.hash } },
    { key: 'lethe.audit.prev_hash', value: { stringValue: link.prevHash } },
    { key: 'lethe.audit.action', value: { stringValue: link.action } },
    { key: 'lethe.audit.actor', value: { stringValue: link.actor } },
    { key: 'lethe.audit.target.type', value: { stringValue: link.targetType } },
    ...(link.targetId === null ? [] : [{ key: 'lethe.audit.target.id', value: { stringValue: link.targetId } }]),
    { key: 'lethe.audit.details', value: anyValue(link.details) },
  ];
  return {
    timeUnixNano: unixNano(link.at),
    observedTimeUnixNano: unixNano(observedAt),
    severityNumber: SEVERITY_INFO,
    severityText: 'INFO',
    eventName: link.action,
    body: { stringValue: canonicalJson(entry) },
    attributes,
  };
}

export function toExportRequest(links: readonly StoredLink[], resource: { instanceId: string }, observedAt: Date): ExportLogsServiceRequest {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'lethe' } },
            { key: 'service.instance.id', value: { stringValue: resource.instanceId } },
          ],
        },
        scopeLogs: [{ scope: { ...AUDIT_SCOPE }, logRecords: links.map((link) => toLogRecord(link, observedAt)) }],
      },
    ],
  };
}

/** What the cursor does after an answer. */
export type Verdict =
  /** 2xx: acknowledged, move the cursor past the batch. `rejected` > 0 is a partial success: OTLP forbids sending it again. */
  | { kind: 'accepted'; rejected: number }
  /** 429/502/503/504 (or no answer): send the same batch again, after `afterMs` when the receiver said so. */
  | { kind: 'retry'; afterMs: number | undefined }
  /** Any other answer: OTLP says do not retry; the trail must not skip either, so the cursor stays and an operator is needed. */
  | { kind: 'refused' };

const RETRYABLE = new Set([429, 502, 503, 504]);

/** The verdict on a receiver's answer (OTLP/HTTP Response: Full Success, Partial Success, Failures, Throttling). */
export function verdict(status: number, retryAfter: string | undefined, body: string, now: Date): Verdict {
  if (status >= 200 && status < 300) return { kind: 'accepted', rejected: rejectedRecords(body) };
  if (RETRYABLE.has(status)) return { kind: 'retry', afterMs: retryAfterMs(retryAfter, now) };
  return { kind: 'refused' };
}

/** `partialSuccess.rejectedLogRecords` of an ExportLogsServiceResponse (a decimal string or a number); 0 when absent or unreadable. */
export function rejectedRecords(body: string): number {
  try {
    const parsed = JSON.parse(body) as { partialSuccess?: { rejectedLogRecords?: unknown } } | null;
    const value = Number(parsed?.partialSuccess?.rejectedLogRecords ?? 0);
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** Exponential backoff with full jitter: attempt 1 waits up to `base`, each further attempt doubles it, never past `max`. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return Math.max(base / 2, Math.round(ceiling * random()));
}
