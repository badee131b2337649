import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import { CreatedWebhookDto, CreateWebhookDto, DeliveryDto, DeliveryPageDto, WebhookListQueryDto, WebhookPageDto } from './webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { uuid } from '../../common/errors/uuid.pipe.js';

@ApiTags('webhooks')
@Controller('v1/webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to consent change events; the signing secret is in this response only' })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  create(@Body() dto: CreateWebhookDto, @CurrentCaller() caller: Caller) {
    return this.webhooks.create(dto, caller);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook subscriptions' })
  @ApiOkResponse({ type: WebhookPageDto })
  list(@Query() query: WebhookListQueryDto) {
    return this.webhooks.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop a subscription; pending deliveries to it are cancelled' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  disable(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.webhooks.disable(id, caller);
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'Deliveries that failed every retry' })
  @ApiOkResponse({ type: DeliveryPageDto })
  deadLetters(@Query() query: WebhookListQueryDto) {
    return this.webhooks.deadLetters(query);
  }

  @Post('deliveries/:id/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try a dead delivery again, with a fresh set of retries' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The delivery is not dead (not_dead), or its subscription has been disabled or deleted so nothing would be sent (subscription_inactive)',
  })
  redrive(@Param('id', uuid) id: string, @CurrentCaller() caller: Caller) {
    return this.webhooks.redrive(id, caller);
  }
}
