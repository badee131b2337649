/**
 * A real OpenID Connect provider (oidc-provider) in the test process, on an ephemeral 127.0.0.1
 * port: one confidential client whose redirect URI is the Lethe app's callback, PKCE required, and
 * oidc-provider's development login form (any password) so e2e and browser tests sign in through it.
 */
import { createServer, type RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Account } from 'oidc-provider';

export interface TestAccount {
  name?: string;
  preferred_username?: string;
  email?: string;
  /** The roles claim (LETHE_OIDC_ROLES_CLAIM defaults to `roles`): a string or a list. */
  roles?: string | string[];
  [claim: string]: unknown;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by sub; change them between sign-ins, the provider reads them at every sign-in. */
  accounts: Map<string, TestAccount>;
  /** The LETHE_OIDC_* variables for an app using this provider. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A free port on 127.0.0.1, so an app's LETHE_PUBLIC_URL can be known before it listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startIdentityProvider(options: { redirectUri: string; accounts?: Record<string, TestAccount> }): Promise<TestIdentityProvider> {
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const clientId = 'lethe-console';
  const clientSecret = 'lethe-console-test-secret-0123456789abcdef';
  // The provider needs its issuer URL, which needs the port: listen first, hand requests over once it exists.
  const handler: { current?: RequestListener } = {};
  const server: Server = createServer((req, res) => handler.current!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles'], email: ['email'] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['lethe-test-idp-cookie-key-0123456789'] },
    ttl: { AccessToken: 3600, AuthorizationCode: 600, Grant: 86_400, IdToken: 3600, Interaction: 3600, Session: 86_400 },
    findAccount: (_ctx: unknown, sub: string): Account | undefined =>
      accounts.has(sub) ? { accountId: sub, claims: () => ({ ...accounts.get(sub), sub }) } : undefined,
  });
  handler.current = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    env: { LETHE_OIDC_ISSUER: issuer, LETHE_OIDC_CLIENT_ID: clientId, LETHE_OIDC_CLIENT_SECRET: clientSecret },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser's cookies, enough for these flows: by name (the app and the provider use distinct names). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  /** The last Set-Cookie line for each name, attributes included. */
  readonly lines = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      this.lines.set(name, line);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface BrowserStep {
  url: string;
  status: number;
}

/**
 * Signs in as `sub` the way a browser does: /v1/session/oidc/start → the provider → its login
 * form (POST) → consent if asked (POST) → the Lethe callback. Returns where the callback sent the
 * browser and the __Host-lethe_session cookie value (undefined when the sign-in was refused).
 */
export async function oidcSignIn(
  appUrl: string,
  sub: string,
  options: { returnTo?: string; jar?: CookieJar; tamper?: (url: URL, jar: CookieJar) => void; app?: 'console' | 'privacy' } = {},
): Promise<{ location: string; session: string | undefined; jar: CookieJar; steps: BrowserStep[] }> {
  const jar = options.jar ?? new CookieJar();
  const steps: BrowserStep[] = [];
  // The console's sign-in, or a data subject's in the privacy center (its own provider, routes and cookie).
  const flow =
    options.app === 'privacy'
      ? { base: '/v1/privacy/session/oidc', home: '/privacy', cookie: '__Host-lethe_subject' }
      : { base: '/v1/session/oidc', home: '/console', cookie: '__Host-lethe_session' };
  const start = `${appUrl}${flow.base}/start${options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`}`;
  let next: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } | undefined = { url: start, method: 'GET' };
  for (let hop = 0; next && hop < 20; hop++) {
    const url: URL = new URL(next.url);
    if (url.href.startsWith(`${appUrl}${flow.base}/callback`)) options.tamper?.(url, jar);
    const response = await fetch(url, {
      method: next.method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: next.body,
    });
    jar.store(response);
    steps.push({ url: url.href, status: response.status });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target: URL = new URL(location, url);
      // Back in the app (a page this helper does not load): the sign-in is over.
      if (target.origin === appUrl && target.pathname.startsWith(flow.home)) {
        return { location: `${target.pathname}${target.search}`, session: jar.get(flow.cookie), jar, steps };
      }
      next = { url: target.href, method: 'GET' };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`sign-in stopped at ${url.href}: ${response.status} ${html.slice(0, 300)}`);
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`no form at ${url.href}`);
    const fields = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/gi)) {
      const name = input[1]!;
      const value = /value="([^"]*)"/.exec(input[0])?.[1];
      fields.set(name, name === 'login' ? sub : name === 'password' ? 'any password' : (value ?? ''));
    }
    next = { url: new URL(form[1]!.replace(/&amp;/g, '&'), url).href, method: 'POST', body: fields };
  }
  throw new Error(`sign-in did not finish: ${JSON.stringify(steps)}`);
}
