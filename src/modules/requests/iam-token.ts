import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';

type VerifyKey = Awaited<ReturnType<typeof importSPKI>>;
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';

export interface IamIdentity {
  subjectId: string;
  email: string | null;
}

/**
 * Requesters already signed in to the IAM platform present its JWT instead of proving their email
 * again (EDPB Guidelines 01/2022: do not ask an authenticated user for more identification).
 * Signature (JWKS or a public key), issuer, audience and expiry are all checked.
 */
@Injectable()
export class IamTokenVerifier {
  private key: Promise<JWTVerifyGetKey | VerifyKey> | undefined;

  constructor(@Inject(CONFIG) private readonly config: LetheConfig) {}

  async verify(token: string): Promise<IamIdentity> {
    const { jwksUrl, publicKey, issuer, audience, algorithm } = this.config.iam;
    if (!jwksUrl && !publicKey) throw new UnauthorizedException('Signing in with an IAM token is not configured here');
    this.key ??= jwksUrl ? Promise.resolve(createRemoteJWKSet(new URL(jwksUrl))) : importSPKI(publicKey!.replace(/\\n/g, '\n'), algorithm);
    try {
      const key = await this.key;
      const { payload } = await jwtVerify(token, key as VerifyKey, { issuer, audience, algorithms: [algorithm] });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 200) throw new Error('no subject');
      return { subjectId: payload.sub, email: typeof payload.email === 'string' ? payload.email : null };
    } catch {
      throw new UnauthorizedException('The IAM token is not valid (signature, issuer, audience or expiry)');
    }
  }
}
