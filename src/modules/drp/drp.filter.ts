import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../../common/errors/describe-error.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../common/errors/problem.filter.js';
import { isDatabaseUnavailable } from '../../infrastructure/database/errors.js';
import { DrpError } from './drp.errors.js';
import type { DrpRefusal } from './drp.rules.js';

/**
 * DRP's routes answer errors in the protocol's shape (§3.06), `application/json`
 * `{ code: "<status>", message, fatal? }`, not problem+json; a failed pair-wise key setup has no
 * body at all (§2.05.1). Only messages Lethe wrote reach the agent; a 5xx carries the request id.
 */
@Catch()
export class DrpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Drp');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (reply.sent) return;
    const { status, message, fatal, silent, retryAfter } = this.refusal(exception, request.id);
    void reply.status(status).header('Cache-Control', 'no-store');
    if (status === 503) void reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    if (silent) return void reply.send();
    void reply.type('application/json; charset=utf-8').send(JSON.stringify({ code: String(status), message, ...(fatal === undefined ? {} : { fatal }) }));
  }

  private refusal(exception: unknown, requestId: string): DrpRefusal {
    if (exception instanceof DrpError) return exception.refusal;
    if (exception instanceof DomainError) return { status: exception.status, message: exception.detail ?? exception.title };
    if (exception instanceof HttpException) return { status: exception.getStatus(), message: exception.message };
    if (isDatabaseUnavailable(exception)) return { status: 503, message: 'The service is briefly unavailable: try again shortly', fatal: false };
    this.logger.error({ err: describeError(exception), requestId }, 'DRP request failed');
    return { status: 500, message: `Internal error (request id ${requestId})`, fatal: false };
  }
}
