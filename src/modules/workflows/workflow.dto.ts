import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { STEP_NAMES, STEP_STATUSES, type StepName, type StepStatus } from './workflow.plan.js';

export class StepParamsDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'id must be a UUID' })
  id: string;

  @ApiProperty({ enum: STEP_NAMES, example: 'export' })
  @IsIn(STEP_NAMES)
  step: StepName;

  @ApiProperty({ example: 'billing-db', description: 'The data store’s id, or - for steps that touch no store' })
  @Matches(/^(-|[a-z0-9][a-z0-9_-]{0,63})$/, { message: 'store must be a data store id or -' })
  store: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'The legacy CRM was decommissioned on 1 March; it holds no data.', minLength: 10, maxLength: 2000 })
  @IsString()
  @Length(10, 2000)
  reason: string;
}

export class PackageQueryDto {
  @ApiProperty({ example: '1795000000', description: 'When the link expires (Unix seconds), as signed' })
  @Matches(/^\d{1,12}$/, { message: 'expires must be a Unix time in seconds' })
  expires: string;

  @ApiPropertyOptional({ example: '2', description: 'Which link: absent for the first, then the number of a link counsel re-sent' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,3}$/, { message: 'link must be a link number' })
  link?: string;

  @ApiProperty({ example: 'a3f1…', description: 'The link’s signature' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'signature must be 64 hex characters' })
  signature: string;
}

export class StepViewDto {
  @ApiProperty({ example: '6a1f…:export:billing-db', description: '<requestId>:<step>:<storeId>; also the durable job’s key' }) key: string;
  @ApiProperty({ enum: STEP_NAMES }) step: StepName;
  @ApiProperty({ example: 'billing-db' }) storeId: string;
  @ApiProperty({ enum: STEP_STATUSES }) status: StepStatus;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ nullable: true, type: String, example: 'unavailable: billing-db: cannot connect (ECONNREFUSED)' }) error: string | null;
  @ApiProperty({ nullable: true, type: String }) waivedReason: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What the step found or did: counts, the erasure plan, file hashes (no personal data)' })
  result: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WorkflowDto {
  @ApiProperty({ type: [StepViewDto] }) steps: StepViewDto[];
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true, description: 'The access or portability package: hash, size, expiry and downloads' })
  package: Record<string, unknown> | null;
}

export class PackageLinkDto {
  @ApiProperty({ example: 'https://privacy.example.com/v1/requests/8f0c…/package?expires=1795000000&link=2&signature=a3f1…' }) url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ example: 3 }) maxDownloads: number;
  @ApiProperty({ example: 2, description: '1 for the link in the completion mail, one more per re-send; every link shares the expiry and the download budget' }) link: number;
  @ApiProperty({ example: 1, description: 'Downloads so far, through any link' }) downloads: number;
  @ApiProperty({ nullable: true, type: Boolean, description: 'After a re-send: whether it was mailed (false: the request has no email address; pass the link on another way)' }) mailed: boolean | null;
}

export class RecipientNoticeDto {
  @ApiProperty({ example: 'Mailchimp' }) recipient: string;
  @ApiProperty({ example: 'erasure' }) action: string;
  @ApiProperty({ type: [String], example: ['contact.email'] }) dataCategories: string[];
  @ApiProperty({ enum: ['email', 'webhook', 'none'] }) channel: string;
  @ApiProperty({ enum: ['queued', 'sent', 'failed', 'no_contact'] }) status: string;
  @ApiProperty({ format: 'date-time' }) notifiedAt: string;
}

export class RecipientListDto {
  @ApiProperty({ type: [RecipientNoticeDto] }) recipients: RecipientNoticeDto[];
}
