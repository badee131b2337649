import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';

/** Prometheus metrics. Labels are route templates, statuses, queue names and states: never ids or people. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly databaseUnavailable: Counter;

  constructor(jobs: JobsService) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'lethe_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.databaseUnavailable = new Counter({
      name: 'lethe_database_unavailable_total',
      help: 'API requests answered 503 because the database refused or dropped the connection (e.g. 53300 too many clients)',
      registers: [this.registry],
    });
    new Gauge({
      name: 'lethe_jobs',
      help: 'Jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const counts = await jobs.counts().catch(() => ({}) as Record<string, Record<string, number>>);
        this.reset();
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
        }
      },
    });
  }
}
