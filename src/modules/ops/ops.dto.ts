import { ApiProperty } from '@nestjs/swagger';

export class HealthDto {
  @ApiProperty({ example: 'ok' })
  status: 'ok';

  @ApiProperty({ example: { database: 'up', queue: 'up' }, type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } })
  checks: Record<string, 'up' | 'down'>;
}
