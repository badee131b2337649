import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';

import { SUBJECT_ID_STATUSES, type SubjectIdStatus } from './request.identity.js';
import { SUBJECT_ID } from '../consent/consent.dto.js';
import { JURISDICTIONS, type Jurisdiction } from '../deadlines/deadline.rules.js';

import { CHANNELS, type Channel, REFUSAL_GROUNDS, type RefusalGround, REQUEST_TYPES, type RequestType } from './request.types.js';
import { REQUEST_STATUSES, type RequestStatus } from './request.state.js';
import { COUNSEL_ACTIONS, type CounselAction } from './request.actions.js';
import { RecipientNoticeDto, StepViewDto } from '../workflows/workflow.dto.js';
import { IsCalendarDate } from '../../common/errors/calendar-date.js';

import { FieldChangeDto } from './request.dto.js';

export const VERIFICATION_METHODS = ['id_document_seen', 'existing_account', 'knowledge_based', 'in_person', 'other'] as const;

export class ManualVerificationDto {
  @ApiProperty({ enum: VERIFICATION_METHODS, example: 'existing_account', description: 'How identity was checked; no ID documents are stored' })
  @IsIn(VERIFICATION_METHODS)
  method: (typeof VERIFICATION_METHODS)[number];

  @ApiProperty({ example: 'Matched the account’s recovery email', maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  note: string;
}

export class AssignDto {
  @ApiProperty({ example: 'counsel@example.com', description: 'Who gets this request’s reminders' })
  @IsEmail({}, { message: 'assigneeEmail must be an email address' })
  @MaxLength(254)
  assigneeEmail: string;
}

export class ExtendDto {
  @ApiProperty({ example: 'The request covers twelve years of records across four systems.', description: 'Sent to the requester (Art 12(3))' })
  @IsString()
  @Length(10, 2000)
  reason: string;
}

export class RefuseDto {
  @ApiProperty({ enum: REFUSAL_GROUNDS, example: 'manifestly_unfounded' })
  @IsIn(REFUSAL_GROUNDS)
  ground: RefusalGround;

  @ApiProperty({ example: 'The request repeats one answered in full last month.', description: 'Sent to the requester (Art 12(4))' })
  @IsString()
  @Length(10, 5000)
  explanation: string;
}

export class ClarificationDto {
  @ApiProperty({ example: 'Which of your two accounts do you mean?', description: 'Sent to the requester; the clock pauses' })
  @IsString()
  @Length(5, 5000)
  message: string;
}

export class CompleteDto {
  @ApiProperty({
    description: 'What was provided to the requester and how; it is sent to them in the completion email (and kept, encrypted, as a note on the request)',
    example: 'We sent you a copy of your order history and account details by post on 3 March, to the address you gave us.',
    minLength: 10,
    maxLength: 4000,
  })
  @IsString()
  @Length(10, 4000)
  outcome: string;
}

export class NoteDto {
  @ApiProperty({ example: 'Called the requester; they will send the account number.' })
  @IsString()
  @Length(1, 5000)
  body: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The filters of counsel's list and of its counts. */
export class RequestFilterDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ enum: REQUEST_TYPES })
  @IsOptional()
  @IsIn(REQUEST_TYPES)
  type?: RequestType;

  @ApiPropertyOptional({ enum: JURISDICTIONS })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ example: 'counsel@example.com', description: 'Assigned to this email (prefer assigneeRef in links: no email in a URL)' })
  @IsOptional()
  @IsEmail({}, { message: 'assignee must be an email address' })
  assignee?: string;

  @ApiPropertyOptional({ example: '9f2c…', description: 'Assigned to this person: a `ref` from GET /v1/requests/assignees' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'assigneeRef must be a ref from GET /v1/requests/assignees' })
  assigneeRef?: string;

  @ApiPropertyOptional({ description: 'Only requests assigned to the signed-in person (a console session with an email address; 400 otherwise)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({ description: 'true: only open requests; false: only closed ones' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Due on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'Only open requests past their due date whose clock is running (not paused)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;
}

export class RequestListQueryDto extends IntersectionType(PageQueryDto, RequestFilterDto) {}

export class RequestSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type: RequestType;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ example: 'Europe/London', description: 'The jurisdiction’s time zone: its calendar dates are dates there' }) timeZone: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ example: '2026-12-23', description: 'The due date in force (extended or not), a date in the jurisdiction' }) dueOn: string;
  @ApiProperty({ description: 'The last instant of dueOn in the jurisdiction' }) dueAt: string;
  @ApiProperty() extended: boolean;
  @ApiProperty({ description: 'Open, clock running, and past its due date' }) overdue: boolean;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 12,
    description: 'Calendar days from today in the jurisdiction to dueOn: 0 on the day, negative when overdue; null when the clock is paused or the request is closed',
  })
  daysLeft: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 8, description: 'Working days (weekends and the jurisdiction’s public holidays excluded) left, as daysLeft' })
  workingDaysLeft: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-25', description: 'The clock is paused since this date (jurisdiction); null when it runs' })
  pausedSince: string | null;
  @ApiProperty({ nullable: true, enum: ['clarification', 'identity'], description: 'Why the clock is paused' }) pauseReason: 'clarification' | 'identity' | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-07', description: 'Receipt must be confirmed by this date (CCPA); null where no such rule' })
  acknowledgeBy: string | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'Receipt was confirmed (Lethe mails the requester on intake when it has an email address); null where no acknowledgement is required',
  })
  acknowledged: boolean | null;
  @ApiProperty({ nullable: true, type: String }) assigneeEmail: string | null;
}

export class RequestCountsDto {
  @ApiProperty({ example: 42 }) open: number;
  @ApiProperty({ example: 3, description: 'Open, clock running, past due' }) overdue: number;
  @ApiProperty({ example: 7, description: 'Clock running, due today or within the next 7 days (in each request’s jurisdiction)' }) dueThisWeek: number;
  @ApiProperty({ example: 2, description: 'Clock paused (clarification, or identity where the law pauses for it)' }) paused: number;
  @ApiProperty({ example: 1, description: 'Open, receipt not yet confirmed where the law asks for it (CCPA)' }) acknowledgementDue: number;
}

export class AssigneeDto {
  @ApiProperty({ example: '9f2c4e…', description: 'Pass as assigneeRef: an opaque reference, not the email' }) ref: string;
  @ApiProperty({ example: 'counsel@example.com' }) email: string;
}

export class AssigneeListDto extends PageMetaDto {
  @ApiProperty({ type: [AssigneeDto] }) items: AssigneeDto[];
}

export class RequestPageDto extends PageMetaDto {
  @ApiProperty({ type: [RequestSummaryDto] }) items: RequestSummaryDto[];
  @ApiProperty({ example: { awaiting_verification: 3, in_progress: 5 }, description: 'Open and closed requests per status (all filters but status)' })
  counts: Record<string, number>;
}

export class SubjectIdStandingDto {
  @ApiProperty({
    enum: SUBJECT_ID_STATUSES,
    description: 'unproven: the subject id is only what was typed; the workflows do not use it (the verified email only) until counsel confirms it',
  })
  status: SubjectIdStatus;
  @ApiProperty({ nullable: true, type: String, example: 'counsel:existing_account', description: 'iam_token, or counsel:<method>' }) proof: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmedAt: string | null;
}

export class ConfirmSubjectIdDto {
  @ApiProperty({ enum: VERIFICATION_METHODS, example: 'existing_account', description: 'How counsel checked that the subject id is the requester’s' })
  @IsIn(VERIFICATION_METHODS)
  method: (typeof VERIFICATION_METHODS)[number];

  @ApiProperty({ example: 'The letter came from the account’s registered address', maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  note: string;

  @ApiPropertyOptional({
    example: 'usr_01HF3Z6Q8K',
    description:
      'For a request that names no subject id (an authorized agent’s, one made by email alone): the account id at your IAM platform that counsel found by the verified email. Linking it makes it proven, like a confirmation; the workflows then act on it too (an objection reaches the consent ledger). For a request that names one, only that same id is taken.',
  })
  @IsOptional()
  @IsString()
  @Matches(SUBJECT_ID, { message: 'subjectId must be 1-200 printable ASCII characters without spaces' })
  subjectId?: string;
}

export class PauseDto {
  @ApiProperty({ example: '2026-11-25', description: 'The day the controller asked' }) from: string;
  @ApiProperty({ example: '2026-11-28', description: 'The day the answer arrived' }) to: string;
  @ApiProperty({ enum: ['identity', 'clarification'] }) reason: string;
}

export class RequestEventDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'verified' }) kind: string;
  @ApiProperty({ example: 'system' }) actor: string;
  @ApiProperty({ description: 'Shown to the requester on their status page' }) public: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ids and facts, no personal data' }) details: Record<string, unknown>;
}

export class RequestNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: '4b0f7a9e-…', description: 'The audit actor who wrote it' }) author: string;
  @ApiProperty({ example: 'Called the requester; they will send the account number.' }) body: string;
}

export class RequestDetailDto extends RequestSummaryDto {
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'As given; see subjectIdStanding before relying on it' }) subjectId: string | null;
  @ApiProperty({ type: SubjectIdStandingDto }) subjectIdStanding: SubjectIdStandingDto;
  @ApiProperty({ nullable: true, type: String }) details: string | null;
  @ApiProperty({ type: [FieldChangeDto], nullable: true }) changes: FieldChangeDto[] | null;
  @ApiProperty({ type: [String] }) purposes: string[];
  @ApiProperty({ example: '2026-11-23' }) clockStartedOn: string;
  @ApiProperty({ type: () => [PauseDto], description: 'Closed pauses of the clock (identity, clarification)' }) pauses: PauseDto[];
  @ApiProperty({ nullable: true, type: String, example: '2026-11-30', description: 'An open pause: the day the controller asked' }) pauseStartedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) extendedDueOn: string | null;
  @ApiProperty({ nullable: true, type: String }) extensionNoticeBy: string | null;
  @ApiProperty({ nullable: true, type: String }) verificationMethod: string | null;
  @ApiProperty({ nullable: true, type: String }) verifiedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) refusalGround: string | null;
  @ApiProperty({ example: '2026-11-23', description: 'Today in the request’s jurisdiction: days left count from here' }) today: string;
  @ApiProperty({ example: false, description: 'Five wrong codes: locked until counsel unlocks it' }) verificationLocked: boolean;
  @ApiProperty({
    enum: COUNSEL_ACTIONS,
    isArray: true,
    example: ['assign', 'extend', 'ask_clarification', 'refuse', 'add_note'],
    description: 'What counsel may do now, from the state machine and the request’s facts (steps, extension, subject id)',
  })
  allowedActions: CounselAction[];
  @ApiProperty({ type: () => [RequestEventDto] }) timeline: RequestEventDto[];
  @ApiProperty({ type: () => [RequestNoteDto] }) notes: RequestNoteDto[];
  @ApiProperty({ type: () => [StepViewDto], description: 'The workflow: each step per data store, with its status and last error' }) steps: StepViewDto[];
  @ApiProperty({ type: () => [RecipientNoticeDto], description: 'Art 19 notices; failed and no_contact ones were not reached and are for counsel to tell another way' })
  recipients: RecipientNoticeDto[];
}

export class TimelineItemDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'The requester', description: 'Who did it, in words: the requester, Lethe, an API key or a console user' }) actor: string;
  @ApiProperty({ example: 'request.extended', description: 'The audit trail’s action' }) action: string;
  @ApiProperty({ example: 'Deadline extended from 2026-12-23 to 2027-02-23', description: 'What happened, in words (no personal data)' }) summary: string;
}

export class TimelinePageDto extends PageMetaDto {
  @ApiProperty({ type: [TimelineItemDto] }) items: TimelineItemDto[];
}

export class TimelineQueryDto extends PageQueryDto {}
