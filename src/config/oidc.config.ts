import { ROLES, type Role } from '../common/auth/roles.js';
import type { Reader } from './reader.js';

/** The identity providers' variables: the console's (LETHE_OIDC_*) and the data subjects' (LETHE_SUBJECT_OIDC_*). */

/** The data subjects' identity provider (the IAM platform), apart from the console's. */
export interface SubjectOidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** The claim holding the subject id the IAM API uses in the consent ledger (default `sub`). */
  readonly subjectClaim: string;
}

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The ID token / userinfo claim holding the person's groups or roles (a string or an array of strings). */
  readonly rolesClaim: string;
  /** Claim value → Lethe roles; undefined: a value equal to a Lethe role name maps to itself. */
  readonly roleMap: ReadonlyMap<string, readonly Role[]> | undefined;
  readonly scopes: string;
  /** The sign-in button's text. */
  readonly label: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** LETHE_SUBJECT_OIDC_*: all or nothing around LETHE_SUBJECT_OIDC_ISSUER, like the console's. */
export function subjectOidcConfig(read: Reader, problems: string[]): SubjectOidcConfig | undefined {
  const issuer = read.url('LETHE_SUBJECT_OIDC_ISSUER', ['https:', 'http:']);
  const clientId = read.optional('LETHE_SUBJECT_OIDC_CLIENT_ID');
  const clientSecret = read.optional('LETHE_SUBJECT_OIDC_CLIENT_SECRET');
  if (issuer === undefined) {
    const stray = ['LETHE_SUBJECT_OIDC_CLIENT_ID', 'LETHE_SUBJECT_OIDC_CLIENT_SECRET'].filter((name) => read.optional(name) !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but LETHE_SUBJECT_OIDC_ISSUER is not: set it, or unset them`);
    return undefined;
  }
  try {
    const url = new URL(issuer);
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      problems.push('LETHE_SUBJECT_OIDC_ISSUER must be an https:// URL (plain http is allowed only for localhost, 127.0.0.1 and [::1])');
    }
  } catch {
    // read.url has named the variable already
  }
  if (clientId === undefined) problems.push('LETHE_SUBJECT_OIDC_CLIENT_ID must be set with LETHE_SUBJECT_OIDC_ISSUER');
  if (clientSecret === undefined) problems.push('LETHE_SUBJECT_OIDC_CLIENT_SECRET must be set with LETHE_SUBJECT_OIDC_ISSUER');
  return {
    issuer: issuer.replace(/\/$/, ''),
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    scopes: read.pattern('LETHE_SUBJECT_OIDC_SCOPES', /^(?=.*\bopenid\b)[\w.:/-]+( [\w.:/-]+)*$/, 'openid email', 'space-separated scopes including openid'),
    subjectClaim: read.pattern('LETHE_SUBJECT_OIDC_SUBJECT_CLAIM', /^[\w.:/-]{1,200}$/, 'sub', 'a claim name such as sub or user_id'),
  };
}

/** LETHE_OIDC_*: all or nothing around LETHE_OIDC_ISSUER; plain http only for an issuer on this machine. */
export function oidcConfig(read: Reader, problems: string[]): OidcConfig | undefined {
  const issuer = read.url('LETHE_OIDC_ISSUER', ['https:', 'http:']);
  const clientId = read.optional('LETHE_OIDC_CLIENT_ID');
  const clientSecret = read.optional('LETHE_OIDC_CLIENT_SECRET');
  const roleMap = read.optional('LETHE_OIDC_ROLE_MAP');
  if (issuer === undefined) {
    const stray = ['LETHE_OIDC_CLIENT_ID', 'LETHE_OIDC_CLIENT_SECRET', 'LETHE_OIDC_ROLE_MAP'].filter((name) => read.optional(name) !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but LETHE_OIDC_ISSUER is not: set it, or unset them`);
    return undefined;
  }
  try {
    const url = new URL(issuer);
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      problems.push('LETHE_OIDC_ISSUER must be an https:// URL (plain http is allowed only for localhost, 127.0.0.1 and [::1])');
    }
  } catch {
    // read.url has named the variable already
  }
  if (clientId === undefined) problems.push('LETHE_OIDC_CLIENT_ID must be set with LETHE_OIDC_ISSUER');
  if (clientSecret === undefined) problems.push('LETHE_OIDC_CLIENT_SECRET must be set with LETHE_OIDC_ISSUER');
  return {
    issuer: issuer.replace(/\/$/, ''),
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    rolesClaim: read.pattern('LETHE_OIDC_ROLES_CLAIM', /^[\w.:/-]{1,200}$/, 'roles', 'a claim name such as roles or groups'),
    roleMap: roleMap === undefined ? undefined : parseRoleMap(roleMap, problems),
    scopes: read.pattern('LETHE_OIDC_SCOPES', /^(?=.*\bopenid\b)[\w.:/-]+( [\w.:/-]+)*$/, 'openid profile email', 'space-separated scopes including openid'),
    label: read.string('LETHE_OIDC_LABEL', "Sign in with your organisation's account"),
  };
}

/** `privacy-team=counsel,auditors=auditor`: a claim value may be listed more than once to give several roles. */
export function parseRoleMap(value: string, problems: string[]): ReadonlyMap<string, readonly Role[]> {
  const map = new Map<string, Role[]>();
  value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').forEach((entry, i) => {
    const at = entry.lastIndexOf('=');
    const claim = at > 0 ? entry.slice(0, at).trim() : '';
    const role = at > 0 ? entry.slice(at + 1).trim() : '';
    if (claim === '' || !(ROLES as readonly string[]).includes(role)) {
      problems.push(`LETHE_OIDC_ROLE_MAP entry ${i + 1} must be <claim value>=<role>, the role one of ${ROLES.join(', ')} (got "${entry}")`);
      return;
    }
    const roles = map.get(claim) ?? [];
    if (!roles.includes(role as Role)) roles.push(role as Role);
    map.set(claim, roles);
  });
  if (map.size === 0 && problems.every((p) => !p.startsWith('LETHE_OIDC_ROLE_MAP'))) problems.push('LETHE_OIDC_ROLE_MAP is set but lists no entry');
  return map;
}

/**
 * How mail leaves. Without SMTP_URL, development writes .eml files; production must say so with
 * LETHE_MAIL_TRANSPORT=files, or verification codes would land in files nobody reads.
 */
