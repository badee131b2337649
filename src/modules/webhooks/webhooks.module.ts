import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { OpsModule } from '../ops/ops.module.js';
import { WebhookMetrics } from './webhook.metrics.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ imports: [ConsentModule, OpsModule], controllers: [WebhooksController], providers: [WebhooksService, WebhooksRepository, WebhookMetrics] })
export class WebhooksModule {}
