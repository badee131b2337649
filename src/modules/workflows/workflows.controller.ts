import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply as Response } from 'fastify';
import { ApiConflictResponse, ApiGoneResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Public, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { PackageLinkDto, PackageQueryDto, ReasonDto, RecipientListDto, StepParamsDto, StepViewDto, WorkflowDto } from './workflow.dto.js';
import { PackageLinks } from './package.links.js';
import { WorkflowCounsel } from './workflow.counsel.js';
import { WorkflowsService } from './workflows.service.js';
import { uuid } from '../../common/errors/uuid.pipe.js';


@ApiTags('workflows')
@Controller('v1/requests')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly counsel: WorkflowCounsel,
    private readonly packages: PackageLinks,
  ) {}

  @Get(':id/workflow')
  @Roles('counsel')
  @ApiOperation({ summary: 'The request’s steps per data store (status, tries, last error, result) and its package' })
  @ApiOkResponse({ type: WorkflowDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  workflow(@Param('id', uuid) id: string): Promise<WorkflowDto> {
    return this.workflows.view(id);
  }

  @Get(':id/certificate')
  @Roles('counsel')
  @ApiOperation({ summary: 'The erasure certificate as mailed to the requester (HTML, naming the SHA-256 of its JSON), once issued' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The certificate', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No certificate issued for this request' })
  @Header('cache-control', 'no-store')
  async certificate(@Param('id', uuid) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { html, fileName } = await this.workflows.certificateHtml(id);
    void res.header('content-type', 'text/html; charset=utf-8');
    void res.header('content-disposition', `attachment; filename="${fileName}"`);
    return html;
  }

  @Post(':id/steps/:step/:store/retry')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed step again (one store)' })
  @ApiOkResponse({ type: StepViewDto })
  @ApiConflictResponse({ type: ProblemDto })
  retry(@Param() p: StepParamsDto, @CurrentCaller() caller: Caller) {
    return this.counsel.retry(p.id, p.step, p.store, caller);
  }

  @Post(':id/steps/:step/:store/waive')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Skip a step with a reason (recorded, audited, and shown on the certificate or package)' })
  @ApiOkResponse({ type: StepViewDto })
  @ApiConflictResponse({ type: ProblemDto })
  waive(@Param() p: StepParamsDto, @Body() dto: ReasonDto, @CurrentCaller() caller: Caller) {
    return this.counsel.waive(p.id, p.step, p.store, dto.reason, caller);
  }

  @Post(':id/restriction/lift')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a restriction: the requester is told first (Art 18(3)), then each store lifts it' })
  @ApiOkResponse({ type: [StepViewDto] })
  @ApiConflictResponse({ type: ProblemDto })
  lift(@Param('id', uuid) id: string, @Body() dto: ReasonDto, @CurrentCaller() caller: Caller) {
    return this.counsel.liftRestriction(id, dto.reason, caller);
  }

  @Get(':id/recipients')
  @Public()
  @ApiOperation({ summary: 'Who was told of the rectification, erasure or restriction, and when (Art 19; public, with the status token)' })
  @ApiHeader({ name: 'X-Request-Token', required: true, description: 'The statusToken returned when the request was made' })
  @ApiOkResponse({ type: RecipientListDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  recipients(@Param('id', uuid) id: string, @Headers('x-request-token') token?: string) {
    return this.workflows.recipients(id, token);
  }

  @Get(':id/package/link')
  @Roles('counsel')
  @ApiOperation({ summary: 'The requester’s current download link, once the package was released (this read is audited)' })
  @ApiOkResponse({ type: PackageLinkDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No package for this request' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not released yet, expired, or every download used' })
  packageLink(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.packages.packageLink(id, caller);
  }

  @Get(':id/package/requester-link')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The requester’s download link, for the follow page (public, with the status token; audited)' })
  @ApiHeader({ name: 'X-Request-Token', required: true, description: 'The statusToken returned when the request was made' })
  @ApiOkResponse({ type: PackageLinkDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'Wrong id or token, or no package for this request' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not released yet, expired, or every download used' })
  requesterPackageLink(@Param('id', uuid) id: string, @Headers('x-request-token') token?: string) {
    return this.packages.requesterPackageLink(id, token);
  }

  @Post(':id/package/link')
  @Roles('counsel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the requester a new download link (same expiry and download budget; earlier links keep working within them; audited)' })
  @ApiOkResponse({ type: PackageLinkDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No package for this request' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not released yet, expired, or every download used' })
  resendPackageLink(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.packages.resendPackageLink(id, caller);
  }

  @Get(':id/package')
  @Public()
  @ApiOperation({ summary: 'Download the access or portability package through the emailed link (public, signed, bounded, audited)' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The zip', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiGoneResponse({ type: ProblemDto, description: 'Expired, or every download used' })
  @Header('cache-control', 'no-store')
  async download(@Param('id', uuid) id: string, @Query() q: PackageQueryDto): Promise<StreamableFile> {
    const file = await this.packages.download(id, Number(q.expires), q.signature, q.link === undefined ? 1 : Number(q.link));
    return new StreamableFile(file.stream, { type: 'application/zip', disposition: `attachment; filename="${file.fileName}"`, length: file.bytes });
  }
}
