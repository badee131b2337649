import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { JURISDICTIONS, type Jurisdiction } from './deadline.rules.js';
import { IsCalendarDate } from '../../common/errors/calendar-date.js';


export class DeadlinePreviewQueryDto {
  @ApiProperty({ enum: JURISDICTIONS, example: 'UK' })
  @IsIn(JURISDICTIONS)
  jurisdiction: Jurisdiction;

  @ApiProperty({ example: '2025-09-03', description: 'Day of receipt, in the jurisdiction’s time zone' })
  @IsCalendarDate()
  receivedAt: string;

  @ApiPropertyOptional({ example: false, description: 'Apply the extension the law allows' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  extended?: boolean;

  @ApiPropertyOptional({ example: '2025-09-10', description: 'Clarification asked on (pauses the clock)' })
  @IsOptional()
  @IsCalendarDate()
  pauseFrom?: string;

  @ApiPropertyOptional({ example: '2025-09-14', description: 'Clarification received on' })
  @IsOptional()
  @IsCalendarDate()
  pauseTo?: string;

  @ApiPropertyOptional({ example: '2025-09-08', description: 'Identity information asked for on (EU: start of the pause)' })
  @IsOptional()
  @IsCalendarDate()
  identityRequestedAt?: string;

  @ApiPropertyOptional({ example: '2025-09-12', description: 'Identity information received on (UK: the clock restarts)' })
  @IsOptional()
  @IsCalendarDate()
  identityReceivedAt?: string;

  @ApiPropertyOptional({ enum: ['standard', 'opt_out'], default: 'standard', description: 'US-CA: opt-out of sale or sharing has its own clock' })
  @IsOptional()
  @IsIn(['standard', 'opt_out'])
  kind?: 'standard' | 'opt_out';
}

export class DeadlinePreviewDto {
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ example: 'Europe/London' }) timeZone: string;
  @ApiProperty({ example: '2025-09-03' }) receivedOn: string;
  @ApiProperty({ example: '2025-09-03' }) clockStartedOn: string;
  @ApiProperty({ example: '2025-10-03' }) dueOn: string;
  @ApiProperty({ example: '2025-10-03T22:59:59.999Z', description: 'The last instant of dueOn in timeZone' }) dueAt: string;
  @ApiProperty({ example: '2025-12-03', nullable: true, type: String }) extendedDueOn: string | null;
  @ApiProperty({ example: '2025-12-03T23:59:59.999Z', nullable: true, type: String }) extendedDueAt: string | null;
  @ApiProperty({ example: '2025-10-03', nullable: true, type: String }) extensionNoticeBy: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) acknowledgeBy: string | null;
  @ApiProperty({ example: '2025-10-03', description: 'extendedDueOn when extended, else dueOn' }) effectiveDueOn: string;
  @ApiProperty({ example: 0 }) pausedDays: number;
  @ApiProperty({ type: [String], example: ['GDPR Art 12(3): one month …'] }) rules: string[];
}
