import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DUE_SOON_HOURS, MetricsService } from '../ops/metrics.service.js';
import { RequestsRepository } from './requests.repository.js';

/** Hands /metrics the requests' clock counts (lethe_requests_overdue, lethe_requests_due_soon_unassigned), read from dsr_request here. */
@Injectable()
export class RequestMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly repository: RequestsRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.provide('requests', () => {
      const now = this.clock.now();
      return this.repository.clockCounts(now, new Date(now.getTime() + DUE_SOON_HOURS * 3_600_000));
    });
  }
}
