import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runWithRequestId } from '../../common/logging/request-context.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

export interface RequestWithId extends Request {
  requestId?: string;
}

/**
 * First middleware of all: gives each request a correlation id (a sane incoming X-Request-Id is
 * kept), echoes it, and runs the rest of the request inside it so every log line carries it.
 */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  req.requestId = id;
  res.setHeader('X-Request-Id', id);
  runWithRequestId(id, next);
}
