import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../ops/metrics.service.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Hands /metrics the count of dead webhook deliveries (lethe_webhook_dead_letters), read from webhook_delivery here. */
@Injectable()
export class WebhookMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly repository: WebhooksRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.provide('deadLetters', () => this.repository.deadLetterCount());
  }
}
