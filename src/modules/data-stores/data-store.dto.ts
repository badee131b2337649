import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination.js';
import type { Capability } from './data-store.port.js';

export class DataStoreTableDto {
  @ApiProperty({ example: 'customers' })
  name: string;

  @ApiProperty({ enum: ['delete', 'anonymise', 'retain'], example: 'anonymise', description: 'What an erasure does to its rows' })
  erasure: 'delete' | 'anonymise' | 'retain';
}

/** A configured data store as Lethe loaded it: no URLs, no secrets. */
export class DataStoreDto {
  @ApiProperty({ example: 'shop-db' })
  id: string;

  @ApiProperty({ example: 'Our online shop', description: 'What a data subject reads for this store (the id when no label is configured)' })
  label: string;

  @ApiProperty({ example: 'postgres', description: 'Adapter type: postgres, http, memory or a custom one' })
  type: string;

  @ApiProperty({ enum: ['export', 'rectify', 'erase', 'restrict'], isArray: true, example: ['export', 'rectify', 'erase', 'restrict'] })
  capabilities: Capability[];

  @ApiProperty({ type: [DataStoreTableDto], description: 'Tables Lethe reads and changes (empty for stores without table configuration)' })
  tables: DataStoreTableDto[];

  @ApiProperty({ type: [String], example: ['contact.email', 'commerce.orders'], description: 'Data categories the store holds' })
  categories: string[];
}

export class DataStorePageDto extends PageMetaDto {
  @ApiProperty({ type: [DataStoreDto] })
  items: DataStoreDto[];
}
