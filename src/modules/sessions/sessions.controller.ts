import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { clearOidcCookie, clearSessionCookie, OIDC_COOKIE, readCookie, setOidcCookie, setSessionCookie } from './session.cookies.js';
import { ApiKeySignInDto, OidcStartQueryDto, SessionDto, SignInMethodsDto, UserListQueryDto, UserPageDto } from './session.dto.js';
import { IgnoreSession } from './session.guard-options.js';
import { LiveSession, SessionRequest, SessionsService } from './sessions.service.js';
import { OidcSignIn } from './oidc.sign-in.js';

const NO_SESSION = 'No live session: sign in again';

@ApiTags('session')
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly oidc: OidcSignIn,
  ) {}

  @Get('v1/session/methods')
  @Public()
  @ApiOperation({ summary: 'How one may sign in to the console (public)' })
  @ApiOkResponse({ type: SignInMethodsDto })
  methods(): SignInMethodsDto {
    return this.sessions.methods();
  }

  @Get('v1/session')
  @Public()
  @ApiOperation({ summary: 'The console session of this browser (from the lethe_session cookie), with its CSRF token' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'No session, or it has ended, timed out or lost its API key' })
  current(@Req() request: SessionRequest): SessionDto {
    return this.sessions.toDto(live(request));
  }

  @Post('v1/session')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'Sign in to the console with an API key: sets the lethe_session cookie (public)' })
  @ApiCreatedResponse({ type: SessionDto, headers: { 'Set-Cookie': { description: 'lethe_session=…; HttpOnly; Secure; SameSite=Strict; Path=/', schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'The API key is unknown, revoked or expired' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'Too many failed sign-ins from this address; see Retry-After' })
  async signIn(@Body() dto: ApiKeySignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    const { token, session } = await this.sessions.signInWithKey(dto, request.ip);
    setSessionCookie(response, token);
    return session;
  }

  @Delete('v1/session')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session on the server and clears the cookie (needs X-CSRF-Token)' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'No live session' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'X-CSRF-Token missing or wrong, or another origin (csrf_failed)' })
  async signOut(@Req() request: SessionRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.sessions.signOut(live(request));
    clearSessionCookie(response);
  }

  @Get('v1/session/oidc/start')
  @Public()
  @ApiOperation({ summary: 'Start signing in through the identity provider: redirects there (public)' })
  @ApiResponse({ status: 303, description: 'To the identity provider’s authorization endpoint; sets the short-lived lethe_oidc cookie' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No identity provider is configured (oidc_not_configured)' })
  @ApiServiceUnavailableResponse({ type: ProblemDto, description: 'The identity provider cannot be reached (identity_provider_unavailable)' })
  async start(@Query() query: OidcStartQueryDto, @Res() response: Response): Promise<void> {
    const { url, cookie } = await this.oidc.start(query.returnTo);
    setOidcCookie(response, cookie);
    response.redirect(303, url);
  }

  @Get('v1/session/oidc/callback')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'Where the identity provider sends the browser back: signs in, then redirects to the console (public)' })
  @ApiResponse({ status: 303, description: 'To returnTo when signed in, else to /console/?signInError=state_mismatch|provider_error|no_role|failed' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const search = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1) : '';
    const outcome = await this.oidc.callback(search, readCookie(request, OIDC_COOKIE));
    clearOidcCookie(response);
    if (outcome.ok) setSessionCookie(response, outcome.signedIn.token);
    response.redirect(303, outcome.ok ? outcome.returnTo : `/console/?signInError=${outcome.error}`);
  }

  @Get('v1/users')
  @Roles('admin', 'auditor')
  @ApiTags('users')
  @ApiOperation({ summary: 'People who have signed in to the console: puts names to the user:<sub> actors of the audit trail' })
  @ApiOkResponse({ type: UserPageDto })
  users(@Query() query: UserListQueryDto) {
    return this.sessions.users(query);
  }
}

function live(request: SessionRequest): LiveSession {
  if (!request.consoleSession) throw new UnauthorizedException(NO_SESSION);
  return request.consoleSession;
}
