import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';

export class SubjectSessionDto {
  @ApiProperty({ example: 'usr_01HF3Z6Q8K', description: 'The subject id the identity provider proved' }) subjectId: string;
  @ApiProperty({ nullable: true, type: String, example: 'jane@example.org' }) email: string | null;
  @ApiProperty({ example: '2026-12-02T10:45:00.000Z', description: 'When the session ends (30 minutes after signing in)' }) endsAt: string;
}

export class NoticeViewDto {
  @ApiProperty({ example: '2026-11' }) version: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ nullable: true, type: String, example: 'We email you our news and offers about once a month.' }) text: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) url: string | null;
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) effectiveFrom: string;
}

export class MyConsentDto {
  @ApiProperty({ example: 'marketing-email' }) purpose: string;
  @ApiProperty({ example: 'Marketing emails' }) title: string;
  @ApiProperty({ example: 'News and offers by email' }) description: string;
  @ApiProperty({ enum: ['granted', 'withdrawn', 'none', 'erased'] }) state: 'granted' | 'withdrawn' | 'none' | 'erased';
  @ApiProperty({ nullable: true, type: String, example: '2026-11-23T10:15:00.000Z', description: 'When the current state was given' }) since: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11', description: 'The notice version it was given under' }) noticeVersion: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'settings_page', description: 'How it was collected (gpc_signal: the browser’s Global Privacy Control)' }) method: string | null;
  @ApiProperty({ nullable: true, type: NoticeViewDto, description: 'The notice in force now, in the reader’s language where published in it' }) notice: NoticeViewDto | null;
  @ApiProperty({ example: false, description: 'Covered by opt-out preference signals (Global Privacy Control)' }) optOutSignal: boolean;
  @ApiProperty({ example: true, description: 'A receipt exists for the current state' }) receipt: boolean;
}

export class MyConsentListDto {
  @ApiProperty({ type: [MyConsentDto] }) items: MyConsentDto[];
  @ApiProperty({ nullable: true, type: String, example: null }) nextCursor: null;
}

export class SetConsentDto {
  @ApiProperty({ example: false, description: 'true gives consent, false withdraws it' })
  @IsBoolean()
  granted: boolean;

  @ApiPropertyOptional({ example: 'de', description: 'The page’s language: the notice recorded is the one shown in it' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a BCP 47 tag such as de' })
  locale?: string;
}

export class MyGpcDto {
  @ApiProperty({ example: true, description: 'The browser sent Sec-GPC: 1 with this request' }) signal: boolean;
  @ApiProperty({ type: [String], example: ['sale-of-data'], description: 'Purposes opted out now' }) optedOut: string[];
  @ApiProperty({ type: [String], example: ['sale-of-data'], description: 'Of those, where an earlier opt-in gave way to the signal' }) overrodeOptIn: string[];
  @ApiProperty({ type: [String], example: [], description: 'Already opted out: nothing new recorded' }) alreadyOptedOut: string[];
  @ApiProperty({ type: [String], example: [], description: 'Consent given again after the signal’s opt-out: it stands' }) reconsented: string[];
}
