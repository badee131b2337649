import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { DomainError } from '../../../common/errors/domain.error.js';
import { Keyring } from '../../../common/keyring.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { AuthorizationCodeFlow, describeOidcError } from '../../../infrastructure/oidc/authorization-code.js';
import { SUBJECT_ID } from '../../consent/consent.dto.js';

export const SUBJECT_CALLBACK_PATH = '/v1/privacy/session/oidc/callback';
export const SUBJECT_OIDC_COOKIE = 'lethe_subject_oidc';
export const SUBJECT_OIDC_COOKIE_PATH = '/v1/privacy/session/oidc';
export const SUBJECT_OIDC_COOKIE_SECONDS = 600;

/** The codes a failed sign-in comes back with (`?signInError=`); never anything about the person. */
export const SUBJECT_SIGN_IN_ERRORS = ['not_configured', 'provider_unavailable', 'state_mismatch', 'provider_error', 'failed'] as const;
export type SubjectSignInError = (typeof SUBJECT_SIGN_IN_ERRORS)[number];

/** Only privacy-center pages: no open redirect. */
export function safePrivacyReturnTo(value: string | undefined): string {
  return value && /^\/privacy(\/[A-Za-z0-9/_-]*)?(\?[A-Za-z0-9=&_-]*)?$/.test(value) && !value.includes('//') ? value : '/privacy/consents';
}

export function subjectSignInErrorLocation(error: SubjectSignInError): string {
  return `/privacy/consents?signInError=${error}`;
}

/**
 * Data subjects sign in with their account at the IAM platform (OpenID Connect, authorization code
 * with PKCE S256, state and nonce; the flow in infrastructure/oidc), configured apart from the
 * console's identity provider. What it proves: the subject id the consent ledger knows them by
 * (EDPB Guidelines 01/2022: an authenticated user is not asked for more).
 */
@Injectable()
export class SubjectOidc {
  private readonly logger = new Logger('SubjectOidc');
  private readonly flow: AuthorizationCodeFlow | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    keyring: Keyring,
    private readonly clock: Clock,
  ) {
    const oidc = config.privacyCenter.oidc;
    this.flow = oidc ? new AuthorizationCodeFlow(oidc, `${config.publicUrl}${SUBJECT_CALLBACK_PATH}`, keyring) : undefined;
  }

  async start(returnTo: string | undefined): Promise<{ ok: true; url: string; cookie: string } | { ok: false; error: SubjectSignInError }> {
    const oidc = this.config.privacyCenter.oidc;
    if (!oidc || !this.flow) return { ok: false, error: 'not_configured' };
    try {
      const { url, cookie } = await this.flow.begin(oidc.scopes, safePrivacyReturnTo(returnTo), this.clock.now().getTime() + SUBJECT_OIDC_COOKIE_SECONDS * 1000);
      return { ok: true, url, cookie };
    } catch (error) {
      this.logger.warn({ err: describeOidcError(error) }, 'subject sign-in: identity provider unavailable');
      return { ok: false, error: 'provider_unavailable' };
    }
  }

  async callback(search: string, cookie: string | undefined): Promise<{ ok: true; subjectId: string; email: string | null; returnTo: string } | { ok: false; error: SubjectSignInError }> {
    const oidc = this.config.privacyCenter.oidc;
    if (!oidc || !this.flow) throw new DomainError(404, 'oidc_not_configured', 'Not Found', 'Sign-in for data subjects is not configured (LETHE_SUBJECT_OIDC_ISSUER)');
    const login = this.flow.openState(cookie, this.clock.now().getTime());
    const params = new URLSearchParams(search);
    if (!login || params.get('state') !== login.state) return { ok: false, error: 'state_mismatch' };
    if (params.has('error')) return { ok: false, error: 'provider_error' };
    let configuration;
    try {
      configuration = await this.flow.configuration();
    } catch {
      return { ok: false, error: 'provider_unavailable' };
    }
    try {
      const claims = await this.flow.claims(configuration, params, login);
      const subjectId = claims[oidc.subjectClaim];
      if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId)) throw new Error('no usable subject id claim');
      const email = typeof claims.email === 'string' && claims.email.length <= 254 && claims.email_verified !== false ? claims.email : null;
      return { ok: true, subjectId, email, returnTo: login.returnTo };
    } catch (error) {
      this.logger.warn({ err: describeOidcError(error) }, 'subject sign-in failed');
      return { ok: false, error: 'failed' };
    }
  }
}
