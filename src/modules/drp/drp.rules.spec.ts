import { callbackAccepted, checkEnvelope, drpTime, exerciseOf, parseTimestamp, publicAddress, regimeAccepted, statusOf } from './drp.rules.js';
import type { RequestStatus } from '../requests/request.state.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const ok = { 'agent-id': 'AA', 'business-id': 'CB', 'issued-at': '2026-12-03T09:59:00+00:00', 'expires-at': '2026-12-03T10:10:00+00:00' };

describe('DRP rules', () => {
  it.each<[string, unknown, number | null]>([
    ['the reference agent’s str(arrow.get())', '2026-12-03T10:00:00.123456+00:00', Date.parse('2026-12-03T10:00:00.123Z')],
    ['Z', '2026-12-03T10:00:00Z', NOW],
    ['an offset moves the instant', '2026-12-03T12:00:00+02:00', NOW],
    ['a negative offset without a colon', '2026-12-03T05:00:00-0500', NOW],
    ['a space for the T', '2026-12-03 10:00:00Z', NOW],
    ['no time zone: ambiguous, refused', '2026-12-03T10:00:00', null],
    ['a date alone', '2026-12-03', null],
    ['30 February', '2026-02-30T10:00:00Z', null],
    ['hour 24', '2026-12-03T24:00:00Z', null],
    ['a number', 1796300000, null],
  ])('timestamp: %s', (_rule, value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, boolean, number | null, boolean | undefined]>([
    ['all four claims right', ok, true, null, undefined],
    ['another agent’s id (§3.07: no re-use across agents)', { ...ok, 'agent-id': 'OTHER' }, true, 403, undefined],
    ['another business (§3.07: no re-sending to another business)', { ...ok, 'business-id': 'OTHER' }, true, 403, undefined],
    ['agent-id missing where required', { ...ok, 'agent-id': undefined }, true, 403, undefined],
    ['issued in the future beyond the skew', { ...ok, 'issued-at': '2026-12-03T10:05:00Z' }, true, 400, undefined],
    ['issued 30 s ahead: clock skew tolerated', { ...ok, 'issued-at': '2026-12-03T10:00:30Z' }, true, null, undefined],
    ['expired: fatal', { ...ok, 'expires-at': '2026-12-03T09:59:59Z' }, true, 400, true],
    ['expires exactly now: expired', { ...ok, 'expires-at': '2026-12-03T10:00:00Z' }, true, 400, true],
    ['unparseable issued-at', { ...ok, 'issued-at': 'yesterday' }, true, 400, undefined],
    ['a revoke carries only reason: nothing to check', { reason: 'x' }, false, null, undefined],
    ['a revoke with a wrong agent-id is still refused', { reason: 'x', 'agent-id': 'OTHER' }, false, 403, undefined],
  ])('envelope: %s', (_rule, claims, required, status, fatal) => {
    const refusal = checkEnvelope(claims, { agentId: 'AA', businessId: 'CB', now: NOW, required });
    expect(refusal?.status ?? null).toBe(status);
    expect(refusal?.fatal).toBe(fatal);
  });

  it('checks agent-id before business-id before the times (§3.07’s order)', () => {
    const everythingWrong = { 'agent-id': 'X', 'business-id': 'Y', 'issued-at': 'bad', 'expires-at': 'bad' };
    expect(checkEnvelope(everythingWrong, { agentId: 'AA', businessId: 'CB', now: NOW, required: true })?.message).toMatch(/^agent-id/);
    expect(checkEnvelope({ ...everythingWrong, 'agent-id': 'AA' }, { agentId: 'AA', businessId: 'CB', now: NOW, required: true })?.message).toMatch(/^business-id/);
    expect(checkEnvelope({ ...everythingWrong, 'agent-id': 'AA', 'business-id': 'CB' }, { agentId: 'AA', businessId: 'CB', now: NOW, required: true })?.message).toMatch(/^issued-at/);
  });

  it.each<[unknown, ReturnType<typeof exerciseOf>]>([
    ['access', { kind: 'request', type: 'access' }],
    ['deletion', { kind: 'request', type: 'erasure' }],
    ['sale:opt-out', { kind: 'opt_out' }],
    ['sale:opt_out', { kind: 'opt_out' }],
    ['sale:opt-in', { kind: 'opt_in' }],
    ['sale:opt_in', { kind: 'opt_in' }],
    [['access'], { kind: 'request', type: 'access' }],
    ['access:categories', { kind: 'unsupported', right: 'access:categories' }],
    ['access:specific', { kind: 'unsupported', right: 'access:specific' }],
    ['', null],
    [['access', 'deletion'], null],
    [42, null],
  ])('exercise %j', (value, expected) => {
    expect(exerciseOf(value)).toEqual(expected);
  });

  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    ['ccpa', true],
    ['voluntary', true],
    ['gdpr', false],
    ['CCPA', false],
  ])('regime %j accepted: %s', (regime, accepted) => {
    expect(regimeAccepted(regime)).toBe(accepted);
  });

  it.each<[RequestStatus, string | null, string, string | null]>([
    ['received', null, 'open', null],
    ['awaiting_verification', null, 'in_progress', 'need_user_verification'],
    ['verified', null, 'in_progress', null],
    ['awaiting_approval', null, 'in_progress', null],
    ['in_progress', null, 'in_progress', null],
    ['paused_for_clarification', null, 'in_progress', null],
    ['completed', null, 'fulfilled', null],
    ['withdrawn', null, 'revoked', null],
    ['expired_unverified', null, 'denied', 'insuf_verification'],
    ['refused', 'identity_not_verified', 'denied', 'insuf_verification'],
    ['refused', 'excessive', 'denied', 'too_many_requests'],
    ['refused', 'exemption', 'denied', 'claim_not_covered'],
    ['refused', 'manifestly_unfounded', 'denied', 'other'],
  ])('Lethe %s (%s) is DRP %s/%s', (status, ground, drpStatus, reason) => {
    expect(statusOf({ status, refusalGround: ground as never })).toEqual({ status: drpStatus, reason });
  });

  it.each<[unknown, boolean, boolean]>([
    ['https://agent.example.com/update_status', true, true],
    ['http://127.0.0.1:8001/update_status', true, false],
    ['http://localhost:8001/x', true, false],
    ['https://localhost/x', true, false],
    ['https://127.0.0.1/x', true, false],
    ['https://[::1]/x', true, false],
    ['https://10.0.0.7/x', true, false],
    ['https://169.254.169.254/latest/meta-data', true, false],
    ['https://[fd00::1]/x', true, false],
    ['https://203.0.113.9/x', true, true],
    ['http://agent.example.com/update_status', false, false],
    ['https://user:pass@agent.example.com/x', false, false],
    ['ftp://agent.example.com/x', false, false],
    ['not a url', false, false],
    [`https://agent.example.com/${'a'.repeat(2000)}`, false, false],
    [42, false, false],
  ])('status_callback %s accepted outside production: %s, in production: %s', (url, development, production) => {
    expect(callbackAccepted(url, false)).toBe(development);
    expect(callbackAccepted(url, true)).toBe(production);
  });

  it.each<[string, boolean]>([
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['100.64.0.1', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['::ffff:10.0.0.1', false],
    ['not an address', false],
  ])('address %s is public: %s', (address, expected) => {
    expect(publicAddress(address)).toBe(expected);
  });

  it.each<[string, string]>([
    ['a pairing message issued 59 minutes ago is taken', '2026-12-03T09:01:00Z'],
    ['one issued 61 minutes ago is not', '2026-12-03T08:59:00Z'],
  ])('%s', (_rule, issuedAt) => {
    const refusal = checkEnvelope({ ...ok, 'issued-at': issuedAt }, { agentId: 'AA', businessId: 'CB', now: NOW, required: true, maxAgeMs: 3_600_000 });
    expect(refusal?.status ?? null).toBe(issuedAt.startsWith('2026-12-03T09') ? null : 400);
  });

  it('writes times as ISO 8601 with +00:00', () => {
    expect(drpTime(new Date('2026-12-03T10:00:00.123Z'))).toBe('2026-12-03T10:00:00.123+00:00');
  });
});
