import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/roles.js';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

export class OidcMethodDto {
  @ApiProperty({ example: "Sign in with your organisation's account", description: 'Text for the sign-in button (LETHE_OIDC_LABEL)' })
  label: string;
}

export class SignInMethodsDto {
  @ApiProperty({ example: true, description: 'Signing in with an API key is always possible' })
  apiKey: boolean;

  @ApiProperty({ type: OidcMethodDto, nullable: true, description: 'Single sign-on through the identity provider; null when it is not configured' })
  oidc: OidcMethodDto | null;
}

export class ApiKeySignInDto {
  @ApiProperty({ example: 'lth_Xy3k9QpA2mZ7…', description: 'An API key; it is checked, never stored in the session or shown again', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  apiKey: string;
}

export class SessionDto {
  @ApiProperty({ enum: ['oidc', 'api_key'], example: 'oidc', description: 'How the session was signed in' })
  method: 'oidc' | 'api_key';

  @ApiProperty({ example: 'user:248289761001', description: 'The actor the audit trail names for this session: `user:<sub>`, or the API key’s id' })
  actor: string;

  @ApiProperty({ example: 'Jane Doe', description: 'The person’s name, or the API key’s name' })
  name: string;

  @ApiProperty({ example: 'jane.doe@example.com', nullable: true, type: String, description: 'Null for API-key sessions and people without an email claim' })
  email: string | null;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['counsel'] })
  roles: Role[];

  @ApiProperty({ example: 'b3c1f0d7c2a9e84f5d1e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819', description: 'Send as the X-CSRF-Token header on every POST, PUT, PATCH and DELETE made with the session cookie' })
  csrfToken: string;

  @ApiProperty({ example: '2026-11-23T22:15:00.000Z', description: 'When the session ends at the latest, used or not' })
  expiresAt: string;

  @ApiProperty({ example: 1800, description: 'The session also ends after this many seconds without a request' })
  idleTimeoutSeconds: number;
}

export class OidcStartQueryDto {
  @ApiPropertyOptional({ example: '/console/requests', description: 'Where to go after signing in: a path under /console (anything else goes to /console/)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  returnTo?: string;
}

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'user:248289761001', description: 'Only this actor (`user:<sub>`), as the audit trail names it' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^user:.+$/, { message: 'actor must be user:<sub>' })
  actor?: string;
}

export class UserDto {
  @ApiProperty({ example: 'user:248289761001', description: 'As the audit trail names this person' })
  actor: string;

  @ApiProperty({ example: 'Jane Doe', description: 'The name the identity provider gave at the last sign-in' })
  name: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['counsel'], description: 'Roles at the last sign-in' })
  roles: Role[];

  @ApiProperty({ example: '2026-09-01T08:02:11.000Z' })
  firstSignInAt: string;

  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' })
  lastSignInAt: string;
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserDto] })
  items: UserDto[];
}
