import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ProblemDto } from '../errors/problem.js';

export const ROLES = ['admin', 'counsel', 'auditor', 'iam'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'lethe:roles';
export const PUBLIC_KEY = 'lethe:public';

/**
 * Who is calling: an API key (sent as a bearer token, or behind a console session signed in with
 * it), a person signed in to the console through the identity provider, a data subject proving a
 * request token, or Lethe itself.
 */
export type Caller =
  | { kind: 'api_key'; keyId: string; roles: ReadonlySet<Role> }
  | { kind: 'user'; sub: string; sessionId: string; roles: ReadonlySet<Role>; email: string | null }
  | { kind: 'subject'; requestId: string }
  /** A data subject signed in to the privacy center; `subjectRef` is the keyed hash of their id, never the id. */
  | { kind: 'data_subject'; subjectRef: string }
  /** An authorized agent of the Data Rights Protocol, by its id in the DRP directory (proven by its pair-wise token or signature). */
  | { kind: 'agent'; agentId: string }
  | { kind: 'system' };

export const SYSTEM: Caller = { kind: 'system' };

/** The actor string written to the audit trail. */
export function actorOf(caller: Caller): string {
  switch (caller.kind) {
    case 'api_key':
      return caller.keyId;
    case 'user':
      return `user:${caller.sub}`;
    case 'subject':
      return `subject:${caller.requestId}`;
    case 'data_subject':
      return `data-subject:${caller.subjectRef.slice(0, 16)}`;
    case 'agent':
      return `agent:${caller.agentId}`;
    case 'system':
      return 'system';
  }
}

/** True when the caller (an API key or a signed-in user) holds this role; subjects and the system hold none. */
export function hasRole(caller: Caller | undefined, role: Role): boolean {
  return (caller?.kind === 'api_key' || caller?.kind === 'user') && caller.roles.has(role);
}

/** Route needs a caller (an API key, or a console session) holding at least one of these roles. */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth('apiKey'),
    ApiUnauthorizedResponse({ description: 'No API key or console session, or an unknown, revoked or expired one', type: ProblemDto }),
    ApiForbiddenResponse({ description: `The caller lacks every one of the roles: ${roles.join(', ')}; or a change made with the session cookie lacks X-CSRF-Token (csrf_failed)`, type: ProblemDto }),
  );
}

/** Route needs no API key or session (data subjects, health checks, public feeds, signing in). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export interface AuthenticatedRequest {
  caller?: Caller;
}

/** Injects the caller set by the global guard (not for @Public() routes). */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.caller) throw new Error('CurrentCaller used on a route without an authenticated caller');
  return request.caller;
});
