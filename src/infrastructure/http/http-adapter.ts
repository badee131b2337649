import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jsonDepthExceeds } from '../../common/errors/input.pipe.js';
import { frameworkRefusal } from '../../common/errors/problem.filter.js';
import { PROBLEM_CONTENT_TYPE } from '../../common/errors/problem.js';
import { runWithRequestId } from '../../common/logging/request-context.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { answerClientError } from './client-error.js';
import { REFUSAL_HEADERS } from './security-headers.js';

export type { NestFastifyApplication as LetheHttpApp } from '@nestjs/platform-fastify';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** application/json and its +json kinds (application/merge-patch+json…), parameters allowed. */
const JSON_TYPES = /^application\/(?:[a-z0-9.!#$&^_-]+\+)?json(?:\s*;.*)?$/i;

/** A body the JSON parser refuses: `status` and body-parser's `type`, which the ProblemFilter words. */
export class BodyError extends Error {
  readonly statusCode: number;

  constructor(
    readonly status: number,
    readonly type: 'entity.parse.failed' | 'entity.too.deep' | 'charset.unsupported' | 'encoding.unsupported',
  ) {
    super(type);
    this.statusCode = status;
  }
}

/**
 * Each request's correlation id: a sane incoming X-Request-Id is kept, anything else replaced by a
 * random UUID. Fastify calls it before anything else, so a body the parser refuses has it too.
 */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The HTTP server: Fastify under Nest (its router and reply cost a fraction of Express's per request).
 * `trustProxy` (LETHE_TRUST_PROXY): whose X-Forwarded-For sets `request.ip`, which the rate limits,
 * the sign-in failure counter and consent evidence use; none unless configured.
 */
export function createHttpAdapter(http: Pick<LetheConfig['http'], 'bodyLimitBytes' | 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: http.bodyLimitBytes,
    ...(http.trustProxy === undefined ? {} : { trustProxy: http.trustProxy }),
    genReqId: requestId,
    requestIdHeader: false,
    logger: false,
    // No limit of its own on a path parameter (the default, 100, answers 414): Node's 16 KiB for the
    // request line and headers bounds it, and validation names a parameter too long to be an id.
    // Trailing slashes and case ignored, as Express did: /V1/Purposes/ is /v1/purposes (parameters keep their case).
    routerOptions: { maxParamLength: 16 * 1024, ignoreTrailingSlash: true, caseSensitive: false },
    // Node's own defaults, which Fastify replaces with none (a body sent a byte at a time would hold
    // its socket for ever) and 72 s.
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
    clientErrorHandler: answerClientError,
    // A path that does not decode, or a parameter over the length above (before routing, so before Nest).
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const problem = frameworkRefusal(error, request.id);
      void reply.status(problem.status).headers(REFUSAL_HEADERS).header('X-Request-Id', request.id).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
    },
  });
}

/**
 * JSON as body-parser read it: objects and arrays only, UTF-8 only (a byte-order mark skipped), not
 * compressed, no deeper than MAX_JSON_DEPTH; an empty body is `{}`.
 */
export function parseJsonBody(contentType: string, body: Buffer, contentEncoding?: string): unknown {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new BodyError(415, 'charset.unsupported');
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') throw new BodyError(415, 'encoding.unsupported');
  const utf8 = body.toString('utf8');
  const text = utf8.charCodeAt(0) === 0xfeff ? utf8.slice(1) : utf8;
  // JSON's own whitespace only (not \s, which takes a no-break space too).
  const first = /[^ \t\n\r]/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw new BodyError(400, 'entity.parse.failed');
  if (jsonDepthExceeds(body)) throw new BodyError(400, 'entity.too.deep');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'entity.parse.failed');
  }
}

/**
 * What every request goes through before Nest's guards: the JSON parser (other content types are
 * left unread, for a route that reads its own, such as the HTML forms), the X-Request-Id echo, and
 * the request's async context (every log line carries its id). Call before `app.init()`.
 */
export function configureHttp(app: NestFastifyApplication, bodyLimitBytes: number): FastifyInstance {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (request, body, done) => {
    try {
      const encoding = request.headers['content-encoding'];
      done(null, parseJsonBody(request.headers['content-type'] ?? '', body as unknown as Buffer, typeof encoding === 'string' ? encoding : undefined));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Any other type: not read here. A JSON route then sees no body and names the missing fields.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.decorateRequest('caller', undefined);
  fastify.decorateRequest('consoleSession', undefined);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  // Guards, pipes and the handler run inside it; the body parser's stream callbacks, before it, would lose it.
  fastify.addHook('preHandler', (request, _reply, done) => runWithRequestId(request.id, done));
  return fastify;
}
