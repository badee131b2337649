import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { DeadlinePreviewDto, DeadlinePreviewQueryDto } from './deadline.dto.js';
import { DeadlinesService } from './deadlines.service.js';

@ApiTags('deadlines')
@Controller('v1/deadlines')
export class DeadlinesController {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Get('preview')
  @Roles('counsel')
  @ApiOperation({ summary: 'What the legal clock computes for given facts, and the rules it applied' })
  @ApiOkResponse({ type: DeadlinePreviewDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  preview(@Query() query: DeadlinePreviewQueryDto) {
    return this.deadlines.preview(query);
  }
}
