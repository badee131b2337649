import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { PurposeKeyPipe } from './purpose-key.pipe.js';
import { CreatePurposeDto, NoticeDto, PublishNoticeDto, PurposeDto, PurposePageDto, UpdatePurposeDto } from './purpose.dto.js';
import { PurposesService } from './purposes.service.js';

@ApiTags('purposes')
@Controller('v1/purposes')
export class PurposesController {
  constructor(private readonly purposes: PurposesService) {}

  @Post()
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Add a purpose of processing with its lawful basis' })
  @ApiCreatedResponse({ type: PurposeDto })
  @ApiConflictResponse({ type: ProblemDto })
  create(@Body() dto: CreatePurposeDto, @CurrentCaller() caller: Caller) {
    return this.purposes.create(dto, caller);
  }

  @Get()
  @Roles('admin', 'counsel', 'iam', 'auditor')
  @ApiOperation({ summary: 'The purposes catalogue, with every published notice version' })
  @ApiOkResponse({ type: PurposePageDto })
  list() {
    return this.purposes.list();
  }

  @Get(':key')
  @Roles('admin', 'counsel', 'iam', 'auditor')
  @ApiOperation({ summary: 'One purpose' })
  @ApiParam({ name: 'key', example: 'marketing-email' })
  @ApiOkResponse({ type: PurposeDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@Param('key', PurposeKeyPipe) key: string) {
    return this.purposes.get(key);
  }

  @Patch(':key')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Change a purpose’s description, basis, categories or retention (audited)' })
  @ApiParam({ name: 'key', example: 'marketing-email' })
  @ApiOkResponse({ type: PurposeDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  update(@Param('key', PurposeKeyPipe) key: string, @Body() dto: UpdatePurposeDto, @CurrentCaller() caller: Caller) {
    return this.purposes.update(key, dto, caller);
  }

  @Post(':key/notices')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Publish a notice version (immutable once published)' })
  @ApiParam({ name: 'key', example: 'marketing-email' })
  @ApiCreatedResponse({ type: NoticeDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'That version and language is already published' })
  publish(@Param('key', PurposeKeyPipe) key: string, @Body() dto: PublishNoticeDto, @CurrentCaller() caller: Caller) {
    return this.purposes.publishNotice(key, dto, caller);
  }
}
