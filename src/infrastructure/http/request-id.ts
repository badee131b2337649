import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface RequestWithId extends Request {
  requestId?: string;
}

/**
 * First middleware of all: gives each request a correlation id (a sane incoming X-Request-Id is
 * kept) and echoes it. The request runs inside it (every log line carries it) from the
 * observability middleware on, after the body parser, whose stream callbacks would lose it.
 */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  req.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
