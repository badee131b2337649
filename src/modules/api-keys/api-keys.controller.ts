import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { ApiKeyListQueryDto, ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { uuid } from '../../common/errors/uuid.pipe.js';

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key. The secret is in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@Body() dto: CreateApiKeyDto, @CurrentCaller() caller: Caller) {
    return this.keys.create(dto, caller);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@Query() query: ApiKeyListQueryDto) {
    return this.keys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key. It stops working at once in this process, within the key cache time elsewhere.',
    description:
      'The process that answers this request refuses the key (and ends the console sessions signed in with it) at once. ' +
      'Every other API or worker process keeps a verified key for up to `LETHE_API_KEY_CACHE_SECONDS` (10 by default), ' +
      'so it may still accept the key, and console sessions signed in with it, for that long after this answer.',
  })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The last active admin key cannot be revoked' })
  revoke(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.keys.revoke(id, caller);
  }
}
