import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CATEGORY_KEY } from '../register/register.dto.js';
import { IsCalendarDate } from '../../common/errors/calendar-date.js';

export class CertificationDto {
  @ApiProperty({ example: 'SOC 2 Type II' }) @IsString() @Length(1, 100) name: string;
  @ApiPropertyOptional({ example: '2026-03-31' }) @IsOptional() @IsCalendarDate() reportDate?: string;
}

export class SubprocessorDto {
  @ApiProperty({ example: 'MailCo' }) @IsString() @Length(1, 200) name: string;
  @ApiProperty({ example: 'MailCo Inc., Delaware' }) @IsString() @Length(1, 300) legalEntity: string;
  @ApiProperty({ example: 'Transactional email delivery' }) @IsString() @Length(1, 500) service: string;

  @ApiProperty({ example: ['US', 'IE'] })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'each processing country must be an ISO 3166-1 alpha-2 code' })
  processingCountries: string[];

  @ApiProperty({ example: ['contact.email'] })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CATEGORY_KEY, { each: true, message: 'each data category must be a data-category key' })
  dataCategories: string[];

  @ApiPropertyOptional({ example: [], description: 'Register record ids it serves' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  activities?: string[];

  @ApiPropertyOptional({ example: '2026-01-15' }) @IsOptional() @IsCalendarDate() dpaSignedOn?: string;
  @ApiPropertyOptional({ example: 'https://contracts.example.com/dpa/mailco' }) @IsOptional() @IsUrl({ require_protocol: true }) @MaxLength(2000) dpaUrl?: string;
  @ApiPropertyOptional({ enum: ['adequacy', 'sccs', 'bcrs', 'art49_derogation', 'none'] }) @IsOptional() @IsIn(['adequacy', 'sccs', 'bcrs', 'art49_derogation', 'none']) transferMechanism?: string;
  @ApiPropertyOptional({ type: [CertificationDto] }) @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => CertificationDto) certifications?: CertificationDto[];
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) @IsIn(['low', 'medium', 'high']) riskRating: 'low' | 'medium' | 'high';
  @ApiPropertyOptional({ example: '2027-01-15' }) @IsOptional() @IsCalendarDate() nextReviewOn?: string;

  @ApiPropertyOptional({ description: 'The subprocessor this one replaces (offboarded when this one becomes active)' })
  @IsOptional()
  @IsUUID('all')
  replaces?: string;
}

export class OverrideDto {
  @ApiProperty({ example: 'Security incident at the current provider: immediate switch agreed with key customers' })
  @IsString()
  @Length(10, 2000)
  reason: string;
}

export class ObjectionDto {
  @ApiProperty({ example: 'Acme Corp' }) @IsString() @Length(1, 200) customer: string;
  @ApiProperty({ example: 'Data must stay in the EEA under our contract' }) @IsString() @Length(1, 5000) reason: string;
}

export class SubscribeDto {
  @ApiProperty({ example: 'dpo@customer.example' }) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
}

export class ConfirmDto {
  @ApiProperty({ example: 'sub_…' }) @IsString() @Length(10, 200) token: string;
}

/** The public fields only. */
export class PublicSubprocessorDto {
  @ApiProperty() name: string;
  @ApiProperty() legalEntity: string;
  @ApiProperty() service: string;
  @ApiProperty({ type: [String] }) processingCountries: string[];
  @ApiProperty({ type: [String] }) dataCategories: string[];
  @ApiProperty({ nullable: true, type: String }) transferMechanism: string | null;
  @ApiProperty({ enum: ['proposed', 'active'] }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'For proposed ones: until when objections are taken' }) objectionDeadline: string | null;
}

export class PublicSubprocessorPageDto extends PageMetaDto {
  @ApiProperty({ type: [PublicSubprocessorDto] }) items: PublicSubprocessorDto[];
}

export class SubprocessorPageDto extends PageMetaDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Subprocessors: the proposal’s fields plus id, status, createdAt, updatedAt' })
  items: object[];
}

export class NoticePageDto extends PageMetaDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Change notices: id, subprocessorId, replacesId, openedAt, objectionDeadline, status, overrideReason, closedAt, objections[]' })
  items: object[];
}
