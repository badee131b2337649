import type { Role } from '../../common/auth/roles.js';
import { hasConsoleRole, isBackground, mapRoles, needsTouch, originAllowed, safeReturnTo, SessionState, sessionState } from './session.rules.js';

type Row = Parameters<typeof sessionState>[0];

const at = (iso: string) => new Date(`2026-11-23T${iso}Z`);
const IDLE = 30 * 60_000;

describe('sessionState', () => {
  const session = { endedAt: null, expiresAt: at('20:00:00'), lastSeenAt: at('10:00:00') };
  it.each<[Row, Date, SessionState, string]>([
    [session, at('10:29:59'), 'live', 'used within the idle timeout'],
    [session, at('10:30:00'), 'idle', 'idle for exactly the timeout'],
    [{ ...session, lastSeenAt: at('19:59:00') }, at('20:00:00'), 'expired', 'the absolute end wins over recent use'],
    [{ ...session, endedAt: at('10:05:00') }, at('10:06:00'), 'ended', 'signed out'],
  ])('%#: is %s — %s', (row, now, expected, _why) => {
    expect(sessionState(row, now, IDLE)).toBe(expected);
  });
});

describe('needsTouch', () => {
  it.each<[Date, boolean, boolean, string]>([
    [at('10:00:59'), false, false, 'seen 59 s ago: no write'],
    [at('10:01:00'), false, true, 'seen a minute ago: write'],
    [at('10:01:00'), true, false, 'a background refresh is not activity: no write however stale'],
    [at('10:29:00'), true, false, 'polling for 29 minutes still no write: the session idles out'],
  ])('%s (background %s) → %s — %s', (now, background, expected, _why) => {
    expect(needsTouch(at('10:00:00'), now, background)).toBe(expected);
  });
});

describe('isBackground', () => {
  it.each<[string | string[] | undefined, boolean, string]>([
    ['1', true, 'the console’s automatic refresh'],
    [undefined, false, 'no header: the person acted'],
    ['0', false, 'any other value is not background'],
    ['true', false, 'only the exact value 1'],
    [['1', '1'], false, 'a repeated header is not trusted'],
  ])('%j → %s — %s', (header, expected, _why) => {
    expect(isBackground(header)).toBe(expected);
  });
});

describe('hasConsoleRole', () => {
  it.each<[Role[], boolean, string]>([
    [['admin'], true, 'admin has the keys and audit pages'],
    [['counsel'], true, 'counsel has the board'],
    [['auditor'], true, 'auditor has the audit trail'],
    [['iam', 'counsel'], true, 'iam beside a console role'],
    [['iam'], false, 'iam alone has no console page'],
    [[], false, 'no role at all'],
  ])('%j → %s — %s', (roles, expected, _why) => {
    expect(hasConsoleRole(roles)).toBe(expected);
  });
});

describe('safeReturnTo', () => {
  it.each<[string | undefined, string, string]>([
    [undefined, '/console/', 'absent'],
    ['/console', '/console', 'the console root'],
    ['/console/requests/42?tab=notes#deadline', '/console/requests/42?tab=notes#deadline', 'a console page with query and fragment'],
    ['/consolex', '/console/', 'a path that only starts like the console'],
    ['https://evil.example/console/', '/console/', 'an absolute URL'],
    ['//evil.example/console/', '/console/', 'a protocol-relative URL'],
    ['/\\evil.example', '/console/', 'a backslash browsers read as a slash'],
    ['/console/../v1/api-keys', '/console/', 'dot segments leaving the console'],
    ['/console/%2e%2e/v1', '/console/', 'encoded dot segments leaving the console'],
    ['/console/\nSet-Cookie: x', '/console/', 'a control character'],
    ['javascript:alert(1)', '/console/', 'a script URL'],
  ])('%j → %s — %s', (value, expected, _why) => {
    expect(safeReturnTo(value)).toBe(expected);
  });
});

describe('mapRoles', () => {
  const map = new Map<string, readonly Role[]>([
    ['privacy-team', ['counsel']],
    ['lethe-admins', ['admin', 'auditor']],
  ]);
  it.each<[unknown, ReadonlyMap<string, readonly Role[]> | undefined, Role[], string]>([
    ['privacy-team', map, ['counsel'], 'a string claim through the map'],
    [['lethe-admins', 'privacy-team', 'other'], map, ['admin', 'auditor', 'counsel'], 'a list, sorted, unknown values ignored'],
    [['counsel'], map, [], 'with a map, role names are not roles by themselves'],
    [['counsel', 'auditor', 'superuser'], undefined, ['auditor', 'counsel'], 'without a map, role names map to themselves'],
    [42, undefined, [], 'not a string or list'],
    [undefined, map, [], 'no claim'],
  ])('%j → %j — %s', (claim, roleMap, expected, _why) => {
    expect(mapRoles(claim, roleMap)).toEqual(expected);
  });
});

describe('originAllowed', () => {
  it.each<[string | undefined, string, boolean, string]>([
    [undefined, 'lethe.example.com', true, 'no Origin header'],
    ['https://lethe.example.com', 'internal:3000', true, 'LETHE_PUBLIC_URL'],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true, 'the request’s own Host'],
    ['https://evil.example', 'lethe.example.com', false, 'another site'],
    ['null', 'lethe.example.com', false, 'an opaque origin'],
  ])('Origin %s with Host %s → %s — %s', (origin, host, expected, _why) => {
    expect(originAllowed(origin, 'https://lethe.example.com', host)).toBe(expected);
  });
});
