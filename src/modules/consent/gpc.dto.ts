import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ConsentProofDto, RecordedConsentDto } from './consent.dto.js';

/** What the IAM API forwards with a Global Privacy Control signal it saw (the signal itself is the Sec-GPC header). */
export class GpcSignalDto {
  @ApiProperty({ example: 'iam-api', description: 'The system that saw the signal' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, { message: 'sourceSystem must be 1-100 letters, digits or . _ : / -' })
  sourceSystem: string;

  @ApiPropertyOptional({ type: ConsentProofDto, description: 'The request that carried the signal (its locale picks the notice language where several were published)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentProofDto)
  proof?: ConsentProofDto;
}

export class GpcResultDto {
  @ApiProperty({ example: true, description: 'Whether the request carried the signal: `Sec-GPC: 1`, exactly. Without it nothing is recorded (its absence is never an opt-in).' })
  signal: boolean;
  @ApiProperty({ example: ['sale-of-data'], description: 'Purposes opted out now, each a `withdrawn` event with method `gpc_signal`' })
  optedOut: string[];
  @ApiProperty({ example: ['sale-of-data'], description: 'Of those, the ones that overrode an earlier opt-in (11 CCR §7025(c)(3)): you may tell the person and offer to consent again' })
  overrodeOptIn: string[];
  @ApiProperty({ example: [], description: 'Covered purposes the subject had already opted out of: nothing new recorded' })
  alreadyOptedOut: string[];
  @ApiProperty({ example: [], description: 'Covered purposes the person consented to again after an earlier signal’s opt-out (the re-consent offer of §7025(c)(3)): left as they chose' })
  reconsented: string[];
  @ApiProperty({ example: [], description: 'Covered purposes with no notice in force yet: nothing to record against' })
  withoutNotice: string[];
  @ApiProperty({ type: [RecordedConsentDto] })
  events: RecordedConsentDto[];
}
