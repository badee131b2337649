import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { PurposeKeyPipe } from './purpose-key.pipe.js';
import { LoadPurposeTemplateDto, PurposeDto, PurposeTemplatePageDto } from './purpose.dto.js';
import { PurposesService } from './purposes.service.js';

@ApiTags('purposes')
@Controller('v1/purpose-templates')
export class PurposeTemplatesController {
  constructor(private readonly purposes: PurposesService) {}

  @Get()
  @Roles('admin', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Purpose templates Lethe ships: lawful basis, data categories and retention to start from' })
  @ApiOkResponse({ type: PurposeTemplatePageDto })
  list() {
    return this.purposes.templates();
  }

  @Post(':key/load')
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'Create a purpose from a template (audited); edit it afterwards with PATCH /v1/purposes/{key}' })
  @ApiParam({ name: 'key', example: 'marketing-email' })
  @ApiCreatedResponse({ type: PurposeDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A bad key, or a template category missing from the taxonomy' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such template' })
  @ApiConflictResponse({ type: ProblemDto, description: 'A purpose with that key already exists' })
  load(@Param('key', PurposeKeyPipe) key: string, @Body() dto: LoadPurposeTemplateDto, @CurrentCaller() caller: Caller) {
    return this.purposes.loadTemplate(key, dto, caller);
  }
}
