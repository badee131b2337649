import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { STEP_ACTIONS, STEP_NAMES, STEP_STATUSES, type StepAction, type StepName, type StepStatus } from './workflow.plan.js';

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
  @ApiProperty({ enum: STEP_ACTIONS, isArray: true, example: ['retry', 'waive'], description: 'What counsel may do to this step now: retry a failed one, waive one still to do' })
  allowedActions: StepAction[];
}

export class PackageSummaryDto {
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ example: 48213 }) bytes: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the link stops working and the file is deleted (for a package under review: counted from its release)' }) expiresAt: string;
  @ApiProperty({ example: 1 }) downloads: number;
  @ApiProperty({ example: 3 }) maxDownloads: number;
  @ApiProperty({ example: 1, description: 'Download links issued so far' }) links: number;
  @ApiProperty({ example: false, description: 'Expired or refused: the file is gone' }) deleted: boolean;
}

export class ManifestTableDto {
  @ApiProperty({ example: 'customers' }) table: string;
  @ApiProperty({ example: 1 }) rows: number;
}

export class ManifestStoreDto {
  @ApiProperty({ example: 'crm' }) id: string;
  @ApiProperty({ enum: ['exported', 'waived'] }) status: 'exported' | 'waived';
  @ApiProperty({ type: [ManifestTableDto] }) tables: ManifestTableDto[];
}

export class ManifestFileDto {
  @ApiProperty({ example: 'stores/crm/customers.ndjson' }) name: string;
  @ApiProperty({ example: 512 }) bytes: number;
}

export class PackageManifestDto {
  @ApiProperty({ type: [ManifestStoreDto], description: 'Per store, the rows exported per table' }) stores: ManifestStoreDto[];
  @ApiProperty({ type: [ManifestFileDto], description: 'Every file in the package' }) files: ManifestFileDto[];
}

export class ErasurePlanRowDto {
  @ApiProperty({ example: 'crm' }) storeId: string;
  @ApiProperty({ example: 'customers' }) table: string;
  @ApiProperty({ enum: ['delete', 'anonymise', 'retain'] }) action: 'delete' | 'anonymise' | 'retain';
  @ApiProperty({ example: 1 }) rows: number;
  @ApiProperty({ type: [String], example: ['email', 'name'], description: 'For anonymise: the columns blanked, hashed or fixed' }) columns: string[];
  @ApiProperty({ nullable: true, type: String, example: 'Art 17(3)(b): invoices must be kept for tax law' }) ground: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'P7Y' }) retainUntil: string | null;
}

export class CertificateStoreDto {
  @ApiProperty({ example: 'crm' }) id: string;
  @ApiProperty({ enum: ['erased', 'waived'] }) status: 'erased' | 'waived';
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) erasedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the verification pass found nothing erasable left' }) verifiedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) waivedReason: string | null;
}

export class ErasureCertificateDto {
  @ApiProperty({ example: '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b', description: 'SHA-256 of the certificate JSON mailed to the requester (also in the audit trail)' })
  sha256: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ type: [CertificateStoreDto] }) stores: CertificateStoreDto[];
  @ApiProperty({ example: 4 }) pseudonymisedConsentEvents: number;
  @ApiProperty({ example: false, description: 'The subject id was never proven: the stores were searched by email only' }) searchedByEmailOnly: boolean;
}

export class WorkflowDto {
  @ApiProperty({ type: [StepViewDto] }) steps: StepViewDto[];
  @ApiProperty({ nullable: true, type: PackageSummaryDto, description: 'The access or portability package: hash, size, expiry and downloads' })
  package: PackageSummaryDto | null;
  @ApiProperty({ nullable: true, type: PackageManifestDto, description: 'What the package holds, from its package step (what counsel reviews before releasing it)' })
  manifest: PackageManifestDto | null;
  @ApiProperty({ type: [ErasurePlanRowDto], description: 'The erasure dry run: per store and table what will be deleted, anonymised or kept (from the finished plan steps)' })
  erasurePlan: ErasurePlanRowDto[];
  @ApiProperty({ nullable: true, type: ErasureCertificateDto, description: 'The erasure certificate, once issued' })
  certificate: ErasureCertificateDto | null;
  @ApiProperty({ type: () => [RecipientNoticeDto], description: 'Art 19 notices, including recipients not reached (failed, no_contact) that counsel must tell another way' })
  recipients: RecipientNoticeDto[];
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
  @ApiProperty({ enum: ['queued', 'sent', 'failed', 'no_contact'], description: 'queued: being delivered; sent: delivered (see notifiedAt); failed or no_contact: not reached, counsel tells them another way' })
  status: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the notice was delivered; absent unless status is sent' }) notifiedAt?: string;
}

export class RecipientListDto {
  @ApiProperty({ type: [RecipientNoticeDto] }) recipients: RecipientNoticeDto[];
}
