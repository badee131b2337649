import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Public, Roles } from '../../common/auth/roles.js';
import { GpcResultDto, GpcSignalDto } from './gpc.dto.js';
import { GpcService } from './gpc.service.js';
import { SubjectIdPipe } from './subject-id.pipe.js';

/** The date Lethe's handling of the signal last changed, as `/.well-known/gpc.json` states it. */
const GPC_SUPPORT_UPDATED = '2026-12-01';

export class GpcSupportDto {
  @ApiProperty({ example: true, description: 'This site honours Global Privacy Control signals' }) gpc: boolean;
  @ApiProperty({ example: GPC_SUPPORT_UPDATED, description: 'When that support last changed (a date)' }) lastUpdate: string;
}

@ApiTags('consent')
@Controller()
export class GpcController {
  constructor(private readonly gpc: GpcService) {}

  @Post('v1/subjects/:subjectId/consents/gpc')
  @Roles('iam')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Honour a Global Privacy Control signal the IAM API saw: opt the subject out of every purpose covered by opt-out signals',
    description:
      'Forward the browser’s `Sec-GPC` header as it came, with every signed-in request (or at least every sign-in). With `Sec-GPC: 1` each covered purpose not already opted out gets a `withdrawn` event, method `gpc_signal`, recorded now, even over an earlier opt-in (11 CCR §7025(c)(3)); a consent given again after that opt-out stands. Without the signal nothing is recorded. Repeating it records nothing new (two racing at once may both record the same opt-out).',
  })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiHeader({ name: 'Sec-GPC', required: false, example: '1', description: 'The browser’s header, forwarded as it came; only `1` is the signal' })
  @ApiOkResponse({ type: GpcResultDto })
  honour(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Headers('sec-gpc') header: string | undefined,
    @Body() dto: GpcSignalDto,
    @CurrentCaller() caller: Caller,
  ): Promise<GpcResultDto> {
    return this.gpc.honour(subjectId, header, dto, caller);
  }

  @Get('.well-known/gpc.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: 'Global Privacy Control support resource (GPC specification, “.well-known/gpc.json”)' })
  @ApiOkResponse({ type: GpcSupportDto })
  support(): GpcSupportDto {
    return { gpc: true, lastUpdate: GPC_SUPPORT_UPDATED };
  }
}
