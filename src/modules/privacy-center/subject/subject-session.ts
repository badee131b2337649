import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { clearCookie, setCookie } from '../../../infrastructure/http/cookies.js';
import type { Caller } from '../../../common/auth/roles.js';
import { Clock } from '../../../common/clock.js';
import { DomainError } from '../../../common/errors/domain.error.js';
import { Keyring } from '../../../common/keyring.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { readCookie } from '../../sessions/session.cookies.js';
import { originAllowed } from '../../sessions/session.rules.js';

/** `__Host-`: Secure, Path=/, no Domain; a sibling subdomain cannot toss one in. */
export const SUBJECT_COOKIE = '__Host-lethe_subject';
/** How long a data subject stays signed in, used or not: the pages are for one visit. */
export const SUBJECT_SESSION_MINUTES = 30;

export interface SubjectSession {
  subjectId: string;
  email: string | null;
  /** Epoch ms: the session's end, sealed in the cookie and enforced here. */
  until: number;
}

/**
 * A data subject's session in the privacy center: what the identity provider proved (the subject
 * id, the email) sealed (AES-256-GCM) in an HttpOnly, Secure, SameSite=Strict cookie that ends after
 * 30 minutes. It grants no role: only the /v1/privacy/* routes read it, for this one subject.
 */
@Injectable()
export class SubjectSessions {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  issue(response: Response, subjectId: string, email: string | null): void {
    const session: SubjectSession = { subjectId, email, until: this.clock.now().getTime() + SUBJECT_SESSION_MINUTES * 60_000 };
    const sealed = this.keyring.seal(JSON.stringify(session));
    setCookie(response, SUBJECT_COOKIE, `${sealed.keyId}.${sealed.data}`, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: SUBJECT_SESSION_MINUTES * 60_000 });
  }

  clear(response: Response): void {
    clearCookie(response, SUBJECT_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
  }

  read(request: Request): SubjectSession | undefined {
    const cookie = readCookie(request, SUBJECT_COOKIE);
    const dot = cookie?.indexOf('.') ?? -1;
    if (!cookie || dot <= 0) return undefined;
    try {
      const session = JSON.parse(this.keyring.open({ keyId: cookie.slice(0, dot), data: cookie.slice(dot + 1) })) as SubjectSession;
      return typeof session.subjectId === 'string' && session.until > this.clock.now().getTime() ? session : undefined;
    } catch {
      return undefined;
    }
  }

  /** The signed-in subject, or 401. */
  require(request: Request): SubjectSession {
    const session = this.read(request);
    if (!session) throw new DomainError(401, 'not_signed_in', 'Unauthorized', 'Sign in with your account first (or again: a session lasts 30 minutes)');
    return session;
  }

  /**
   * A change made with the cookie must come from the privacy center's own pages: the browser's Origin
   * must be Lethe's — LETHE_PUBLIC_URL's, or the request's own Host — (SameSite=Strict already keeps
   * the cookie off other sites' requests). Unlike the console there is no CSRF token, so an Origin is required.
   */
  requireOwnOrigin(request: Request): void {
    const origin = request.headers.origin;
    if (!origin || !originAllowed(origin, this.config.publicUrl, request.headers.host)) {
      throw new DomainError(403, 'csrf_failed', 'Forbidden', 'Changes are accepted from the privacy center’s own pages only');
    }
  }

  caller(session: SubjectSession): Caller {
    return { kind: 'data_subject', subjectRef: this.keyring.keyedHash('consent-subject', session.subjectId) };
  }
}
