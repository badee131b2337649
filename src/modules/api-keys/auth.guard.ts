import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthenticatedRequest, PUBLIC_KEY, Role, ROLES_KEY } from '../../common/auth/roles.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * Global guard: a route is public only when marked @Public(); every other route needs an API key
 * holding one of the roles named by @Roles(). A route with neither is refused (and a test fails).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      // Public routes take an API key when one is offered (counsel recording a request, a calendar
      // feed); any other bearer token (an IAM JWT) is left to the route. A configured admin key need
      // not start with lth_, so an unknown token without the prefix is left to the route too.
      if (match) {
        const key = await this.keys.authenticate(match[1]!);
        if (key) request.caller = { kind: 'api_key', keyId: key.id, roles: key.roles };
        else if (match[1]!.startsWith('lth_')) return this.unauthorized(context, 'The API key is unknown, revoked or expired');
      }
      return true;
    }
    if (!match) return this.unauthorized(context, 'An API key is required: send Authorization: Bearer <key>');
    const key = await this.keys.authenticate(match[1]!);
    if (!key) return this.unauthorized(context, 'The API key is unknown, revoked or expired');
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!required.some((role) => key.roles.has(role))) {
      throw new ForbiddenException(`This needs an API key with one of the roles: ${required.join(', ') || '(none declared)'}`);
    }
    request.caller = { kind: 'api_key', keyId: key.id, roles: key.roles };
    return true;
  }

  private unauthorized(context: ExecutionContext, message: string): never {
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="lethe"');
    throw new UnauthorizedException(message);
  }
}
