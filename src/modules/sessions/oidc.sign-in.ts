import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/roles.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig, OidcConfig } from '../../config/config.schema.js';
import { OIDC_COOKIE_SECONDS } from './session.cookies.js';
import { hasConsoleRole, mapRoles, safeReturnTo } from './session.rules.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService, SignedIn } from './sessions.service.js';
import { SignInFailureReason, SignInLimiter } from './sign-in.limiter.js';

export const CALLBACK_PATH = '/v1/session/oidc/callback';

/** The codes a failed sign-in sends back to the console as `?signInError=`; never anything about the person. */
export const SIGN_IN_ERRORS = ['not_configured', 'provider_unavailable', 'state_mismatch', 'provider_error', 'no_role', 'rate_limited', 'failed'] as const;
export type SignInError = (typeof SIGN_IN_ERRORS)[number];

/** Where a refused sign-in sends the browser: the console's sign-in page, with the code. */
export function signInErrorLocation(error: SignInError): string {
  return `/console/?signInError=${error}`;
}

/** What travels, sealed, in the `lethe_oidc` cookie between /start and /callback. */
interface LoginState {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  /** Epoch ms after which the state is refused (the cookie's Max-Age, enforced here too). */
  until: number;
}

export type StartOutcome = { ok: true; url: string; cookie: string } | { ok: false; error: 'not_configured' | 'provider_unavailable' };
export type CallbackOutcome = { ok: true; signedIn: SignedIn; returnTo: string } | { ok: false; error: SignInError };

/** The browser coming back: its address (for the failure limit) and the session cookies it presented (replaced on success). */
export interface CallbackBrowser {
  address: string | undefined;
  previous: string[];
}

class SignInFailure extends Error {
  constructor(
    readonly code: SignInError,
    readonly reason: SignInFailureReason,
    readonly actor: Caller = SYSTEM,
  ) {
    super(reason);
  }
}

/**
 * OpenID Connect sign-in (authorization code with PKCE S256, state and nonce) through openid-client.
 * The provider's metadata is discovered at first use and kept; a failed discovery is retried next time.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly repository: SessionsRepository,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly limiter: SignInLimiter,
  ) {}

  /**
   * The provider's authorization URL and the sealed login state for the cookie; or, since /start is
   * a plain link from the sign-in page, the code the page shows when it cannot go there.
   */
  async start(returnTo: string | undefined): Promise<StartOutcome> {
    const oidc = this.config.oidc;
    if (!oidc) return { ok: false, error: 'not_configured' };
    let configuration: client.Configuration;
    try {
      configuration = await this.configuration(oidc);
    } catch {
      return { ok: false, error: 'provider_unavailable' };
    }
    const login: LoginState = {
      state: client.randomState(),
      verifier: client.randomPKCECodeVerifier(),
      nonce: client.randomNonce(),
      returnTo: safeReturnTo(returnTo),
      until: this.clock.now().getTime() + OIDC_COOKIE_SECONDS * 1000,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(),
      scope: oidc.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
    });
    const sealed = this.keyring.seal(JSON.stringify(login));
    return { ok: true, url: url.href, cookie: `${sealed.keyId}.${sealed.data}` };
  }

  /**
   * Finishes the sign-in from the provider's redirect. 404 when no provider is configured. Every
   * failure counts against the browser's address (SignInLimiter) and is named by a code only; those
   * that carry information (after a valid login state) are audited. A callback without a valid
   * login cookie has nothing to bind it to a sign-in anyone started: counted, not audited, so
   * anyone on the internet cannot write audit rows (each one takes the audit chain's lock).
   */
  async callback(search: string, cookie: string | undefined, browser: CallbackBrowser): Promise<CallbackOutcome> {
    const oidc = this.settings();
    if ((await this.limiter.retryAfter(browser.address)) > 0) {
      this.limiter.refused('rate_limited');
      return { ok: false, error: 'rate_limited' };
    }
    const login = this.openState(cookie);
    if (!login) {
      await this.limiter.failed(browser.address, 'no_login_state');
      return { ok: false, error: 'state_mismatch' };
    }
    try {
      const signedIn = await this.finish(oidc, search, login, browser.previous);
      return { ok: true, signedIn, returnTo: login.returnTo };
    } catch (error) {
      const failure = error instanceof SignInFailure ? error : new SignInFailure('failed', 'error');
      if (!(error instanceof SignInFailure)) this.logger.warn({ err: describe(error) }, 'OIDC sign-in failed');
      await this.limiter.failed(browser.address, failure.reason);
      await this.sessions.recordFailure('oidc', failure.reason, failure.actor);
      return { ok: false, error: failure.code };
    }
  }

  private async finish(oidc: OidcConfig, search: string, login: LoginState, previous: string[]): Promise<SignedIn> {
    const params = new URLSearchParams(search);
    if (params.get('state') !== login.state) throw new SignInFailure('state_mismatch', 'state_mismatch');
    if (params.has('error')) throw new SignInFailure('provider_error', 'provider_error');
    const configuration = await this.configuration(oidc).catch(() => {
      throw new SignInFailure('provider_unavailable', 'provider_unavailable');
    });
    const currentUrl = new URL(`${this.redirectUri()}?${params.toString()}`);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      claims = { ...idClaims };
      if (configuration.serverMetadata().userinfo_endpoint) {
        claims = { ...claims, ...(await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)) };
      }
    } catch (error) {
      this.logger.warn({ err: describe(error) }, 'OIDC token exchange failed');
      throw new SignInFailure('failed', 'token_error');
    }
    const sub = typeof claims.sub === 'string' && claims.sub.length <= 255 ? claims.sub : undefined;
    if (!sub) throw new SignInFailure('failed', 'bad_subject');
    const roles = mapRoles(claims[oidc.rolesClaim], oidc.roleMap);
    const user: Caller = { kind: 'user', sub, sessionId: '', roles: new Set(roles), email: null };
    // No mapped role, or only roles without a console page (iam): nothing to sign in to.
    if (!hasConsoleRole(roles)) throw new SignInFailure('no_role', 'no_role', user);
    const name = firstText(claims.name, claims.preferred_username) ?? sub;
    const email = firstText(claims.email);
    return this.dataSource.transaction(async (manager) => {
      const at = this.clock.now();
      await this.repository.upsertUser(manager, { sub, displayName: name.slice(0, 300), roles, at });
      return this.sessions.create(manager, {
        method: 'oidc',
        caller: { ...user, email: email ?? null },
        keyId: null,
        sub,
        name: name.slice(0, 300),
        email: email && email.length <= 320 ? email : null,
        roles,
      }, previous);
    });
  }

  private settings(): OidcConfig {
    if (!this.config.oidc) throw new DomainError(404, 'oidc_not_configured', 'Not Found', 'Sign-in through an identity provider is not configured (LETHE_OIDC_ISSUER)');
    return this.config.oidc;
  }

  private redirectUri(): string {
    return `${this.config.publicUrl}${CALLBACK_PATH}`;
  }

  /** Discovery once, at first use; when the provider cannot be reached, a rejection now and a new try next time. */
  private configuration(oidc: OidcConfig): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(new URL(oidc.issuer), oidc.clientId, undefined, client.ClientSecretBasic(oidc.clientSecret), {
        timeout: 10,
        execute: new URL(oidc.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.discovered = undefined;
        this.logger.warn({ err: describe(error) }, 'OIDC discovery failed');
        throw new Error('identity provider unavailable');
      });
    return this.discovered;
  }

  private openState(cookie: string | undefined): LoginState | undefined {
    if (!cookie) return undefined;
    const dot = cookie.indexOf('.');
    if (dot <= 0) return undefined;
    try {
      const login = JSON.parse(this.keyring.open({ keyId: cookie.slice(0, dot), data: cookie.slice(dot + 1) })) as LoginState;
      return login.until > this.clock.now().getTime() ? login : undefined;
    } catch {
      return undefined;
    }
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '')?.trim();
}

/** Error kind and code only: provider messages can quote claims. */
function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { name: error.name, code: (error as { code?: unknown }).code } : { name: typeof error };
}
