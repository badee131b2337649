import { Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service.js';

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** Times every request by route template, counts the 429s, and writes one access-log line: method, route, status, ms. */
@Injectable()
export class HttpObservability {
  private readonly logger = new Logger('Http');

  constructor(private readonly metrics: MetricsService) {}

  /** Hooks it into the server (before the routes are added). */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const seconds = reply.elapsedTime / 1000;
      // The template (/v1/requests/:id), never the path: ids stay out of labels and logs.
      const route = request.routeOptions.url ?? 'unmatched';
      const status = reply.statusCode;
      this.metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, seconds);
      // Every limiter answers 429 (intake, verification codes, sign-in, DRP agents): counted here, whichever refused.
      if (status === 429) this.metrics.rateLimited.inc({ method: request.method, route });
      const line = { method: request.method, route, status, ms: Math.round(seconds * 1000), requestId: request.id };
      if (QUIET_ROUTES.has(route)) this.logger.debug(line, 'request');
      else this.logger.log(line, 'request');
      done();
    });
  }
}
