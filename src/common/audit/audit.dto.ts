import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../pagination.js';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'api_key.created', description: 'Only entries with this action' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9_.-]+$/, { message: 'action must be lowercase letters, digits, dots, dashes or underscores' })
  action?: string;

  @ApiPropertyOptional({ example: 'api_key', description: 'Only entries about this kind of target' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  targetType?: string;

  @ApiPropertyOptional({ example: '4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2', description: 'Only entries about this target' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;

  @ApiPropertyOptional({ example: 'system', description: 'An API key id, `subject:<requestId>` or `system`' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Entries at or after this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00Z', description: 'Entries before this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'Newest first by default' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class AuditEventDto {
  @ApiProperty({ example: 42 })
  seq: number;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' })
  at: string;
  @ApiProperty({ example: '4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2', description: 'API key id, `subject:<requestId>` or `system`' })
  actor: string;
  @ApiProperty({ example: 'api_key.created' })
  action: string;
  @ApiProperty({ example: 'api_key' })
  targetType: string;
  @ApiProperty({ example: '9d2e0b8c-1f1a-4a57-8d8b-6f0d1e2c3b4a', nullable: true, type: String })
  targetId: string | null;
  @ApiProperty({ example: { roles: ['auditor'] }, type: 'object', additionalProperties: true })
  details: Record<string, unknown>;
  @ApiProperty({ example: 'a3f1…', description: 'Hash of the previous entry (64 zeros for the first)' })
  prevHash: string;
  @ApiProperty({ example: '9bc4…', description: 'SHA-256 of the canonical JSON of this entry with prevHash' })
  hash: string;
}

export class AuditEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];
}

export class ChainVerificationDto {
  @ApiProperty({ example: true })
  valid: boolean;
  @ApiProperty({ example: 1234, description: 'Entries checked' })
  checked: number;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'First sequence number that does not verify' })
  firstBrokenSeq: number | null;
}
