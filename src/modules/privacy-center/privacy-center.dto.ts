import { ApiProperty } from '@nestjs/swagger';
import { type Locale, LOCALES } from '../../common/i18n/locales.js';
import { JURISDICTIONS, type Jurisdiction } from '../deadlines/deadline.rules.js';
import { RectifiableFieldDto } from '../requests/request.dto.js';

export class PrivacyControllerDto {
  @ApiProperty({ example: 'Example Controller Ltd' }) name: string;
  @ApiProperty({ example: 'privacy@example.com' }) contact: string;
  @ApiProperty({ nullable: true, type: String, example: 'https://www.example.com/privacy' }) privacyNoticeUrl: string | null;
}

export class JurisdictionClockDto {
  @ApiProperty({ enum: JURISDICTIONS, example: 'UK' }) jurisdiction: Jurisdiction;
  @ApiProperty({ example: 'Europe/London' }) timeZone: string;
  @ApiProperty({ example: '2027-01-02', description: 'The day an answer is due for a request made today, identity confirmed at once' }) dueOn: string;
  @ApiProperty({ nullable: true, type: String, example: '2027-03-02', description: 'The latest day, should the law’s extension be needed (the requester is told why)' })
  extendedDueOn: string | null;
}

export class ObjectablePurposeDto {
  @ApiProperty({ example: 'marketing-email', description: 'What to send in purposes[]' }) key: string;
  @ApiProperty({ example: 'Marketing emails' }) title: string;
  @ApiProperty({ example: 'News and offers by email' }) description: string;
}

export class PrivacyCenterDto {
  @ApiProperty({ type: PrivacyControllerDto }) controller: PrivacyControllerDto;
  @ApiProperty({ nullable: true, type: String, example: 'https://www.example.com/logo.svg' }) logoUrl: string | null;
  @ApiProperty({ enum: LOCALES, isArray: true, example: ['en', 'de', 'fr'] }) languages: Locale[];
  @ApiProperty({ enum: JURISDICTIONS, example: 'EU', description: 'Used when the requester names none' }) defaultJurisdiction: Jurisdiction;
  @ApiProperty({ type: [JurisdictionClockDto] }) clocks: JurisdictionClockDto[];
  @ApiProperty({ type: [RectifiableFieldDto], description: 'What a rectification may correct' }) rectifiableFields: RectifiableFieldDto[];
  @ApiProperty({ type: [ObjectablePurposeDto], description: 'What an objection may name (Art 21)' }) objectablePurposes: ObjectablePurposeDto[];
  @ApiProperty({ example: true, description: 'Data subjects can sign in with their account (LETHE_SUBJECT_OIDC_ISSUER)' }) signIn: boolean;
}
