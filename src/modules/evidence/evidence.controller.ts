import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDateString } from 'class-validator';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ValidationFailed } from '../../common/errors/domain.error.js';
import { EvidenceService } from './evidence.service.js';

export class EvidenceQueryDto {
  @ApiProperty({ example: '2026-01-01T00:00:00Z' }) @IsDateString({ strict: true }) from: string;
  @ApiProperty({ example: '2026-07-01T00:00:00Z' }) @IsDateString({ strict: true }) to: string;
}

@ApiTags('evidence')
@Controller('v1/evidence-pack')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({ summary: 'A zip of evidence for a period, with a manifest of SHA-256 hashes (the download is audited)' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The zip' })
  async pack(@Query() query: EvidenceQueryDto, @CurrentCaller() caller: Caller): Promise<StreamableFile> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to.getTime() <= from.getTime()) throw new ValidationFailed([{ path: 'to', message: 'to must be after from' }]);
    const { zip, filename } = await this.evidence.pack(from, to, caller);
    return new StreamableFile(zip, { type: 'application/zip', disposition: `attachment; filename="${filename}"` });
  }
}
