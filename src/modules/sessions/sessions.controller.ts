import { Body, Controller, Delete, Get, Header, HttpCode, Post, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { Public, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { clearOidcCookie, clearSessionCookie, OIDC_COOKIE, presentedSessions, readCookie, setOidcCookie, setSessionCookie } from './session.cookies.js';
import { ApiKeySignInDto, OidcStartQueryDto, SessionDto, SignInMethodsDto, UserListQueryDto, UserPageDto } from './session.dto.js';
import { IgnoreSession } from './session.guard-options.js';
import { type LiveSession, type SessionRequest, SessionsService } from './sessions.service.js';
import { OidcSignIn, SIGN_IN_ERRORS, signInErrorLocation } from './oidc.sign-in.js';

const NO_SESSION = 'No live session: sign in again';
/** The session, its CSRF token and the person's email: never kept by a cache, never served for another cookie. */
const PRIVATE = ['Cache-Control', 'no-store'] as const;
const BY_COOKIE = ['Vary', 'Cookie'] as const;
const SESSION_SET_COOKIE = '__Host-lethe_session=…; HttpOnly; Secure; SameSite=Strict; Path=/ (no Domain)';

@ApiTags('session')
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly oidc: OidcSignIn,
  ) {}

  @Get('v1/session/methods')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'How one may sign in to the console (public)' })
  @ApiOkResponse({ type: SignInMethodsDto })
  methods(): SignInMethodsDto {
    return this.sessions.methods();
  }

  @Get('v1/session')
  @Public()
  @Header(...PRIVATE)
  @Header(...BY_COOKIE)
  @ApiOperation({
    summary: 'The console session of this browser (from the __Host-lethe_session cookie), with its CSRF token',
    description:
      'Sent with `Cache-Control: no-store` and `Vary: Cookie`. With `X-Lethe-Background: 1` (a refresh the page made on its own) ' +
      'the request does not count as activity for the idle timeout.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'No session, or it has ended, timed out or lost its API key; or the cookie was sent twice (session_cookie_repeated)',
  })
  current(@Req() request: SessionRequest): SessionDto {
    return this.sessions.toDto(live(request));
  }

  @Post('v1/session')
  @Public()
  @IgnoreSession()
  @Header(...PRIVATE)
  @Header(...BY_COOKIE)
  @ApiOperation({
    summary: 'Sign in to the console with an API key: sets the __Host-lethe_session cookie (public)',
    description: 'The session whose cookie the browser presented, if any, ends (replaced).',
  })
  @ApiCreatedResponse({ type: SessionDto, headers: { 'Set-Cookie': { description: SESSION_SET_COOKIE, schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'The API key is unknown, revoked or expired' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'The key holds none of the roles the console has pages for: admin, counsel, auditor (no_console_role)' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'Too many failed sign-ins from this address; see Retry-After' })
  async signIn(@Body() dto: ApiKeySignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionDto> {
    const { token, session } = await this.sessions.signInWithKey(dto, request.ip, presentedSessions(request));
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
  @ApiResponse({
    status: 303,
    description:
      'To the identity provider’s authorization endpoint, setting the short-lived lethe_oidc cookie; or, since this is a plain link from the sign-in page, ' +
      'back to /console/?signInError=not_configured (no identity provider is configured) or /console/?signInError=provider_unavailable (it cannot be reached)',
  })
  async start(@Query() query: OidcStartQueryDto, @Res() response: Response): Promise<void> {
    const outcome = await this.oidc.start(query.returnTo);
    if (outcome.ok) setOidcCookie(response, outcome.cookie);
    void response.redirect(outcome.ok ? outcome.url : signInErrorLocation(outcome.error), 303);
  }

  @Get('v1/session/oidc/callback')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'Where the identity provider sends the browser back: signs in, then redirects to the console (public)' })
  @ApiResponse({
    status: 303,
    description:
      `To returnTo when signed in (setting ${SESSION_SET_COOKIE} and ending the session whose cookie the browser presented, if any); ` +
      `else to /console/?signInError=${SIGN_IN_ERRORS.filter((e) => e !== 'not_configured').join('|')} ` +
      '(rate_limited: too many failed sign-ins from this address)',
  })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No identity provider is configured (oidc_not_configured)' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await this.oidc.callback(search, readCookie(request, OIDC_COOKIE), { address: request.ip, previous: presentedSessions(request) });
    clearOidcCookie(response);
    if (outcome.ok) setSessionCookie(response, outcome.signedIn.token);
    void response.header('Cache-Control', 'no-store');
    void response.redirect(outcome.ok ? outcome.returnTo : signInErrorLocation(outcome.error), 303);
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
