import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDateString, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/roles.js';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'iam-api production', description: 'What the key is for (not a person’s name)', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\p{L}\p{N} ._:/()-]+$/u, { message: 'name may contain letters, digits, spaces and . _ : / ( ) -' })
  name: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['iam'], description: 'One or more roles' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value in roles must be one of: ${ROLES.join(', ')}` })
  roles: Role[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'The key stops working at this instant (must be in the future)' })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class ApiKeyListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include revoked and expired keys' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeInactive?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ example: '4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2' })
  id: string;
  @ApiProperty({ example: 'iam-api production' })
  name: string;
  @ApiProperty({ example: 'lth_Xy3k9QpA', description: 'The key’s first characters, to tell keys apart' })
  prefix: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['iam'] })
  roles: Role[];
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' })
  createdAt: string;
  @ApiProperty({ example: 'system', description: 'Actor that created it' })
  createdBy: string;
  @ApiProperty({ example: null, nullable: true, type: String })
  expiresAt: string | null;
  @ApiProperty({ example: null, nullable: true, type: String })
  revokedAt: string | null;
  @ApiProperty({ example: true, description: 'Neither revoked nor expired' })
  active: boolean;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'lth_Xy3k9QpA2m…', description: 'The secret. Shown only in this response: store it now.' })
  key: string;
}

export class ApiKeyPageDto extends PageMetaDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items: ApiKeyDto[];
}
