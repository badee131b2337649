import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/roles.js';
import type { Page } from '../../common/pagination.js';
import { DataStorePageDto, DataStoreDto } from './data-store.dto.js';
import { DataStoreRegistry } from './data-store.registry.js';

@ApiTags('data-stores')
@Controller('v1/data-stores')
export class DataStoresController {
  constructor(private readonly registry: DataStoreRegistry) {}

  @Get()
  @Roles('admin', 'counsel')
  @ApiOperation({ summary: 'The data stores this process loaded from LETHE_DATA_STORES: ids, types, tables and capabilities (no URLs or secrets)' })
  @ApiOkResponse({ type: DataStorePageDto })
  list(): Page<DataStoreDto> {
    return { items: this.registry.describe(), nextCursor: null };
  }
}
