import { Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { type AuthenticatedRequest, type Caller, CurrentCaller, Public, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { DeadlineFeedService } from './deadline-feed.service.js';
import { PageQueryDto } from '../../common/pagination.js';
import { FeedDto, FeedListDto } from './deadline-feed.dto.js';
import { uuid } from '../../common/errors/uuid.pipe.js';

@ApiTags('deadlines')
@Controller('v1')
export class DeadlineFeedController {
  constructor(private readonly feeds: DeadlineFeedService) {}

  @Get('deadlines.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOperation({ summary: 'iCalendar feed of open requests’ due dates (counsel key, or ?token= from a feed URL)' })
  @ApiProduces('text/calendar')
  @ApiQuery({ name: 'token', required: false, description: 'A feed token from POST /v1/deadlines/feeds' })
  @ApiOkResponse({ description: 'One all-day event per open request, titled by type and short id' })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  calendar(@Req() request: AuthenticatedRequest, @Query('token') token?: string) {
    return this.feeds.calendar(request.caller, typeof token === 'string' ? token : undefined);
  }

  @Get('deadlines/feeds')
  @Roles('counsel')
  @ApiOperation({ summary: 'Your calendar-feed URLs (the secret itself is never shown again), newest first' })
  @ApiOkResponse({ type: FeedListDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A cursor or limit that is not valid' })
  list(@Query() query: PageQueryDto, @CurrentCaller() caller: Caller) {
    return this.feeds.listFeeds(query, caller);
  }

  @Post('deadlines/feeds')
  @Roles('counsel')
  @ApiOperation({ summary: 'A secret calendar-feed URL for your calendar app (shown once)' })
  @ApiCreatedResponse({ type: FeedDto })
  create(@CurrentCaller() caller: Caller) {
    return this.feeds.createFeed(caller);
  }

  @Delete('deadlines/feeds/:id')
  @Roles('counsel')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a feed URL' })
  @ApiNoContentResponse()
  revoke(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.feeds.revokeFeed(id, caller);
  }
}
