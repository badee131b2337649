import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsIP,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import { PURPOSE_KEY } from '../purposes/purpose.dto.js';
import { COLLECTION_METHODS, CONSENT_ACTIONS, type CollectionMethod, type ConsentAction } from './consent.entity.js';
import { IsCalendarDate } from '../../common/errors/calendar-date.js';
import { MAX_SIGNAL_LENGTH } from './iab-signals.js';

export const MAX_BATCH = 1000;
export const SUBJECT_ID = /^[\x21-\x7E]{1,200}$/;

export class ConsentProofDto {
  @ApiPropertyOptional({ example: '203.0.113.77', description: 'Stored as its /24 (/48) network and a keyed hash, never in full' })
  @IsOptional()
  @IsIP(undefined, { message: 'ipAddress must be an IPv4 or IPv6 address' })
  ipAddress?: string;

  @ApiPropertyOptional({ example: 'Mozilla/5.0 (X11; Linux x86_64)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  userAgent?: string;

  @ApiPropertyOptional({ example: 'en-GB' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a BCP 47 tag such as en-GB' })
  locale?: string;

  @ApiPropertyOptional({ example: 'UK', description: 'Where the subject was, e.g. EU, UK, US-CA' })
  @IsOptional()
  @Matches(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, { message: 'jurisdiction must look like EU, UK or US-CA' })
  jurisdiction?: string;
}

export class ConsentEventDto {
  @ApiPropertyOptional({ example: '0f8fad5b-d9cb-469f-a165-70867728950e', description: 'Your id for the event; doubles as its idempotency key' })
  @IsOptional()
  @IsUUID('all')
  eventId?: string;

  @ApiProperty({ example: 'usr_01HF3Z6Q8K', description: 'The IAM user id (opaque, 1-200 printable ASCII characters)' })
  @IsString()
  @Matches(SUBJECT_ID, { message: 'subjectId must be 1-200 printable ASCII characters without spaces' })
  subjectId: string;

  @ApiProperty({ example: 'marketing-email' })
  @IsString()
  @Matches(PURPOSE_KEY, { message: 'purpose must be a purpose key' })
  purpose: string;

  @ApiProperty({ enum: CONSENT_ACTIONS, example: 'granted' })
  @IsIn(CONSENT_ACTIONS)
  action: ConsentAction;

  @ApiProperty({ example: '2026-11', description: 'The notice version the subject was shown' })
  @IsString()
  @Length(1, 50)
  noticeVersion: string;

  @ApiPropertyOptional({ example: 'en', description: 'Needed when that version was published in several languages' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'noticeLanguage must be a BCP 47 tag such as en' })
  noticeLanguage?: string;

  @ApiProperty({ example: '2026-11-23T10:15:00Z', description: 'When it happened in the IAM API (not in the future)' })
  @IsDateString({ strict: true })
  occurredAt: string;

  @ApiProperty({ enum: COLLECTION_METHODS, example: 'settings_page' })
  @IsIn(COLLECTION_METHODS)
  method: CollectionMethod;

  @ApiProperty({ example: 'iam-api', description: 'The system that captured it' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, { message: 'sourceSystem must be 1-100 letters, digits or . _ : / -' })
  sourceSystem: string;

  @ApiPropertyOptional({ type: ConsentProofDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentProofDto)
  proof?: ConsentProofDto;

  @ApiPropertyOptional({
    example: 'COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA',
    maxLength: MAX_SIGNAL_LENGTH,
    description:
      'The IAB TCF v2.x TC string the consent banner (CMP) produced for this choice, as evidence. Decoded with @iabtcf/core (a string that does not decode is a 400 naming this field), stored sealed like the rest of the proof, covered by the hash chain, shown decoded on the receipt, removed by pseudonymisation.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SIGNAL_LENGTH)
  tcString?: string;

  @ApiPropertyOptional({
    example: 'DBABLA~BVVVkkkkkpFY.YA',
    maxLength: MAX_SIGNAL_LENGTH,
    description:
      'The IAB Global Privacy Platform string the CMP produced, as evidence; may come with tcString (a CMP running both APIs). Decoded with @iabgpp/cmpapi. When a US section says Gpc = 1, the Global Privacy Control rules apply as for `Sec-GPC: 1`: covered purposes get `withdrawn` events (method gpc_signal) in the same transaction, reported in `gpc`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SIGNAL_LENGTH)
  gppString?: string;
}

export class ConsentBatchDto {
  @ApiProperty({ type: [ConsentEventDto], maxItems: MAX_BATCH, description: `1 to ${MAX_BATCH} events, all or nothing` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH, { message: `events may hold at most ${MAX_BATCH} items` })
  @ValidateNested({ each: true })
  @Type(() => ConsentEventDto)
  events: ConsentEventDto[];
}

export class RecordedConsentDto {
  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) id: string;
  @ApiProperty({ example: 'usr_01HF3Z6Q8K', nullable: true, type: String, description: 'null once pseudonymised' }) subjectId: string | null;
  @ApiProperty({ example: 'marketing-email' }) purpose: string;
  @ApiProperty({ enum: CONSENT_ACTIONS }) action: ConsentAction;
  @ApiProperty({ example: '2026-11' }) noticeVersion: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) occurredAt: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.120Z' }) recordedAt: string;
  @ApiProperty({ example: 3, description: 'Position in the subject’s chain' }) seq: number;
  @ApiProperty({ example: '5d41402abc4b2a76b9719d911017c592…' }) hash: string;
  @ApiProperty({ example: '/v1/consent-events/0f8fad5b-d9cb-469f-a165-70867728950e/receipt' }) receipt: string;
}

/** What a GPP string's Gpc = 1 did (the rules of POST /v1/subjects/{subjectId}/consents/gpc). */
export class SignalGpcOutcomeDto {
  @ApiProperty({ example: ['sale-of-data'], description: 'Purposes opted out now, each a `withdrawn` event with method `gpc_signal`' })
  optedOut: string[];
  @ApiProperty({ example: ['sale-of-data'], description: 'Of those, the ones that overrode an earlier opt-in (11 CCR §7025(c)(3))' })
  overrodeOptIn: string[];
  @ApiProperty({ example: [], description: 'Covered purposes already opted out: nothing new recorded' })
  alreadyOptedOut: string[];
  @ApiProperty({ example: [], description: 'Covered purposes consented to again after an earlier signal’s opt-out: left as chosen' })
  reconsented: string[];
  @ApiProperty({ example: [], description: 'Covered purposes with no notice in force yet' })
  withoutNotice: string[];
  @ApiProperty({ type: [RecordedConsentDto], description: 'The withdrawals recorded, right after the event in the subject’s chain' })
  events: RecordedConsentDto[];
}

export class SubjectGpcOutcomeDto extends SignalGpcOutcomeDto {
  @ApiProperty({ example: 'usr_01HF3Z6Q8K' }) subjectId: string;
}

/** The answer to one recorded event. */
export class RecordedEventDto extends RecordedConsentDto {
  @ApiPropertyOptional({ type: SignalGpcOutcomeDto, description: 'Only when the event’s gppString said Gpc = 1: what the Global Privacy Control rules recorded' })
  gpc?: SignalGpcOutcomeDto;
}

export class RecordedBatchDto {
  @ApiProperty({ type: [RecordedConsentDto] }) items: RecordedConsentDto[];
  @ApiPropertyOptional({ type: [SubjectGpcOutcomeDto], description: 'Only when some event’s gppString said Gpc = 1: per subject, what the Global Privacy Control rules recorded after the batch’s events' })
  gpc?: SubjectGpcOutcomeDto[];
}

export class ConsentStateDto {
  @ApiProperty({ example: 'marketing-email' }) purpose: string;
  @ApiProperty({ enum: ['granted', 'withdrawn', 'none', 'erased'], description: 'erased: the subject’s events were pseudonymised by an erasure; no grant is live (since = when)' })
  state: ConsentAction | 'none' | 'erased';
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:15:00.000Z' }) since: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11' }) noticeVersion: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-12', description: 'The version in force now' }) currentNoticeVersion: string | null;
  @ApiProperty({ example: false, description: 'Granted under an older notice than the one in force' }) reconsentNeeded: boolean;
}

export class SubjectConsentsDto {
  @ApiProperty({ example: 'usr_01HF3Z6Q8K' }) subjectId: string;
  @ApiProperty({ type: [ConsentStateDto] }) purposes: ConsentStateDto[];
}

export class ConsentHistoryItemDto extends RecordedConsentDto {
  @ApiProperty({ enum: COLLECTION_METHODS }) method: CollectionMethod;
  @ApiProperty() sourceSystem: string;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.0/24' }) ipNetwork: string | null;
  @ApiProperty({ nullable: true, type: String }) jurisdiction: string | null;
  @ApiProperty({ nullable: true, type: String }) locale: string | null;
  @ApiProperty({ example: false, description: 'The event carries a TC or GPP string as evidence (decoded on its receipt)' }) signalEvidence: boolean;
  @ApiProperty({ example: false }) pseudonymised: boolean;
}

export class ConsentHistoryPageDto extends PageMetaDto {
  @ApiProperty({ type: [ConsentHistoryItemDto] }) items: ConsentHistoryItemDto[];
}

export class ConsentChainVerificationDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ example: 12 }) checked: number;
  @ApiProperty({ nullable: true, type: Number, example: null }) firstBrokenSeq: number | null;
}

export class ConsentHistoryQueryDto extends PageQueryDto {}

export class ConsentReportQueryDto {
  @ApiPropertyOptional({ example: 'marketing-email' })
  @IsOptional()
  @Matches(PURPOSE_KEY, { message: 'purpose must be a purpose key' })
  purpose?: string;

  @ApiProperty({ example: '2026-11-01', description: 'First day (UTC), inclusive' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day (UTC), inclusive; at most 366 days after from' })
  @IsCalendarDate()
  to: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ConsentReportRowDto {
  @ApiProperty({ example: '2026-11-23' }) date: string;
  @ApiProperty({ example: 'marketing-email' }) purpose: string;
  @ApiProperty({ example: 120 }) granted: number;
  @ApiProperty({ example: 7 }) withdrawn: number;
}

export class ConsentReportDto {
  @ApiProperty({ example: '2026-11-01' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) to: string;
  @ApiProperty({ type: [ConsentReportRowDto] }) rows: ConsentReportRowDto[];
}

export class PseudonymisedDto {
  @ApiProperty({ example: 12, description: 'Events whose subject id was replaced by its keyed hash' }) events: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) subjectRef: string;
}
