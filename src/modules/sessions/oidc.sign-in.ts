import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/roles.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig, OidcConfig } from '../../config/config.schema.js';
import { AuthorizationCodeFlow, describeOidcError, type LoginState } from '../../infrastructure/oidc/authorization-code.js';
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
 * Console sign-in through OpenID Connect (authorization code with PKCE S256, state and nonce; the
 * flow itself in infrastructure/oidc), with roles mapped from a claim and failures limited per address.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  private readonly flow: AuthorizationCodeFlow | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly repository: SessionsRepository,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly limiter: SignInLimiter,
  ) {
    this.flow = config.oidc ? new AuthorizationCodeFlow(config.oidc, `${config.publicUrl}${CALLBACK_PATH}`, keyring) : undefined;
  }

  /**
   * The provider's authorization URL and the sealed login state for the cookie; or, since /start is
   * a plain link from the sign-in page, the code the page shows when it cannot go there.
   */
  async start(returnTo: string | undefined): Promise<StartOutcome> {
    const oidc = this.config.oidc;
    if (!oidc || !this.flow) return { ok: false, error: 'not_configured' };
    try {
      const { url, cookie } = await this.flow.begin(oidc.scopes, safeReturnTo(returnTo), this.clock.now().getTime() + OIDC_COOKIE_SECONDS * 1000);
      return { ok: true, url, cookie };
    } catch (error) {
      this.logger.warn({ err: describeOidcError(error) }, 'OIDC discovery failed');
      return { ok: false, error: 'provider_unavailable' };
    }
  }

  /**
   * Finishes the sign-in from the provider's redirect. 404 when no provider is configured. Every
   * failure counts against the browser's address (SignInLimiter) and is named by a code only; those
   * that carry information (after a valid login state) are audited. A callback without a valid
   * login cookie has nothing to bind it to a sign-in anyone started: counted, not audited, so
   * anyone on the internet cannot write audit rows (each one takes the audit chain's lock).
   */
  async callback(search: string, cookie: string | undefined, browser: CallbackBrowser): Promise<CallbackOutcome> {
    const { oidc, flow } = this.settings();
    if ((await this.limiter.retryAfter(browser.address)) > 0) {
      this.limiter.refused('rate_limited');
      return { ok: false, error: 'rate_limited' };
    }
    const login = flow.openState(cookie, this.clock.now().getTime());
    if (!login) {
      await this.limiter.failed(browser.address, 'no_login_state');
      return { ok: false, error: 'state_mismatch' };
    }
    try {
      const signedIn = await this.finish(oidc, flow, search, login, browser.previous);
      return { ok: true, signedIn, returnTo: login.returnTo };
    } catch (error) {
      const failure = error instanceof SignInFailure ? error : new SignInFailure('failed', 'error');
      if (!(error instanceof SignInFailure)) this.logger.warn({ err: describeOidcError(error) }, 'OIDC sign-in failed');
      await this.limiter.failed(browser.address, failure.reason);
      await this.sessions.recordFailure('oidc', failure.reason, failure.actor);
      return { ok: false, error: failure.code };
    }
  }

  private async finish(oidc: OidcConfig, flow: AuthorizationCodeFlow, search: string, login: LoginState, previous: string[]): Promise<SignedIn> {
    const params = new URLSearchParams(search);
    if (params.get('state') !== login.state) throw new SignInFailure('state_mismatch', 'state_mismatch');
    if (params.has('error')) throw new SignInFailure('provider_error', 'provider_error');
    const configuration = await flow.configuration().catch(() => {
      throw new SignInFailure('provider_unavailable', 'provider_unavailable');
    });
    let claims: Record<string, unknown>;
    try {
      claims = await flow.claims(configuration, params, login);
    } catch (error) {
      this.logger.warn({ err: describeOidcError(error) }, 'OIDC token exchange failed');
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

  private settings(): { oidc: OidcConfig; flow: AuthorizationCodeFlow } {
    if (!this.config.oidc || !this.flow) throw new DomainError(404, 'oidc_not_configured', 'Not Found', 'Sign-in through an identity provider is not configured (LETHE_OIDC_ISSUER)');
    return { oidc: this.config.oidc, flow: this.flow };
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '')?.trim();
}
