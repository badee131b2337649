import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { currentRequestId } from '../logging/request-context.js';
import { isDatabaseUnavailable } from '../../infrastructure/database/errors.js';
import { describeError } from './describe-error.js';
import { DomainError } from './domain.error.js';
import { MAX_JSON_DEPTH } from './input.pipe.js';
import { FieldError, PROBLEM_CONTENT_TYPE, ProblemDto } from './problem.js';

interface BodyParserError {
  status: number;
  type: string;
  expose?: boolean;
}

/**
 * Turns every error into RFC 9457 problem+json. Only messages we wrote reach the client: a
 * 5xx carries a correlation id and nothing else, and paths are never echoed (they may hold ids
 * a requester typed).
 */
/** Seconds a client is asked to wait when the database refuses connections. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ProblemFilterHooks {
  /** Called once per request answered 503 because the database refused or dropped the connection. */
  databaseUnavailable?: () => void;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly hooks: ProblemFilterHooks = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(exception, request);
    if (problem.type === DATABASE_UNAVAILABLE) {
      this.logger.warn({ err: describeError(exception), requestId: currentRequestId() }, 'database unavailable');
      this.hooks.databaseUnavailable?.();
      if (!response.headersSent) response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (problem.status >= 500) {
      this.logger.error({ err: describeError(exception), requestId: currentRequestId() }, 'unhandled error');
    }
    // A domain error that says when to come back (a rate limit) says it in the standard header too.
    if (exception instanceof DomainError && typeof exception.extensions.retryAfterSeconds === 'number' && !response.headersSent) {
      response.setHeader('Retry-After', String(exception.extensions.retryAfterSeconds));
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  /** body-parser failures: Express's adapter wraps them in an HttpException, or they arrive raw. */
  private bodyProblem(error: BodyParserError, instance: string): ProblemDto {
    const status = error.status;
    return { type: `urn:lethe:problem:${codeFor(status)}`, title: STATUS_CODES[status] ?? 'Error', status, detail: bodyProblemDetail(error), instance };
  }

  private toProblem(exception: unknown, request: Request): ProblemDto {
    // The id the first middleware gave the request: also there when the body parser failed, before its async context began.
    const instance = `urn:lethe:request:${(request as Request & { requestId?: string }).requestId ?? currentRequestId() ?? 'unknown'}`;
    if (exception instanceof DomainError) {
      return {
        type: `urn:lethe:problem:${exception.code}`,
        title: exception.title,
        status: exception.status,
        detail: exception.detail,
        instance,
        ...exception.extensions,
      };
    }
    if (exception instanceof HttpException && isBodyParserError(exception.cause)) {
      return this.bodyProblem(exception.cause, instance);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const errors = typeof body === 'object' && body !== null ? (body as { errors?: FieldError[] }).errors : undefined;
      return {
        type: `urn:lethe:problem:${errors ? 'validation_failed' : codeFor(status)}`,
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail: detailFor(exception, status, request),
        instance,
        ...(errors ? { errors } : {}),
      };
    }
    if (isBodyParserError(exception)) return this.bodyProblem(exception, instance);
    if (isDatabaseUnavailable(exception)) {
      return {
        type: DATABASE_UNAVAILABLE,
        title: 'Service Unavailable',
        status: 503,
        detail: `The database is not accepting connections right now. Try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
        instance,
      };
    }
    return {
      type: 'urn:lethe:problem:internal_error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the instance when you report it.',
      instance,
    };
  }
}

const DATABASE_UNAVAILABLE = 'urn:lethe:problem:database_unavailable';

function bodyProblemDetail(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.too.large':
      return 'The request body is larger than the limit';
    case 'entity.parse.failed':
      return 'The request body is not valid JSON';
    case 'entity.too.deep':
      return `The request body nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'The request body encoding is not supported';
    default:
      return 'The request body could not be read';
  }
}

function detailFor(exception: HttpException, status: number, request: Request): string {
  if (status === HttpStatus.NOT_FOUND && exception.message.startsWith('Cannot ')) {
    return `No route matches ${request.method} on this path`;
  }
  if (status >= 500) return 'Something went wrong on our side. Quote the instance when you report it.';
  return exception.message;
}

function codeFor(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');
}

function isBodyParserError(value: unknown): value is BodyParserError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<BodyParserError>;
  return typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500 && typeof candidate.type === 'string';
}
