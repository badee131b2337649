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

/** The link in every notice email: the subscriber and a keyed hash of it (nothing to store, nothing to guess). */
export class UnsubscribeDto {
  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'token must be the 64 hex characters of the emailed link' })
  token: string;
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

/** A subprocessor in the inventory: the proposal's fields plus its id, status and timestamps. */
export class SubprocessorRecordDto {
  @ApiProperty({ example: '5b0f3a9e-6c1d-4f7a-9f0e-2a1b3c4d5e6f' }) id: string;
  @ApiProperty({ example: 'MailCo' }) name: string;
  @ApiProperty({ example: 'MailCo Inc., Delaware' }) legalEntity: string;
  @ApiProperty({ example: 'Transactional email delivery' }) service: string;
  @ApiProperty({ example: ['US', 'IE'], type: [String] }) processingCountries: string[];
  @ApiProperty({ example: ['contact.email'], type: [String] }) dataCategories: string[];
  @ApiProperty({ example: [], type: [String], description: 'Register record ids it serves' }) activities: string[];
  @ApiProperty({ example: '2026-01-15', nullable: true, type: String }) dpaSignedOn: string | null;
  @ApiProperty({ example: 'https://contracts.example.com/dpa/mailco', nullable: true, type: String }) dpaUrl: string | null;
  @ApiProperty({ enum: ['adequacy', 'sccs', 'bcrs', 'art49_derogation', 'none'], nullable: true, type: String }) transferMechanism: string | null;
  @ApiProperty({ type: [CertificationDto] }) certifications: CertificationDto[];
  @ApiProperty({ enum: ['low', 'medium', 'high'], example: 'medium' }) riskRating: 'low' | 'medium' | 'high';
  @ApiProperty({ example: '2027-01-15', nullable: true, type: String }) nextReviewOn: string | null;
  @ApiProperty({ enum: ['proposed', 'active', 'offboarded'], example: 'proposed' }) status: 'proposed' | 'active' | 'offboarded';
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt: string;
}

/** A customer's objection against a change notice. */
export class SubprocessorObjectionDto {
  @ApiProperty({ example: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f' }) id: string;
  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928' }) noticeId: string;
  @ApiProperty({ example: 'Acme Corp' }) customer: string;
  @ApiProperty({ example: 'Data must stay in the EEA under our contract' }) reason: string;
  @ApiProperty({ example: '2026-11-24T09:00:00.000Z' }) recordedAt: string;
  @ApiProperty({ example: '4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2', description: 'Who recorded it, as the audit trail names them' }) recordedBy: string;
}

/** An Art 28(2) change notice with its objection window and the objections received. */
export class SubprocessorNoticeDto {
  @ApiProperty({ example: '7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928' }) id: string;
  @ApiProperty({ example: '5b0f3a9e-6c1d-4f7a-9f0e-2a1b3c4d5e6f' }) subprocessorId: string;
  @ApiProperty({ nullable: true, type: String, description: 'The subprocessor the proposed one replaces' }) replacesId: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) openedAt: string;
  @ApiProperty({ example: '2026-12-23T10:15:00.000Z', description: 'Objections are taken until this instant' }) objectionDeadline: string;
  @ApiProperty({ enum: ['open', 'closed', 'overridden'], example: 'open', description: 'closed: activated after the window; overridden: activated early with a reason' })
  status: 'open' | 'closed' | 'overridden';
  @ApiProperty({ nullable: true, type: String, example: null }) overrideReason: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) closedAt: string | null;
  @ApiProperty({ type: [SubprocessorObjectionDto] }) objections: SubprocessorObjectionDto[];
}

export class SubprocessorPageDto extends PageMetaDto {
  @ApiProperty({ type: [SubprocessorRecordDto] }) items: SubprocessorRecordDto[];
}

export class NoticePageDto extends PageMetaDto {
  @ApiProperty({ type: [SubprocessorNoticeDto] }) items: SubprocessorNoticeDto[];
}
