import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PageMetaDto } from '../../common/pagination.js';
import { SUBJECT_ID } from '../consent/consent.dto.js';

import { JURISDICTIONS, type Jurisdiction } from '../deadlines/deadline.rules.js';
import { PURPOSE_KEY } from '../purposes/purpose.dto.js';
import { CHANNELS, type Channel, REFUSAL_GROUNDS, type RefusalGround, REQUEST_TYPES, type RequestType } from './request.types.js';
import { REQUEST_STATUSES, type RequestStatus } from './request.state.js';

import { type Locale, LOCALES } from '../../common/i18n/locales.js';
import { REQUESTER_TASKS, type RequesterTask } from './request.requester-view.js';

export class FieldChangeDto {
  @ApiProperty({ example: 'shipping_address', description: 'The field to correct: one of GET /v1/requests/rectifiable-fields (when that list is empty, any field name)' })
  @Matches(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, { message: 'field must be a field name (letters, digits, _ . -)' })
  field: string;

  @ApiProperty({ example: '1 New Street, Leeds LS1 1AA', maxLength: 1000 })
  @IsString()
  @MaxLength(1000)
  newValue: string;

  @ApiPropertyOptional({ example: 'I moved in May', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CreateRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES, example: 'access' })
  @IsIn(REQUEST_TYPES)
  type: RequestType;

  @ApiPropertyOptional({ example: 'jane@example.org', description: 'Required unless an IAM token is presented' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'Jane Doe', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'usr_01HF3Z6Q8K', description: 'The IAM user id, if known' })
  @IsOptional()
  @Matches(SUBJECT_ID, { message: 'subjectId must be 1-200 printable ASCII characters without spaces' })
  subjectId?: string;

  @ApiPropertyOptional({ enum: JURISDICTIONS, example: 'UK', description: 'Default: LETHE_DEFAULT_JURISDICTION' })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ example: 'Please include my support tickets.', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  details?: string;

  @ApiPropertyOptional({ type: [FieldChangeDto], description: 'Rectification: the corrections asked for' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FieldChangeDto)
  changes?: FieldChangeDto[];

  @ApiPropertyOptional({ example: ['marketing-email'], description: 'Objection: the purposes objected to' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(PURPOSE_KEY, { each: true, message: 'each purpose must be a purpose key' })
  purposes?: string[];

  @ApiPropertyOptional({ example: '2026-11-20T09:30:00Z', description: 'Counsel only: when a request by post, phone or email arrived' })
  @IsOptional()
  @IsDateString({ strict: true })
  receivedAt?: string;

  @ApiPropertyOptional({ enum: CHANNELS, example: 'post', description: 'Counsel only: how it arrived' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: LOCALES, example: 'de', description: 'The language of the requester’s mails and pages. Default: the best match of Accept-Language, else English' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class CreatedRequestDto {
  @ApiProperty({ example: '8f0c1f9e-5c1e-4a57-9d0e-1f6f8f3e2a11' }) id: string;
  @ApiProperty({ enum: REQUEST_STATUSES, example: 'awaiting_verification' }) status: RequestStatus;
  @ApiProperty({ nullable: true, type: String, example: 'rt_Q2x…', description: 'Send as X-Request-Token to follow the request. Shown once; null when an open request of this type already exists for you (it is answered instead).' })
  statusToken: string | null;
  @ApiProperty({ example: false, description: 'An open request of the same type already existed; that one goes on' }) duplicate: boolean;
}

export class RectifiableFieldDto {
  @ApiProperty({ example: 'shipping_address', description: 'What to send as changes[].field' }) field: string;
  @ApiProperty({ example: 'Delivery address', description: 'What the field is, in plain words' }) label: string;
}

export class RectifiableFieldListDto extends PageMetaDto {
  @ApiProperty({ type: [RectifiableFieldDto] }) items: RectifiableFieldDto[];
}

export class VerifyCodeDto {
  @ApiProperty({ example: '042917', description: 'The code from the email' })
  @Matches(/^\d{6,10}$/, { message: 'code must be the digits from the email' })
  code: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) at: string;
  @ApiProperty({ example: 'verified' }) kind: string;
}

export class VerificationStateDto {
  @ApiProperty({ enum: ['code', 'counsel'], example: 'code', description: 'code: type the emailed code; counsel: our privacy team confirms it with you (a request we recorded from a letter, call or email)' })
  by: 'code' | 'counsel';
  @ApiProperty({ example: false, description: 'Five wrong codes: only privacy counsel can unlock it' }) locked: boolean;
  @ApiProperty({ example: 5 }) attemptsLeft: number;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:30:00.000Z' }) codeExpiresAt: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:16:00.000Z', description: 'When a new code may be asked for; null when none may be today' })
  nextCodeAt: string | null;
  @ApiProperty({ example: 4 }) codesLeftToday: number;
  @ApiProperty({ example: '2026-12-23', description: 'Unconfirmed by then, the request closes and the details given are deleted' }) closesOn: string;
}

export class RefusalViewDto {
  @ApiProperty({ enum: REFUSAL_GROUNDS }) ground: RefusalGround;
  @ApiProperty({ nullable: true, type: String, example: 'This is the third identical request this month.' }) explanation: string | null;
}

export class RequestStatusDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type: RequestType;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiProperty({ enum: JURISDICTIONS, example: 'UK' }) jurisdiction: Jurisdiction;
  @ApiProperty({ enum: LOCALES, example: 'en', description: 'The language the requester reads' }) locale: Locale;
  @ApiProperty({ example: 'Europe/London', description: 'The jurisdiction’s time zone: due dates are days there' }) timeZone: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) receivedAt: string;
  @ApiProperty({ example: '2026-12-23', description: 'The due date in force' }) dueOn: string;
  @ApiProperty({ example: '2026-12-23T23:59:59.999Z' }) dueAt: string;
  @ApiProperty({ example: false }) extended: boolean;
  @ApiProperty({ example: '2026-12-23', description: 'The due date before any extension' }) originalDueOn: string;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the time to answer was extended (Art 12(3))' }) extensionReason: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'The day the clock stopped, while it is stopped' }) pausedSince: string | null;
  @ApiProperty({ nullable: true, enum: ['clarification', 'identity'], example: null, description: 'Why the clock is stopped' }) pauseReason: 'clarification' | 'identity' | null;
  @ApiProperty({ nullable: true, type: VerificationStateDto, description: 'While the requester’s identity is being confirmed' }) verification: VerificationStateDto | null;
  @ApiProperty({ nullable: true, type: RefusalViewDto }) refusal: RefusalViewDto | null;
  @ApiProperty({ nullable: true, type: String, example: null }) closedAt: string | null;
  @ApiProperty({ nullable: true, enum: REQUESTER_TASKS, example: 'enter_code', description: 'What the requester must still do' }) task: RequesterTask | null;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
}
