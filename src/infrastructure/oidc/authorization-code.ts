import * as client from 'openid-client';
import type { Keyring } from '../../common/keyring.js';

/** An OpenID Connect client: its provider and credentials. */
export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** What travels, sealed, in a short-lived cookie between the start of a sign-in and its callback. */
export interface LoginState {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  /** Epoch ms after which the state is refused (the cookie's Max-Age, enforced here too). */
  until: number;
}

/**
 * The authorization code flow with PKCE S256, state and nonce, through openid-client: one provider,
 * one redirect URI. The console's sign-in and the privacy center's each hold one. The provider's
 * metadata is discovered at first use and kept; a failed discovery is retried next time.
 */
export class AuthorizationCodeFlow {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    private readonly settings: OidcClientSettings,
    private readonly redirectUri: string,
    private readonly keyring: Keyring,
  ) {}

  /** Rejects when the provider cannot be reached (and tries again next time). */
  configuration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    this.discovered ??= client
      .discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), {
        timeout: 10,
        execute: new URL(issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }

  /** The provider's authorization URL, and the login state sealed for the cookie. */
  async begin(scope: string, returnTo: string, until: number): Promise<{ url: string; cookie: string }> {
    const configuration = await this.configuration();
    const login: LoginState = { state: client.randomState(), verifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce(), returnTo, until };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
    });
    const sealed = this.keyring.seal(JSON.stringify(login));
    return { url: url.href, cookie: `${sealed.keyId}.${sealed.data}` };
  }

  /** The login state from its cookie; undefined when absent, forged or past its time. */
  openState(cookie: string | undefined, now: number): LoginState | undefined {
    const dot = cookie?.indexOf('.') ?? -1;
    if (!cookie || dot <= 0) return undefined;
    try {
      const login = JSON.parse(this.keyring.open({ keyId: cookie.slice(0, dot), data: cookie.slice(dot + 1) })) as LoginState;
      return login.until > now ? login : undefined;
    } catch {
      return undefined;
    }
  }

  /** Exchanges the code (checking state, nonce and PKCE) and returns the ID token's claims with userinfo's. Throws on any failure. */
  async claims(configuration: client.Configuration, params: URLSearchParams, login: LoginState): Promise<Record<string, unknown>> {
    const tokens = await client.authorizationCodeGrant(configuration, new URL(`${this.redirectUri}?${params.toString()}`), {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('no ID token');
    const claims: Record<string, unknown> = { ...idClaims };
    if (configuration.serverMetadata().userinfo_endpoint) return { ...claims, ...(await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)) };
    return claims;
  }
}

/** Error kind and code only: provider messages can quote claims. */
export function describeOidcError(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { name: error.name, code: (error as { code?: unknown }).code } : { name: typeof error };
}
