import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../../infrastructure/database/errors.js';
import { describeError } from './describe-error.js';
import { DomainError } from './domain.error.js';
import { MAX_JSON_DEPTH } from './input.pipe.js';
import { FieldError, PROBLEM_CONTENT_TYPE, ProblemDto } from './problem.js';

interface BodyParserError {
  status: number;
  type: string;
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
    const response = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const sent = () => response.sent || response.raw.headersSent;
    const problem = this.toProblem(exception, request);
    if (problem.type === DATABASE_UNAVAILABLE) {
      this.logger.warn({ err: describeError(exception), requestId: request.id }, 'database unavailable');
      this.hooks.databaseUnavailable?.();
      if (!sent()) void response.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (problem.status >= 500) {
      this.logger.error({ err: describeError(exception), requestId: request.id }, 'unhandled error');
    }
    // A domain error that says when to come back (a rate limit) says it in the standard header too.
    if (exception instanceof DomainError && typeof exception.extensions.retryAfterSeconds === 'number' && !sent()) {
      void response.header('Retry-After', String(exception.extensions.retryAfterSeconds));
    }
    if (sent()) {
      response.raw.destroy();
      return;
    }
    void response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDto {
    // The request's id: also there when the body parser failed, before its async context began.
    const instance = `urn:lethe:request:${request.id}`;
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
    // Nest hands Fastify's refusals to the filters wrapped, with the original as the cause.
    const refused = bodyError(exception) ?? (exception instanceof HttpException ? bodyError(exception.cause) : undefined);
    if (refused) return refusalProblem(refused, instance);
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

/** A body the parser refused (http-adapter's BodyError), or a request Fastify refused (too large, a bad Content-Length, a bad path). */
function refusalProblem(error: BodyParserError, instance: string): ProblemDto {
  const status = error.status;
  return { type: `urn:lethe:problem:${codeFor(status)}`, title: STATUS_CODES[status] ?? 'Error', status, detail: bodyProblemDetail(error), instance };
}

/**
 * The problem for a request refused before routing (a path that does not decode), which Fastify's
 * `frameworkErrors` answers rather than the filters.
 */
export function frameworkRefusal(error: unknown, requestId: string): ProblemDto {
  return refusalProblem(bodyError(error) ?? { status: 400, type: 'url.invalid' }, `urn:lethe:request:${requestId}`);
}

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
    case 'request.size.invalid':
      return 'The Content-Length header does not match the body';
    case 'url.invalid':
      return 'The request path is not a valid URL path';
    case 'url.too.long':
      return 'A part of the request path is too long';
    default:
      return 'The request body could not be read';
  }
}

function detailFor(exception: HttpException, status: number, request: FastifyRequest): string {
  if (status === HttpStatus.NOT_FOUND && exception.message.startsWith('Cannot ')) {
    return `No route matches ${request.method} on this path`;
  }
  if (status >= 500) return 'Something went wrong on our side. Quote the instance when you report it.';
  return exception.message;
}

function codeFor(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');
}

/** Fastify's own refusals of a request, by code, in body-parser's words. */
const FASTIFY_REFUSALS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'entity.too.large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.size.invalid',
  FST_ERR_BAD_URL: 'url.invalid',
  FST_ERR_MAX_PARAM_LENGTH: 'url.too.long',
};

/** A body (or request) refused before any handler: by the JSON parser (BodyError) or by Fastify. */
function bodyError(value: unknown): BodyParserError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<BodyParserError> & { code?: unknown; statusCode?: unknown };
  if (typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500 && typeof candidate.type === 'string') {
    return { status: candidate.status, type: candidate.type };
  }
  if (typeof candidate.code === 'string' && candidate.code in FASTIFY_REFUSALS && typeof candidate.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    return { status: candidate.statusCode, type: FASTIFY_REFUSALS[candidate.code]! };
  }
  return undefined;
}
