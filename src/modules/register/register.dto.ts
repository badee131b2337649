import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LAWFUL_BASES, SPECIAL_CATEGORY_CONDITIONS } from '../purposes/purpose.types.js';
import { PURPOSE_KEY } from '../purposes/purpose.dto.js';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

export const CATEGORY_KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const CATEGORY_MESSAGE = { message: 'must be a data-category key such as contact.email' };
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

export class DataCategoryDto {
  @ApiProperty({ example: 'loyalty.tier', pattern: CATEGORY_KEY.source })
  @Matches(CATEGORY_KEY, { message: 'key must be a lowercase key such as contact.email' })
  key: string;

  @ApiProperty({ example: 'Loyalty programme tier' })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ example: 'The tier a customer has reached in the loyalty programme' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: false, description: 'Art 9 special category or Art 10 data' })
  @IsOptional()
  @IsBoolean()
  special?: boolean;
}

/** Changes to a category; absent fields stay as they are, and none may be null. */
export class UpdateDataCategoryDto {
  @ApiPropertyOptional({ example: 'Email address', minLength: 1, maxLength: 200 })
  @ValidateIf((o: UpdateDataCategoryDto) => o.title !== undefined)
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ example: 'Addresses used to reach the person by email', maxLength: 2000 })
  @ValidateIf((o: UpdateDataCategoryDto) => o.description !== undefined)
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: false, description: 'Art 9 special category or Art 10 data' })
  @ValidateIf((o: UpdateDataCategoryDto) => o.special !== undefined)
  @IsBoolean()
  special?: boolean;
}

export class PartyDto {
  @ApiProperty({ example: 'Example Controller Ltd' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'privacy@example.com' })
  @IsString()
  @Length(1, 300)
  contact: string;

  @ApiPropertyOptional({ example: '1 Example Street, Dublin' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;
}

export class JointControllerDto extends PartyDto {
  @ApiPropertyOptional({ example: 'Handles access requests for shared customers' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  responsibilities?: string;
}

export class ActivityPurposeDto {
  @ApiProperty({ example: 'marketing-email' })
  @Matches(PURPOSE_KEY, { message: 'purpose must be a purpose key' })
  purpose: string;

  @ApiProperty({ enum: LAWFUL_BASES, example: 'consent' })
  @IsIn(LAWFUL_BASES)
  lawfulBasis: string;

  @ApiPropertyOptional({ enum: SPECIAL_CATEGORY_CONDITIONS })
  @IsOptional()
  @IsIn(SPECIAL_CATEGORY_CONDITIONS)
  specialCategoryCondition?: string;
}

export class RecipientDto {
  @ApiProperty({ enum: ['internal', 'processor', 'subprocessor', 'third_party', 'public_authority'], example: 'processor' })
  @IsIn(['internal', 'processor', 'subprocessor', 'third_party', 'public_authority'])
  type: 'internal' | 'processor' | 'subprocessor' | 'third_party' | 'public_authority';

  @ApiProperty({ example: 'MailCo Ltd' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ description: 'The subprocessor in the inventory' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subprocessorId?: string;

  @ApiPropertyOptional({ example: ['contact.email'], description: 'Categories this recipient receives (default: all of the activity’s)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CATEGORY_KEY, { each: true, ...CATEGORY_MESSAGE })
  dataCategories?: string[];
}

export class TransferDto {
  @ApiProperty({ example: 'US', description: 'ISO 3166-1 alpha-2' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country: string;

  @ApiProperty({ example: 'MailCo Inc.' })
  @IsString()
  @Length(1, 200)
  recipient: string;

  @ApiProperty({ enum: ['adequacy', 'sccs', 'bcrs', 'art49_derogation'], example: 'sccs' })
  @IsIn(['adequacy', 'sccs', 'bcrs', 'art49_derogation'])
  mechanism: 'adequacy' | 'sccs' | 'bcrs' | 'art49_derogation';

  @ApiProperty({ example: 'DPA-2024-017 Annex III (SCCs module 3) and TIA 2024-05', description: 'Where the transfer documentation is' })
  @IsString()
  @Length(1, 500)
  documentation: string;
}

export class RetentionDto {
  @ApiProperty({ example: 'contact.email' })
  @Matches(CATEGORY_KEY, { message: 'dataCategory must be a data-category key' })
  dataCategory: string;

  @ApiPropertyOptional({ example: 'P2Y', description: 'ISO 8601 duration' })
  @IsOptional()
  @Matches(ISO_DURATION, { message: 'duration must be an ISO 8601 duration such as P2Y' })
  duration?: string;

  @ApiPropertyOptional({ example: 'account closed' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  trigger?: string;

  @ApiPropertyOptional({ example: 'Until the statutory limitation period ends' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  criteria?: string;
}

export class SourceDto {
  @ApiPropertyOptional({ example: 'financial.credit' })
  @IsOptional()
  @Matches(CATEGORY_KEY, { message: 'dataCategory must be a data-category key' })
  dataCategory?: string;

  @ApiProperty({ example: 'Credit reference agency' })
  @IsString()
  @Length(1, 500)
  source: string;
}

export class AutomatedDecisionDto {
  @ApiProperty({ example: false })
  @IsBoolean()
  exists: boolean;

  @ApiPropertyOptional({ example: 'Risk score from payment history; declines above 0.8 are reviewed by staff' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  logic?: string;

  @ApiPropertyOptional({ example: 'May delay account opening' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  significance?: string;
}

/** An Art 30(1) processing activity or an Art 30(2) processor record. Drafts may leave fields out. */
export class RegisterRecordDto {
  @ApiProperty({ enum: ['activity', 'processor_record'], example: 'activity' })
  @IsIn(['activity', 'processor_record'])
  kind: 'activity' | 'processor_record';

  @ApiProperty({ example: 'Customer newsletter' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'Monthly product news to customers who opted in' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ enum: ['draft', 'active', 'retired'], example: 'active' })
  @IsIn(['draft', 'active', 'retired'])
  status: 'draft' | 'active' | 'retired';

  @ApiPropertyOptional({ type: PartyDto }) @IsOptional() @ValidateNested() @Type(() => PartyDto) controller?: PartyDto;
  @ApiPropertyOptional({ type: [JointControllerDto] }) @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => JointControllerDto) jointControllers?: JointControllerDto[];
  @ApiPropertyOptional({ type: PartyDto }) @IsOptional() @ValidateNested() @Type(() => PartyDto) representative?: PartyDto;
  @ApiPropertyOptional({ type: PartyDto }) @IsOptional() @ValidateNested() @Type(() => PartyDto) dpo?: PartyDto;
  @ApiPropertyOptional({ type: [ActivityPurposeDto] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ActivityPurposeDto) purposes?: ActivityPurposeDto[];

  @ApiPropertyOptional({ example: ['customers', 'prospects'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  dataSubjectCategories?: string[];

  @ApiPropertyOptional({ example: ['contact.email', 'identity.name'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CATEGORY_KEY, { each: true, ...CATEGORY_MESSAGE })
  dataCategories?: string[];

  @ApiPropertyOptional({ type: [RecipientDto] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RecipientDto) recipients?: RecipientDto[];
  @ApiPropertyOptional({ type: [TransferDto] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => TransferDto) transfers?: TransferDto[];
  @ApiPropertyOptional({ type: [RetentionDto] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RetentionDto) retention?: RetentionDto[];

  @ApiPropertyOptional({ example: 'Encryption at rest and in transit; SSO with MFA; quarterly access reviews' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  securityMeasures?: string;

  @ApiPropertyOptional({ type: [SourceDto] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => SourceDto) sources?: SourceDto[];
  @ApiPropertyOptional({ type: AutomatedDecisionDto }) @IsOptional() @ValidateNested() @Type(() => AutomatedDecisionDto) automatedDecisionMaking?: AutomatedDecisionDto;

  @ApiPropertyOptional({ example: ['billing-db', 'crm'], description: 'Data stores (adapter ids) holding the data' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { each: true, message: 'each system must be a data-store id' })
  systems?: string[];

  @ApiPropertyOptional({ type: PartyDto, description: 'Processor records: the processor' }) @IsOptional() @ValidateNested() @Type(() => PartyDto) processor?: PartyDto;
  @ApiPropertyOptional({ type: [PartyDto], description: 'Processor records: each controller acted for' }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => PartyDto) controllersServed?: PartyDto[];

  @ApiPropertyOptional({ example: ['email delivery'], description: 'Processor records: categories of processing' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  processingCategories?: string[];

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Last reviewed' })
  @IsOptional()
  @IsDateString({ strict: true })
  reviewedAt?: string;
}

export class RegisterQueryDto {
  @ApiPropertyOptional({ example: '2026-06-30T23:59:59Z', description: 'The register as it stood at this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  asOf?: string;
}

export class RegisterListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-06-30T23:59:59Z', description: 'The register as it stood at this instant' })
  @IsOptional()
  @IsDateString({ strict: true })
  asOf?: string;
}

export class RegisterExportQueryDto extends RegisterQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv', 'html'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'html'])
  format?: 'json' | 'csv' | 'html';
}

/** Versions are Postgres integers: a larger number is a 400, not a database error. */
const MAX_VERSION = 2_147_483_647;

export class DiffQueryDto {
  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_VERSION }) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_VERSION) from: number;
  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_VERSION }) @Type(() => Number) @IsInt() @Min(1) @Max(MAX_VERSION) to: number;
}

export class RegisterEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty() changedAt: string;
  @ApiProperty() changedBy: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) document: object;
}

export class CompletenessDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['activity', 'processor_record'] }) kind: string;
  @ApiProperty({ enum: ['draft', 'active', 'retired'] }) status: string;
  @ApiProperty({ type: [String], example: ['securityMeasures (Art 30(1)(g))'] }) missing: string[];
  @ApiProperty({
    type: [String],
    example: ['purposes[0]: lawful basis legitimate_interests, but the purposes catalogue gives consent for analytics'],
    description: 'Where the record contradicts the purposes catalogue',
  })
  conflicts: string[];
  @ApiProperty({ description: 'Nothing missing and no conflicts' }) complete: boolean;
}

export class DataCategoryPageDto extends PageMetaDto {
  @ApiProperty({ type: [DataCategoryDto] }) items: DataCategoryDto[];
}

export class RegisterEntryPageDto extends PageMetaDto {
  @ApiProperty({ type: [RegisterEntryDto] }) items: RegisterEntryDto[];
}

export class RegisterVersionDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty() changedAt: string;
  @ApiProperty() changedBy: string;
  @ApiProperty({ type: [String], example: ['retention'], description: 'Top-level fields that changed in this version' }) changed: string[];
}

export class RegisterVersionPageDto extends PageMetaDto {
  @ApiProperty({ type: [RegisterVersionDto] }) items: RegisterVersionDto[];
}

export class CompletenessPageDto extends PageMetaDto {
  @ApiProperty({ type: [CompletenessDto] }) items: CompletenessDto[];
}

export class FieldDiffDto {
  @ApiProperty({ example: 'retention[0].duration', description: 'JSON path of the value that changed' }) path: string;
  @ApiProperty({ description: 'The value in `from` (absent when added)' }) before: unknown;
  @ApiProperty({ description: 'The value in `to` (absent when removed)' }) after: unknown;
}

export class RegisterDiffDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 1 }) from: number;
  @ApiProperty({ example: 2 }) to: number;
  @ApiProperty({ type: [FieldDiffDto] }) changes: FieldDiffDto[];
}
