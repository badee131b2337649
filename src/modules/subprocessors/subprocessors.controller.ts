import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { preferredType } from '../../infrastructure/http/accepts.js';
import { PageQueryDto, pageItems } from '../../common/pagination.js';
import { type Caller, CurrentCaller, Public, Roles } from '../../common/auth/roles.js';
import { NotFoundError } from '../../common/errors/domain.error.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { ConfirmDto, NoticePageDto, ObjectionDto, SubprocessorObjectionDto, OverrideDto, PublicSubprocessorPageDto, SubprocessorDto, SubprocessorPageDto, SubprocessorRecordDto, SubscribeDto, UnsubscribeDto } from './subprocessor.dto.js';
import { SubprocessorsService } from './subprocessors.service.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { uuid } from '../../common/errors/uuid.pipe.js';


const UNSUBSCRIBE_SCHEMA = (field: string) => ({ type: 'object' as const, properties: { [field]: { type: 'boolean' as const, enum: [true] } }, required: [field] });

@ApiTags('subprocessors')
@Controller('v1')
export class SubprocessorsController {
  constructor(
    private readonly subprocessors: SubprocessorsService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @Post('subprocessors')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Propose a subprocessor (or a replacement): opens an Art 28(2) notice and emails subscribers' })
  @ApiCreatedResponse({ description: 'The proposed subprocessor and its notice' })
  propose(@Body() dto: SubprocessorDto, @CurrentCaller() caller: Caller) {
    return this.subprocessors.propose(dto, caller);
  }

  @Get('subprocessors')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'The full inventory: DPA, certifications, risk, reviews, status' })
  @ApiOkResponse({ type: SubprocessorPageDto })
  async list(@Query() query: PageQueryDto) {
    return pageItems(await this.subprocessors.list(), query, (s) => `${s.name}\u0000${s.id}`);
  }

  @Post('subprocessors/:id/activate')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activate once the objection window has ended (before that, use /override with a reason)' })
  @ApiOkResponse({ type: SubprocessorRecordDto, description: 'The subprocessor, now active' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The window is still open and no reason was given' })
  activate(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.subprocessors.activate(id, caller, null);
  }

  @Post('subprocessors/:id/override')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activate before the objection window ends, with a reason (audited)' })
  @ApiOkResponse({ type: SubprocessorRecordDto, description: 'The subprocessor, now active' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not proposed any more (already active or offboarded)' })
  override(@Param('id', uuid) id: string, @Body() dto: OverrideDto, @CurrentCaller() caller: Caller) {
    return this.subprocessors.activate(id, caller, dto.reason);
  }

  @Post('subprocessors/:id/offboard')
  @Roles('admin', 'counsel')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop using a subprocessor' })
  @ApiNoContentResponse({ description: 'Offboarded' })
  @ApiNotFoundResponse({ type: ProblemDto })
  offboard(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.subprocessors.offboard(id, caller);
  }

  @Get('subprocessor-notices')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Change notices with their objection windows and objections' })
  @ApiOkResponse({ type: NoticePageDto })
  async notices(@Query() query: PageQueryDto) {
    return pageItems(await this.subprocessors.notices(), query, (n) => `${n.openedAt.toISOString()}\u0000${n.id}`);
  }

  @Post('subprocessor-notices/:id/objections')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Record a customer’s objection against a notice' })
  @ApiCreatedResponse({ type: SubprocessorObjectionDto, description: 'The objection as recorded' })
  @ApiNotFoundResponse({ type: ProblemDto })
  object(@Param('id', uuid) id: string, @Body() dto: ObjectionDto, @CurrentCaller() caller: Caller) {
    return this.subprocessors.object(id, dto, caller);
  }

  @Get('public/subprocessors')
  @Public()
  @ApiOperation({ summary: 'Our subprocessors: public fields only, no key needed' })
  @ApiOkResponse({ type: PublicSubprocessorPageDto })
  async publicList(@Query() query: PageQueryDto) {
    return pageItems(await this.subprocessors.publicList(), query, (s) => s.name);
  }

  @Get('public/subprocessors/feed.json')
  @Public()
  @ApiOperation({ summary: 'JSON Feed of subprocessor changes' })
  feed() {
    return this.subprocessors.feed();
  }

  @Post('public/subprocessors/subscriptions')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Ask to be emailed before subprocessors change; a confirmation email follows (double opt-in)' })
  @ApiAcceptedResponse({ description: 'Check your email' })
  async subscribe(@Body() dto: SubscribeDto): Promise<void> {
    await this.subscriptions.subscribe(dto.email);
  }

  @Post('public/subprocessors/subscriptions/confirm')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a subscription with the emailed token' })
  @ApiOkResponse({ description: 'Confirmed' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No subscription waits for this token' })
  async confirm(@Body() dto: ConfirmDto): Promise<{ confirmed: true }> {
    if (!(await this.subscriptions.confirm(dto.token))) throw new NotFoundError('Subscription');
    return { confirmed: true };
  }

  @Get('public/subprocessors/subscriptions/confirm')
  @Public()
  @ApiOperation({ summary: 'Confirm by following the emailed link: a page for a browser (Accept: text/html), JSON for other clients' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    description: 'Confirmed',
    content: { 'application/json': { schema: { type: 'object', properties: { confirmed: { type: 'boolean', enum: [true] } }, required: ['confirmed'] } }, 'text/html': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'Unknown token', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } }, 'text/html': { schema: { type: 'string' } } } })
  async confirmLink(@Query() dto: ConfirmDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ confirmed: true } | string> {
    if (preferredType(req.headers.accept, ['application/json', 'text/html']) !== 'text/html') return this.confirm(dto);
    const page = await this.subscriptions.confirmationPage(dto.token);
    void res.status(page.status).type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return page.html;
  }

  @Get('public/subprocessors/subscriptions/unsubscribe')
  @Public()
  @ApiOperation({
    summary: 'The stop link of every notice email: for a browser, a page asking to confirm with one button; for other clients, whether the link is valid. Following it never unsubscribes (mail scanners fetch links).',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ description: 'A valid link', content: { 'application/json': { schema: UNSUBSCRIBE_SCHEMA('valid') }, 'text/html': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Not a link we sent', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } }, 'text/html': { schema: { type: 'string' } } } })
  async unsubscribeLink(@Query() dto: UnsubscribeDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ valid: true } | string> {
    if (preferredType(req.headers.accept, ['application/json', 'text/html']) !== 'text/html') {
      if (!this.subscriptions.isUnsubscribeLink(dto.id, dto.token)) throw new NotFoundError('Subscription');
      return { valid: true };
    }
    const page = await this.subscriptions.unsubscribePage(dto.id, dto.token, false);
    void res.status(page.status).type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return page.html;
  }

  @Post('public/subprocessors/subscriptions/unsubscribe')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the notice emails: the page’s button (a page back), or a mail client’s one-click unsubscribe (RFC 8058; any body is ignored; JSON back)' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ description: 'Stopped (again, if it was already)', content: { 'application/json': { schema: UNSUBSCRIBE_SCHEMA('unsubscribed') }, 'text/html': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'Not a link we sent', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } }, 'text/html': { schema: { type: 'string' } } } })
  async unsubscribe(@Query() dto: UnsubscribeDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ unsubscribed: true } | string> {
    if (preferredType(req.headers.accept, ['application/json', 'text/html']) !== 'text/html') {
      if (!(await this.subscriptions.unsubscribe(dto.id, dto.token))) throw new NotFoundError('Subscription');
      return { unsubscribed: true };
    }
    const page = await this.subscriptions.unsubscribePage(dto.id, dto.token, true);
    void res.status(page.status).type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return page.html;
  }
}
