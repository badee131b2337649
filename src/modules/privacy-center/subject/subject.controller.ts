import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { clearCookie, setCookie } from '../../../infrastructure/http/cookies.js';
import { Public } from '../../../common/auth/roles.js';
import { ValidationFailed } from '../../../common/errors/domain.error.js';
import { ProblemDto } from '../../../common/errors/problem.js';
import { negotiateLocale } from '../../../common/i18n/locales.js';
import { CreatedRequestDto, CreateRequestDto } from '../../requests/request.dto.js';
import { RequestsService } from '../../requests/requests.service.js';
import { ConsentReceiptDto } from '../../consent/consent-receipt.dto.js';
import { PurposeKeyPipe } from '../../purposes/purpose-key.pipe.js';
import { readCookie } from '../../sessions/session.cookies.js';
import { IgnoreSession } from '../../sessions/session.guard-options.js';
import { type BrowserProof, SubjectConsentsService } from './subject-consents.service.js';
import { MyConsentDto, MyConsentListDto, MyGpcDto, SetConsentDto, SubjectSessionDto } from './subject.dto.js';
import { SUBJECT_OIDC_COOKIE, SUBJECT_OIDC_COOKIE_PATH, SUBJECT_OIDC_COOKIE_SECONDS, SUBJECT_SIGN_IN_ERRORS, SubjectOidc, subjectSignInErrorLocation } from './subject-oidc.js';
import { SubjectSessions } from './subject-session.js';

const PRIVATE = ['Cache-Control', 'no-store'] as const;
const NOT_SIGNED_IN = { type: ProblemDto, description: 'Not signed in, or the 30-minute session ended (not_signed_in)' };
const OWN_PAGES = { type: ProblemDto, description: 'Not sent from the privacy center’s own pages (csrf_failed)' };

function proofOf(request: Request): BrowserProof {
  const userAgent = request.headers['user-agent'];
  return { ...(request.ip ? { ipAddress: request.ip.replace(/^::ffff:/, '') } : {}), ...(userAgent ? { userAgent: userAgent.slice(0, 500) } : {}) };
}

/**
 * A data subject signed in with their account at the IAM (/v1/privacy/*): their session, their
 * consents, and the Global Privacy Control signal their browser sends. The session cookie grants
 * nothing anywhere else; the console session cookie is not read here.
 */
@ApiTags('privacy center')
@Controller('v1/privacy')
export class SubjectController {
  constructor(
    private readonly oidc: SubjectOidc,
    private readonly sessions: SubjectSessions,
    private readonly consents: SubjectConsentsService,
    private readonly requests: RequestsService,
  ) {}

  @Get('session/oidc/start')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'Sign in with your account: redirects to the IAM’s identity provider (public)' })
  @ApiQuery({ name: 'returnTo', required: false, example: '/privacy/consents', description: 'A privacy center page to come back to' })
  @ApiResponse({ status: 303, description: 'To the identity provider, setting the short-lived lethe_subject_oidc cookie; or back to /privacy/consents?signInError=not_configured|provider_unavailable' })
  async start(@Query('returnTo') returnTo: string | undefined, @Res() response: Response): Promise<void> {
    const outcome = await this.oidc.start(typeof returnTo === 'string' ? returnTo : undefined);
    if (outcome.ok) {
      setCookie(response, SUBJECT_OIDC_COOKIE, outcome.cookie, { httpOnly: true, secure: true, sameSite: 'lax', path: SUBJECT_OIDC_COOKIE_PATH, maxAge: SUBJECT_OIDC_COOKIE_SECONDS * 1000 });
    }
    void response.header('Cache-Control', 'no-store');
    void response.redirect(outcome.ok ? outcome.url : subjectSignInErrorLocation(outcome.error), 303);
  }

  @Get('session/oidc/callback')
  @Public()
  @IgnoreSession()
  @ApiOperation({ summary: 'Where the identity provider sends the subject back: signs in, then redirects to the privacy center (public)' })
  @ApiResponse({ status: 303, description: `To returnTo, setting __Host-lethe_subject (HttpOnly; Secure; SameSite=Strict; 30 minutes); else to /privacy/consents?signInError=${SUBJECT_SIGN_IN_ERRORS.join('|')}` })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'Sign-in for data subjects is not configured (oidc_not_configured)' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await this.oidc.callback(search, readCookie(request, SUBJECT_OIDC_COOKIE));
    clearCookie(response, SUBJECT_OIDC_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: SUBJECT_OIDC_COOKIE_PATH });
    if (outcome.ok) this.sessions.issue(response, outcome.subjectId, outcome.email);
    void response.header('Cache-Control', 'no-store');
    void response.redirect(outcome.ok ? outcome.returnTo : subjectSignInErrorLocation(outcome.error), 303);
  }

  @Get('session')
  @Public()
  @IgnoreSession()
  @Header(...PRIVATE)
  @ApiOperation({ summary: 'Who is signed in to the privacy center in this browser (from the __Host-lethe_subject cookie)' })
  @ApiOkResponse({ type: SubjectSessionDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  session(@Req() request: Request): SubjectSessionDto {
    const session = this.sessions.require(request);
    return { subjectId: session.subjectId, email: session.email, endsAt: new Date(session.until).toISOString() };
  }

  @Delete('session')
  @Public()
  @IgnoreSession()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out of the privacy center: the cookie is cleared' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiForbiddenResponse(OWN_PAGES)
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    this.sessions.requireOwnOrigin(request);
    this.sessions.clear(response);
  }

  @Get('consents')
  @Public()
  @IgnoreSession()
  @Header(...PRIVATE)
  @ApiOperation({ summary: 'The signed-in subject’s consents: every purpose they can give or refuse, its state, the notice in force' })
  @ApiQuery({ name: 'locale', required: false, example: 'de', description: 'The page’s language: notices published in it are shown in it' })
  @ApiOkResponse({ type: MyConsentListDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  async list(@Req() request: Request, @Query('locale') locale: string | undefined): Promise<MyConsentListDto> {
    const session = this.sessions.require(request);
    const language = typeof locale === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? locale : undefined;
    return { items: await this.consents.list(session, language), nextCursor: null };
  }

  @Put('consents/:purpose')
  @Public()
  @IgnoreSession()
  @Header(...PRIVATE)
  @ApiOperation({ summary: 'Give or withdraw consent to one purpose: recorded in the ledger, method settings_page, with the browser’s proof' })
  @ApiOkResponse({ type: MyConsentDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  @ApiForbiddenResponse(OWN_PAGES)
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such purpose, or not one consent is asked for' })
  set(@Req() request: Request, @Param('purpose', PurposeKeyPipe) purpose: string, @Body() dto: SetConsentDto): Promise<MyConsentDto> {
    const session = this.sessions.require(request);
    this.sessions.requireOwnOrigin(request);
    return this.consents.set(session, purpose, dto, proofOf(request));
  }

  @Get('consents/:purpose/receipt')
  @Public()
  @IgnoreSession()
  @Header(...PRIVATE)
  @ApiOperation({ summary: 'The receipt of the subject’s current consent state for one purpose (Kantara Consent Receipt / ISO/IEC TS 27560 fields)' })
  @ApiOkResponse({ type: ConsentReceiptDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  @ApiNotFoundResponse({ type: ProblemDto, description: 'Nothing recorded for this purpose yet' })
  async receipt(@Req() request: Request, @Param('purpose', PurposeKeyPipe) purpose: string, @Res({ passthrough: true }) response: Response) {
    const session = this.sessions.require(request);
    void response.header('Content-Disposition', `attachment; filename="consent-receipt-${purpose}.json"`);
    return this.consents.receipt(session, purpose);
  }

  @Post('requests')
  @Public()
  @IgnoreSession()
  @HttpCode(202)
  @Header(...PRIVATE)
  @ApiOperation({
    summary:
      'Make a request signed in with your account: the identity provider proved who you are, so no code is asked for (EDPB Guidelines 01/2022) and we write to the account’s email address; an account without one gives an address, proven with a code',
  })
  @ApiAcceptedResponse({ type: CreatedRequestDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  @ApiForbiddenResponse(OWN_PAGES)
  @ApiBadRequestResponse({ type: ProblemDto })
  makeRequest(@Req() request: Request, @Body() dto: CreateRequestDto, @Headers('accept-language') accept: string | undefined): Promise<CreatedRequestDto> {
    const session = this.sessions.require(request);
    this.sessions.requireOwnOrigin(request);
    if (dto.receivedAt !== undefined || dto.channel !== undefined || dto.subjectId !== undefined) {
      throw new ValidationFailed([{ path: dto.receivedAt !== undefined ? 'receivedAt' : dto.channel !== undefined ? 'channel' : 'subjectId', message: 'not accepted here: the signed-in account says who you are' }]);
    }
    const locale = negotiateLocale(accept);
    // The account's address is the one the provider vouches for: our answer (and a download link) goes there.
    if (session.email) {
      if (dto.email !== undefined && dto.email.trim().toLowerCase() !== session.email.toLowerCase()) {
        throw new ValidationFailed([{ path: 'email', message: 'signed in, we write to your account’s email address: leave email out' }]);
      }
      return this.requests.intake({ ...dto, email: undefined }, { iam: { subjectId: session.subjectId, email: session.email }, locale });
    }
    // An account without an email address: the address typed is proven with a code, as for anyone.
    return this.requests.intake(dto, { locale });
  }

  @Post('gpc')
  @Public()
  @IgnoreSession()
  @HttpCode(200)
  @Header(...PRIVATE)
  @ApiOperation({
    summary: 'Honour the Global Privacy Control signal this browser sends: with Sec-GPC: 1, an opt-out (method gpc_signal) for every purpose covered by opt-out signals, even over an earlier opt-in; without it, nothing',
  })
  @ApiHeader({ name: 'Sec-GPC', required: false, example: '1', description: 'Sent by the browser itself; only `1` is the signal' })
  @ApiOkResponse({ type: MyGpcDto })
  @ApiUnauthorizedResponse(NOT_SIGNED_IN)
  @ApiForbiddenResponse(OWN_PAGES)
  honour(@Req() request: Request, @Headers('sec-gpc') header: string | undefined, @Headers('accept-language') accept: string | undefined): Promise<MyGpcDto> {
    const session = this.sessions.require(request);
    this.sessions.requireOwnOrigin(request);
    const locale = accept?.split(',')[0]?.split(';')[0]?.trim();
    return this.consents.honourSignal(session, header, { ...proofOf(request), ...(locale && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? { locale } : {}) });
  }
}
