import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { type AuthenticatedRequest, type Caller, CurrentCaller, Public, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { IntakeRateLimit } from '../../infrastructure/http/rate-limit.js';
import { IamTokenVerifier } from './iam-token.js';
import { CreatedRequestDto, CreateRequestDto, RectifiableFieldListDto, RequestStatusDto, VerifyCodeDto } from './request.dto.js';
import { AssigneeListDto, AssignDto, ClarificationDto, CompleteDto, ConfirmSubjectIdDto, ExtendDto, ManualVerificationDto, NoteDto, RefuseDto, RequestCountsDto, RequestDetailDto, RequestFilterDto, RequestListQueryDto, RequestPageDto, RequestSummaryDto, SubjectIdStandingDto, TimelinePageDto, TimelineQueryDto } from './request-counsel.dto.js';
import { RequestBoardService } from './request-board.service.js';
import { CounselActions } from './request.counsel.js';
import { RequestIntake } from './request.intake.js';
import { RequestVerification } from './request.verification.js';
import { SubjectIdConfirmation } from './subject-id.confirmation.js';
import { uuid } from '../../common/errors/uuid.pipe.js';
import { negotiateLocale } from '../../common/i18n/locales.js';

const TOKEN_HEADER = { name: 'X-Request-Token', required: true, description: 'The statusToken returned when the request was made' };

@ApiTags('requests')
@Controller('v1/requests')
export class RequestsController {
  constructor(
    private readonly intake: RequestIntake,
    private readonly requester: RequestVerification,
    private readonly counsel: CounselActions,
    private readonly iam: IamTokenVerifier,
    private readonly subjectIds: SubjectIdConfirmation,
    private readonly board: RequestBoardService,
  ) {}

  @Get('rectifiable-fields')
  @Public()
  @ApiOperation({ summary: 'The fields a requester may ask to correct (rectification), with plain-language labels (public)' })
  @ApiOkResponse({ type: RectifiableFieldListDto })
  rectifiableFields(): RectifiableFieldListDto {
    return this.intake.rectifiableFields();
  }

  @Post()
  @Public()
  @UseGuards(IntakeRateLimit)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Make a data-subject request (public). Send Authorization: Bearer <IAM token> to skip email verification; counsel may record requests that came by post, phone or email.',
  })
  @ApiHeader({ name: 'accept-language', required: false, example: 'de-DE,de;q=0.9,en;q=0.8', description: 'Picks the language of the requester’s mails when the body names no locale' })
  @ApiAcceptedResponse({ type: CreatedRequestDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiTooManyRequestsResponse({ type: ProblemDto })
  async create(@Body() dto: CreateRequestDto, @Req() request: AuthenticatedRequest, @Headers('authorization') authorization?: string, @Headers('accept-language') acceptLanguage?: string) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const iam = bearer && !request.caller ? await this.iam.verify(bearer) : undefined;
    return this.intake.intake(dto, { caller: request.caller, iam, locale: negotiateLocale(acceptLanguage) });
  }

  @Get(':id/status')
  @Public()
  @ApiOperation({ summary: 'Follow a request (public, with its status token); a wrong id or token is a 404' })
  @ApiHeader(TOKEN_HEADER)
  @ApiOkResponse({ type: RequestStatusDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  status(@Param('id', uuid) id: string, @Headers('x-request-token') token?: string) {
    return this.requester.status(id, token);
  }

  @Post(':id/verify')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Prove identity with the emailed code; five wrong codes lock the request' })
  @ApiHeader(TOKEN_HEADER)
  @ApiOkResponse({ type: RequestStatusDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Wrong or expired code (attemptsLeft says how many tries remain)' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiResponse({ status: 423, type: ProblemDto, description: 'Five wrong codes: locked until privacy counsel unlocks it' })
  verify(@Param('id', uuid) id: string, @Body() dto: VerifyCodeDto, @Headers('x-request-token') token?: string) {
    return this.requester.verifyCode(id, token, dto.code);
  }

  @Post(':id/verification-code')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a new code: at most one a minute and five a day' })
  @ApiHeader(TOKEN_HEADER)
  @ApiAcceptedResponse({ description: 'Sent' })
  @ApiTooManyRequestsResponse({ type: ProblemDto })
  @ApiResponse({ status: 423, type: ProblemDto, description: 'Locked after five wrong codes' })
  resend(@Param('id', uuid) id: string, @Headers('x-request-token') token?: string) {
    return this.requester.resendCode(id, token);
  }

  @Post(':id/withdraw')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'The requester withdraws the request' })
  @ApiHeader(TOKEN_HEADER)
  @ApiOkResponse({ type: RequestStatusDto })
  withdraw(@Param('id', uuid) id: string, @Headers('x-request-token') token?: string) {
    return this.requester.withdraw(id, token);
  }

  @Get()
  @Roles('counsel')
  @ApiOperation({ summary: 'Requests by due date in force (extensions included), filtered, each with its clock read in its jurisdiction; counts per status' })
  @ApiOkResponse({ type: RequestPageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A filter is not valid, or mine=true without a signed-in person with an email address' })
  list(@Query() query: RequestListQueryDto, @CurrentCaller() caller: Caller) {
    return this.board.list(query, caller);
  }

  @Get('counts')
  @Roles('counsel')
  @ApiOperation({ summary: 'The deadline board’s counts (open, overdue, due this week, paused, acknowledgement due) under the list’s filters' })
  @ApiOkResponse({ type: RequestCountsDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  counts(@Query() query: RequestFilterDto, @CurrentCaller() caller: Caller) {
    return this.board.counts(query, caller);
  }

  @Get('assignees')
  @Roles('counsel')
  @ApiOperation({ summary: 'Who open requests are assigned to, each with a ref to filter by (assigneeRef) so no email goes in a URL' })
  @ApiOkResponse({ type: AssigneeListDto })
  assignees() {
    return this.board.assignees();
  }

  @Get(':id')
  @Roles('counsel')
  @ApiOperation({ summary: 'One request with its personal data, timeline and notes (this read is audited)' })
  @ApiOkResponse({ type: RequestDetailDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  detail(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.counsel.detail(id, caller);
  }

  @Get(':id/timeline')
  @Roles('counsel')
  @ApiOperation({ summary: 'The request’s history in words, oldest first: who did what and when, from its audit entries (reads left out)' })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  timeline(@Param('id', uuid) id: string, @Query() query: TimelineQueryDto) {
    return this.counsel.timeline(id, query);
  }

  @Post(':id/assign')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Choose who gets this request’s reminders' })
  @ApiOkResponse({ type: RequestSummaryDto })
  assign(@Param('id', uuid) id: string, @Body() dto: AssignDto, @CurrentCaller() caller: Caller) {
    return this.counsel.assign(id, dto, caller);
  }

  @Post(':id/verification')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record that identity was checked by other means (no ID documents are stored)' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  verifyManually(@Param('id', uuid) id: string, @Body() dto: ManualVerificationDto, @CurrentCaller() caller: Caller) {
    return this.counsel.verifyManually(id, dto, caller);
  }

  @Post(':id/subject-id/confirm')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm that the subject id the requester gave is theirs, and how; until then the workflows use the verified email only (audited)',
  })
  @ApiOkResponse({ type: SubjectIdStandingDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The request is closed, names no subject id, or its subject id is already proven' })
  confirmSubjectId(@Param('id', uuid) id: string, @Body() dto: ConfirmSubjectIdDto, @CurrentCaller() caller: Caller) {
    return this.subjectIds.confirm(id, dto, caller);
  }

  @Post(':id/verification/unlock')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock verification after five wrong codes' })
  @ApiOkResponse({ type: RequestSummaryDto })
  unlock(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.counsel.unlock(id, caller);
  }

  @Post(':id/extend')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the deadline (Art 12(3)); the requester is told why' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  extend(@Param('id', uuid) id: string, @Body() dto: ExtendDto, @CurrentCaller() caller: Caller) {
    return this.counsel.extend(id, dto, caller);
  }

  @Post(':id/refuse')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse with a ground and reasons; the Art 12(4) notice goes to the requester' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  refuse(@Param('id', uuid) id: string, @Body() dto: RefuseDto, @CurrentCaller() caller: Caller) {
    return this.counsel.refuse(id, dto, caller);
  }

  @Post(':id/clarification')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask the requester for clarification; the clock pauses' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  clarification(@Param('id', uuid) id: string, @Body() dto: ClarificationDto, @CurrentCaller() caller: Caller) {
    return this.counsel.askClarification(id, dto, caller);
  }

  @Post(':id/clarification-received')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'The clarification arrived; the clock runs on' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  clarificationReceived(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.counsel.clarificationReceived(id, caller);
  }

  @Post(':id/approve')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a verified request for execution; for an access request under review, release its built package (409 until it is built)' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiConflictResponse({ type: ProblemDto })
  approve(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.counsel.approve(id, caller);
  }

  @Post(':id/complete')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a request fulfilled outside Lethe as complete; the requester is told the outcome (and, for access, the Art 15 information)' })
  @ApiOkResponse({ type: RequestSummaryDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  complete(@Param('id', uuid) id: string, @Body() dto: CompleteDto, @CurrentCaller() caller: Caller) {
    return this.counsel.complete(id, dto, caller);
  }

  @Post(':id/notes')
  @Roles('counsel')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a note (stored encrypted)' })
  @ApiCreatedResponse({ type: RequestDetailDto })
  note(@Param('id', uuid) id: string, @Body() dto: NoteDto, @CurrentCaller() caller: Caller) {
    return this.counsel.addNote(id, dto, caller);
  }
}
