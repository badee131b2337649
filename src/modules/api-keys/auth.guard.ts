import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { PUBLIC_KEY, Role, ROLES_KEY } from '../../common/auth/roles.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { readCookies, SESSION_COOKIE, wellFormed } from '../sessions/session.cookies.js';
import { BACKGROUND_HEADER, isBackground } from '../sessions/session.rules.js';
import { IGNORE_SESSION_KEY } from '../sessions/session.guard-options.js';
import { type ApiAuthFailure, MetricsService } from '../ops/metrics.service.js';
import { SessionRequest, SessionsService } from '../sessions/sessions.service.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * Global guard: a route is public only when marked @Public(); every other route needs a caller
 * holding one of the roles named by @Roles() — an API key sent as a bearer token, or a console
 * session (the __Host-lethe_session cookie). A route with neither marker is refused (and a test fails).
 * A bearer header wins over the cookie, so API clients behave as before; a change made with the
 * cookie needs the session's X-CSRF-Token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly sessions: SessionsService,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request & SessionRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
    // A DRP agent's pair-wise token (drp_…) is the DRP routes' own business: never looked up as an API key.
    if (match && isPublic && match[1]!.startsWith('drp_')) return true;
    if (match) {
      const key = await this.keys.authenticate(match[1]!);
      if (key) request.caller = { kind: 'api_key', keyId: key.id, roles: key.roles };
      // Public routes take an API key when one is offered (counsel recording a request, a calendar
      // feed); any other bearer token (an IAM JWT) is left to the route. A configured admin key need
      // not start with lth_, so an unknown token without the prefix is left to the route too.
      else if (!isPublic || match[1]!.startsWith('lth_')) return this.unauthorized(context, 'invalid_key', 'The API key is unknown, revoked or expired');
    } else if (header === undefined && !this.reflector.getAllAndOverride<boolean>(IGNORE_SESSION_KEY, targets)) {
      await this.useSession(request);
    }
    if (isPublic) return true;
    if (!request.caller) {
      if (header !== undefined) return this.unauthorized(context, 'missing_credentials', 'An API key is required: send Authorization: Bearer <key>');
      return this.unauthorized(context, 'missing_credentials', 'Sign in to the console, or send an API key: Authorization: Bearer <key>');
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    const roles = request.caller.kind === 'api_key' || request.caller.kind === 'user' ? request.caller.roles : new Set<Role>();
    if (!required.some((role) => roles.has(role))) {
      this.metrics.apiAuthFailures.inc({ reason: 'missing_role' });
      throw new ForbiddenException(`This needs one of the roles: ${required.join(', ') || '(none declared)'}`);
    }
    return true;
  }

  /**
   * A live session cookie makes the caller; a change made with it must pass the CSRF checks. The
   * cookie sent twice (one tossed in by another site under the same domain, say) is refused, and
   * neither is used: the server cannot tell which one the person meant.
   */
  private async useSession(request: Request & SessionRequest): Promise<void> {
    const tokens = readCookies(request, SESSION_COOKIE);
    if (tokens.length > 1) {
      this.metrics.apiAuthFailures.inc({ reason: 'session_cookie_repeated' });
      throw new DomainError(401, 'session_cookie_repeated', 'Unauthorized', 'The session cookie was sent more than once, so neither is used: clear this site’s cookies and sign in again');
    }
    const token = tokens[0];
    if (token === undefined || !wellFormed(token)) return;
    const live = await this.sessions.resolve(token, { background: isBackground(request.headers[BACKGROUND_HEADER]) });
    if (!live) return;
    const failure = this.sessions.csrfFailure(live, request);
    if (failure) {
      this.metrics.apiAuthFailures.inc({ reason: 'csrf_failed' });
      throw new DomainError(403, 'csrf_failed', 'Forbidden', failure);
    }
    request.caller = live.caller;
    request.consoleSession = live;
  }

  private unauthorized(context: ExecutionContext, reason: ApiAuthFailure, message: string): never {
    this.metrics.apiAuthFailures.inc({ reason });
    context.switchToHttp().getResponse<Response>().header('WWW-Authenticate', 'Bearer realm="lethe"');
    throw new UnauthorizedException(message);
  }
}
