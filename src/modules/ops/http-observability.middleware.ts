import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { runWithRequestId } from '../../common/logging/request-context.js';
import type { RequestWithId } from '../../infrastructure/http/request-id.js';
import { MetricsService } from './metrics.service.js';

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** Times every request by route template and writes one access-log line: method, route, status, ms. */
@Injectable()
export class HttpObservabilityMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Http');

  constructor(private readonly metrics: MetricsService) {}

  use(req: RequestWithId, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path !== undefined ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      this.metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const line = { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), requestId: req.requestId };
      if (QUIET_ROUTES.has(route)) this.logger.debug(line, 'request');
      else this.logger.log(line, 'request');
    });
    // The one async context of the request (after the body parser, whose stream callbacks would lose it).
    runWithRequestId(req.requestId ?? 'unknown', next);
  }
}
