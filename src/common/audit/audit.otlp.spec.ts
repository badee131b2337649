import { canonicalJson, sha256Hex } from '../crypto.js';
import { GENESIS_HASH, hashLink, type StoredLink } from './audit.chain.js';
import { anyValue, backoffMs, rejectedRecords, retryAfterMs, toExportRequest, verdict } from './audit.otlp.js';

const NOW = new Date('2026-12-03T10:00:00.000Z');

function link(seq: number, details: Record<string, unknown> = {}): StoredLink {
  const base = { seq, at: new Date('2026-12-03T09:59:59.123Z'), actor: 'system', action: 'api_key.created', targetType: 'api_key', targetId: `k${seq}`, details, prevHash: GENESIS_HASH };
  return { ...base, hash: hashLink(base) };
}

describe('OTLP log records of the audit trail', () => {
  const request = toExportRequest([link(1, { roles: ['auditor'], count: 3, ratio: 0.5, ok: true, reason: null })], { instanceId: 'i-1' }, NOW);
  const record = request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
  const attribute = (key: string) => record.attributes.find((a) => a.key === key)?.value;

  it('names the service and the scope', () => {
    expect(request.resourceLogs[0]!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'lethe' } },
      { key: 'service.instance.id', value: { stringValue: 'i-1' } },
    ]);
    expect(request.resourceLogs[0]!.scopeLogs[0]!.scope).toEqual({ name: 'lethe.audit', version: '1' });
  });

  it('writes times as nanoseconds in decimal strings (64-bit integers in OTLP JSON) and severity as a number', () => {
    expect(record.timeUnixNano).toBe('1796291999123000000');
    expect(record.observedTimeUnixNano).toBe('1796292000000000000');
    expect(record).toMatchObject({ severityNumber: 9, severityText: 'INFO', eventName: 'api_key.created' });
  });

  it('identifies the entry by seq and hash, so a receiver can drop a record delivered twice', () => {
    expect(attribute('lethe.audit.seq')).toEqual({ intValue: '1' });
    expect(attribute('lethe.audit.hash')).toEqual({ stringValue: link(1, { roles: ['auditor'], count: 3, ratio: 0.5, ok: true, reason: null }).hash });
    expect(attribute('lethe.audit.target.id')).toEqual({ stringValue: 'k1' });
  });

  it('carries the entry in its body so the SIEM can recompute its hash', () => {
    const body = JSON.parse((record.body as { stringValue: string }).stringValue) as Record<string, unknown>;
    const { hash, ...hashed } = body;
    expect(sha256Hex(canonicalJson(hashed))).toBe(hash);
  });

  it('leaves a missing target id out', () => {
    const without = toExportRequest([{ ...link(2), targetId: null }], { instanceId: 'i' }, NOW).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(without.attributes.map((a) => a.key)).not.toContain('lethe.audit.target.id');
  });

  it.each<[unknown, unknown]>([
    ['x', { stringValue: 'x' }],
    [true, { boolValue: true }],
    [42, { intValue: '42' }],
    [0.5, { doubleValue: 0.5 }],
    [null, {}],
    [['a', 1], { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } }],
    [{ k: 'v' }, { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } }],
  ])('AnyValue of %j', (value, expected) => {
    expect(anyValue(value)).toEqual(expected);
  });
});

describe('what an OTLP/HTTP answer means for the cursor', () => {
  it.each<[string, number, string | undefined, string, ReturnType<typeof verdict>]>([
    ['200, empty body: full success', 200, undefined, '', { kind: 'accepted', rejected: 0 }],
    ['200 {}: full success', 200, undefined, '{}', { kind: 'accepted', rejected: 0 }],
    ['200 with partialSuccess: accepted, never sent again', 200, undefined, '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}}', { kind: 'accepted', rejected: 2 }],
    ['200 with a warning only (rejected 0)', 200, undefined, '{"partialSuccess":{"errorMessage":"slow down"}}', { kind: 'accepted', rejected: 0 }],
    ['202: any 2xx acknowledges', 202, undefined, '', { kind: 'accepted', rejected: 0 }],
    ['429 with Retry-After seconds', 429, '3', '', { kind: 'retry', afterMs: 3000 }],
    ['503 without Retry-After: backoff', 503, undefined, '', { kind: 'retry', afterMs: undefined }],
    ['502 retryable', 502, undefined, '', { kind: 'retry', afterMs: undefined }],
    ['504 retryable', 504, 'Thu, 03 Dec 2026 10:00:05 GMT', '', { kind: 'retry', afterMs: 5000 }],
    ['400 bad data: not retried, not skipped', 400, undefined, '', { kind: 'refused' }],
    ['401: refused', 401, undefined, '', { kind: 'refused' }],
    ['500: not in the retryable list', 500, undefined, '', { kind: 'refused' }],
    ['301: redirects are not followed', 301, undefined, '', { kind: 'refused' }],
  ])('%s', (_rule, status, retryAfter, body, expected) => {
    expect(verdict(status, retryAfter, body, NOW)).toEqual(expected);
  });

  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['0', 0],
    [' 120 ', 120_000],
    ['Thu, 03 Dec 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('Retry-After %j waits %j ms', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });

  it('reads rejectedLogRecords as a string or a number, and ignores what is not JSON', () => {
    expect(rejectedRecords('{"partialSuccess":{"rejectedLogRecords":5}}')).toBe(5);
    expect(rejectedRecords('<html>')).toBe(0);
    expect(rejectedRecords('null')).toBe(0);
  });

  it.each([
    [1, 1, 1000],
    [1, 0, 500],
    [3, 1, 4000],
    [20, 1, 60_000],
  ])('backoff of attempt %i (random %d) is %i ms with base 1 s and cap 60 s', (attempt, random, ms) => {
    expect(backoffMs(attempt, 1000, 60_000, () => random)).toBe(ms);
  });
});
