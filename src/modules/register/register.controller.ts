import { Body, Controller, Get, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PageQueryDto, pageItems } from '../../common/pagination.js';
import type { FastifyReply as Response } from 'fastify';
import { BadRequestException } from '@nestjs/common';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import {
  CATEGORY_KEY,
  CompletenessPageDto,
  DataCategoryDto,
  DataCategoryPageDto,
  DiffQueryDto,
  RegisterDiffDto,
  RegisterEntryDto,
  RegisterEntryPageDto,
  RegisterExportQueryDto,
  RegisterListQueryDto,
  RegisterQueryDto,
  RegisterRecordDto,
  RegisterVersionPageDto,
  UpdateDataCategoryDto,
} from './register.dto.js';
import { RegisterService } from './register.service.js';
import { uuid } from '../../common/errors/uuid.pipe.js';
import { TaxonomyService } from './taxonomy.service.js';

const asOf = (q: RegisterQueryDto | RegisterListQueryDto) => (q.asOf ? new Date(q.asOf) : undefined);

@ApiTags('register')
@Controller('v1/register')
export class RegisterController {
  constructor(
    private readonly register: RegisterService,
    private readonly taxonomy: TaxonomyService,
  ) {}

  @Post('data-categories')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Add a personal-data category to the taxonomy' })
  @ApiCreatedResponse({ type: DataCategoryDto })
  @ApiConflictResponse({ type: ProblemDto })
  createCategory(@Body() dto: DataCategoryDto, @CurrentCaller() caller: Caller) {
    return this.register.createCategory(dto, caller);
  }

  @Get('data-categories')
  @Roles('admin', 'counsel', 'auditor', 'iam')
  @ApiOperation({ summary: 'The data-category taxonomy' })
  @ApiOkResponse({ type: DataCategoryPageDto })
  async categories(@Query() query: PageQueryDto) {
    return pageItems(await this.register.categories(), query, (c) => c.key);
  }

  @Patch('data-categories/:key')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Change a category’s title, description or special flag (audited)' })
  @ApiParam({ name: 'key', example: 'contact.email' })
  @ApiOkResponse({ type: DataCategoryDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  updateCategory(@Param('key') key: string, @Body() dto: UpdateDataCategoryDto, @CurrentCaller() caller: Caller) {
    if (!CATEGORY_KEY.test(key)) throw new BadRequestException({ message: 'The request is not valid', errors: [{ path: 'key', message: 'key must be a data-category key' }] });
    return this.taxonomy.update(key, dto, caller);
  }

  @Get('data-categories/:key/disclosure')
  @Roles('counsel', 'auditor')
  @ApiOperation({ summary: 'What the register says about a category: purposes, bases, recipients, retention, transfers, sources (Art 15(1))' })
  @ApiParam({ name: 'key', example: 'contact.email' })
  @ApiOkResponse({ description: 'Purposes, lawful bases, recipients, retention, transfers, sources and automated decisions for the category' })
  disclosure(@Param('key') key: string, @Query() query: RegisterQueryDto) {
    if (!CATEGORY_KEY.test(key)) throw new BadRequestException({ message: 'The request is not valid', errors: [{ path: 'key', message: 'key must be a data-category key' }] });
    return this.register.disclosure(key, asOf(query));
  }

  @Post('records')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Add a processing activity (Art 30(1)) or processor record (Art 30(2)); drafts may have gaps' })
  @ApiCreatedResponse({ type: RegisterEntryDto })
  create(@Body() dto: RegisterRecordDto, @CurrentCaller() caller: Caller) {
    return this.register.create(dto, caller);
  }

  @Get('records')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'The register, now or as it stood at asOf' })
  @ApiOkResponse({ type: RegisterEntryPageDto })
  async list(@Query() query: RegisterListQueryDto) {
    return pageItems(await this.register.register(asOf(query)), query, (r) => `${(r.document as { name?: string }).name ?? ''}\u0000${r.id}`);
  }

  @Get('records/:id')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'One record, now or as it stood at asOf' })
  @ApiOkResponse({ type: RegisterEntryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('id', uuid) id: string, @Query() query: RegisterQueryDto) {
    return this.register.get(id, asOf(query));
  }

  @Put('records/:id')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Replace a record’s content: a new version, with who, when and which fields changed' })
  @ApiOkResponse({ type: RegisterEntryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  update(@Param('id', uuid) id: string, @Body() dto: RegisterRecordDto, @CurrentCaller() caller: Caller) {
    return this.register.update(id, dto, caller);
  }

  @Get('records/:id/versions')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Every version of a record: who, when, which fields changed' })
  @ApiOkResponse({ type: RegisterVersionPageDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async versions(@Param('id', uuid) id: string, @Query() query: PageQueryDto) {
    return pageItems(await this.register.versions(id), query, (v) => String(v.version).padStart(10, '0'));
  }

  @Get('records/:id/diff')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'What changed between two versions, field by field' })
  @ApiOkResponse({ type: RegisterDiffDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  diff(@Param('id', uuid) id: string, @Query() query: DiffQueryDto) {
    return this.register.diff(id, query.from, query.to);
  }

  @Get('completeness')
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Per record, the Art 30 fields still missing' })
  @ApiOkResponse({ type: CompletenessPageDto })
  async completeness(@Query() query: PageQueryDto) {
    return pageItems(await this.register.completeness(), query, (c) => `${c.name ?? ''}\u0000${c.id}`);
  }

  @Get('export')
  @Roles('counsel', 'auditor')
  @ApiOperation({ summary: 'The register for auditors and supervisory authorities: JSON, CSV or printable HTML (one page per record)' })
  @ApiProduces('application/json', 'text/csv', 'text/html')
  @ApiOkResponse({
    description: 'The register as an attachment, in the asked format',
    content: {
      'application/json': { schema: { type: 'object', additionalProperties: true } },
      'text/csv': { schema: { type: 'string' } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  async export(@Query() query: RegisterExportQueryDto, @Res({ passthrough: true }) response: Response) {
    const result = await this.register.export(query.format ?? 'json', asOf(query));
    void response.header('Content-Type', result.contentType);
    void response.header('Content-Disposition', `attachment; filename="${result.filename}"`);
    return typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  }
}
