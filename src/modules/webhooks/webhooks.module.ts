import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ imports: [ConsentModule], controllers: [WebhooksController], providers: [WebhooksService, WebhooksRepository] })
export class WebhooksModule {}
