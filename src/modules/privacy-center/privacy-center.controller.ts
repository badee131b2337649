import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/roles.js';
import { PrivacyCenterDto } from './privacy-center.dto.js';
import { PrivacyCenterService } from './privacy-center.service.js';

@ApiTags('privacy center')
@Controller('v1/public/privacy-center')
export class PrivacyCenterController {
  constructor(private readonly center: PrivacyCenterService) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'What the privacy center shows before a request: the controller, languages, each jurisdiction’s clock for a request made today, what can be corrected or objected to (public)' })
  @ApiOkResponse({ type: PrivacyCenterDto })
  describe(): Promise<PrivacyCenterDto> {
    return this.center.describe();
  }
}
