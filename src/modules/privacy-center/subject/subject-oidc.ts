import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { Clock } from '../../../common/clock.js';
import { DomainError } from '../../../common/errors/domain.error.js';
import { Keyring } from '../../../common/keyring.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig, SubjectOidcConfig } from '../../../config/config.schema.js';
import { SUBJECT_ID } from '../../consent/consent.dto.js';

export const SUBJECT_CALLBACK_PATH = '/v1/privacy/session/oidc/callback';
export const SUBJECT_OIDC_COOKIE = 'lethe_subject_oidc';
export const SUBJECT_OIDC_COOKIE_PATH = '/v1/privacy/session/oidc';
export const SUBJECT_OIDC_COOKIE_SECONDS = 600;

/** The codes a failed sign-in comes back with (`?signInError=`); never anything about the person. */
export const SUBJECT_SIGN_IN_ERRORS = ['not_configured', 'provider_unavailable', 'state_mismatch', 'provider_error', 'failed'] as const;
export type SubjectSignInError = (typeof SUBJECT_SIGN_IN_ERRORS)[number];

interface LoginState {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  until: number;
}

/** Only privacy-center pages: no open redirect. */
export function safePrivacyReturnTo(value: string | undefined): string {
  return value && /^\/privacy(\/[A-Za-z0-9/_-]*)?(\?[A-Za-z0-9=&_-]*)?$/.test(value) && !value.includes('//') ? value : '/privacy/consents';
}

export function subjectSignInErrorLocation(error: SubjectSignInError): string {
  return `/privacy/consents?signInError=${error}`;
}

/**
 * Data subjects sign in with their account at the IAM platform (OpenID Connect, authorization code
 * with PKCE S256, state and nonce), configured apart from the console's identity provider. What it
 * proves: the subject id the consent ledger knows them by (EDPB Guidelines 01/2022: an
 * authenticated user is not asked for more).
 */
@Injectable()
export class SubjectOidc {
  private readonly logger = new Logger('SubjectOidc');
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.config.privacyCenter.oidc !== undefined;
  }

  async start(returnTo: string | undefined): Promise<{ ok: true; url: string; cookie: string } | { ok: false; error: SubjectSignInError }> {
    const oidc = this.config.privacyCenter.oidc;
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
      returnTo: safePrivacyReturnTo(returnTo),
      until: this.clock.now().getTime() + SUBJECT_OIDC_COOKIE_SECONDS * 1000,
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

  async callback(search: string, cookie: string | undefined): Promise<{ ok: true; subjectId: string; email: string | null; returnTo: string } | { ok: false; error: SubjectSignInError }> {
    const oidc = this.config.privacyCenter.oidc;
    if (!oidc) throw new DomainError(404, 'oidc_not_configured', 'Not Found', 'Sign-in for data subjects is not configured (LETHE_SUBJECT_OIDC_ISSUER)');
    const login = this.openState(cookie);
    const params = new URLSearchParams(search);
    if (!login || params.get('state') !== login.state) return { ok: false, error: 'state_mismatch' };
    if (params.has('error')) return { ok: false, error: 'provider_error' };
    let configuration: client.Configuration;
    try {
      configuration = await this.configuration(oidc);
    } catch {
      return { ok: false, error: 'provider_unavailable' };
    }
    try {
      const tokens = await client.authorizationCodeGrant(configuration, new URL(`${this.redirectUri()}?${params.toString()}`), {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      if (configuration.serverMetadata().userinfo_endpoint) claims = { ...claims, ...(await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)) };
      const subjectId = claims[oidc.subjectClaim];
      if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId)) throw new Error('no usable subject id claim');
      const email = typeof claims.email === 'string' && claims.email.length <= 254 && claims.email_verified !== false ? claims.email : null;
      return { ok: true, subjectId, email, returnTo: login.returnTo };
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? { name: error.name, code: (error as { code?: unknown }).code } : { name: typeof error } }, 'subject sign-in failed');
      return { ok: false, error: 'failed' };
    }
  }

  private redirectUri(): string {
    return `${this.config.publicUrl}${SUBJECT_CALLBACK_PATH}`;
  }

  private configuration(oidc: SubjectOidcConfig): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(new URL(oidc.issuer), oidc.clientId, undefined, client.ClientSecretBasic(oidc.clientSecret), {
        timeout: 10,
        execute: new URL(oidc.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  private openState(cookie: string | undefined): LoginState | undefined {
    const dot = cookie?.indexOf('.') ?? -1;
    if (!cookie || dot <= 0) return undefined;
    try {
      const login = JSON.parse(this.keyring.open({ keyId: cookie.slice(0, dot), data: cookie.slice(dot + 1) })) as LoginState;
      return login.until > this.clock.now().getTime() ? login : undefined;
    } catch {
      return undefined;
    }
  }
}
