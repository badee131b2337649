import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.js';

/** The Data Rights Protocol's operations (tag `drp`): errors in DRP's own shape, authenticated by the agent's pair-wise token. */
export const DRP_TAG = 'drp';
export const DRP_TOKEN_SCHEME = 'drpToken';
const DRP_ERROR_REF = { $ref: '#/components/schemas/DrpErrorDto' };

/** The header a data subject proves a request with; declared once, as a security scheme. */
export const REQUEST_TOKEN_HEADER = 'X-Request-Token';
export const REQUEST_TOKEN_SCHEME = 'requestToken';

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDto' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Parameter {
  in: string;
  name: string;
}
interface Response {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}
interface Operation {
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: unknown;
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
}

/**
 * What every operation can answer besides its own outcomes, derived from its shape so a new route
 * cannot forget them: 400 and 431 for any request, 401/403 behind a key, 404 for a path id (and 409 for
 * an action on it), 413 for a body,
 * 500 and 503 everywhere. Errors are `application/problem+json`. Also declares the request token
 * once (a security scheme) instead of a header parameter on each route.
 */
export function completeResponses(document: OpenAPIObject): void {
  const schemes = (document.components ??= {}).securitySchemes ??= {};
  schemes[REQUEST_TOKEN_SCHEME] = {
    type: 'apiKey',
    in: 'header',
    name: REQUEST_TOKEN_HEADER,
    description: 'The statusToken returned when the request was made (routes a data subject uses)',
  };
  schemes[DRP_TOKEN_SCHEME] = {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'opaque',
    description: 'A Data Rights Protocol agent’s pair-wise token, from POST /v1/agent/{agent-id} (DRP routes only)',
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) completeOperation(operation, method);
    }
  }
}

function completeOperation(operation: Operation, method: string): void {
  const parameters = operation.parameters ?? [];
  const tokenParameters = parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() === REQUEST_TOKEN_HEADER.toLowerCase());
  // `@Headers('authorization')` reads an optional bearer: that is the apiKey scheme, not a parameter.
  const authorization = parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'authorization');
  operation.parameters = parameters.filter((p) => !tokenParameters.includes(p) && !(p.in === 'header' && p.name.toLowerCase() === 'authorization'));
  if (operation.parameters.length === 0) delete operation.parameters;
  const drp = operation.tags?.includes(DRP_TAG) ?? false;
  if (tokenParameters.length > 0) operation.security = [{ [REQUEST_TOKEN_SCHEME]: [] }];
  if (authorization && drp) operation.security = [{ [DRP_TOKEN_SCHEME]: [] }];
  if (authorization && (operation.security ?? []).length === 0) operation.security = [{}, { apiKey: [] }];

  const responses = operation.responses;
  const add = (status: number, description: string, headers?: Record<string, unknown>) => {
    const existing = responses[String(status)];
    if (existing) {
      if (!existing.description) existing.description = description;
      return;
    }
    responses[String(status)] = { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } }, ...(headers ? { headers } : {}) };
  };
  // Any request can be malformed (a body where none is read is still parsed), so 400 is everywhere.
  add(400, 'The request is not valid: `errors[]` names each field');
  if ((operation.security ?? []).some((requirement) => 'apiKey' in requirement)) {
    add(401, 'No API key or console session, or an unknown, revoked or expired one');
  }
  if (parameters.some((p) => p.in === 'path')) {
    add(404, 'Not found');
    // An action on an object that exists can meet it in a state that does not allow it (a closed request, say).
    if (method !== 'get') add(409, 'The object is in a state that does not allow this now; `detail` says why');
  }
  if (operation.requestBody) {
    add(413, 'The request body is larger than the limit (LETHE_BODY_LIMIT)');
    add(415, 'The body is not JSON in UTF-8');
  }
  add(431, 'The request line or headers exceed 16 KiB (Node.js header limit)');
  add(500, 'Something went wrong on our side; `instance` identifies the occurrence');
  add(503, 'The database is unavailable or at its connection limit; try again after Retry-After', {
    'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
  });
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 400) continue;
    if (!drp) {
      // Every error is problem+json, including those declared on the route (whose @ApiProduces may list other types).
      response.content = { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
    } else if (status !== '431' && response.content !== undefined) {
      // DRP's { code, message }; a 400, 404, 413 or 415 may also come before the route is reached (an
      // undecodable path, an unmatched one, a JSON body), as problem+json like every other route's. Node's own 431
      // stays problem+json; a response the route declares without content (a refused pair-wise setup)
      // has no body at all.
      response.content = { 'application/json': { schema: DRP_ERROR_REF } };
      if (['400', '404', '413', '415'].includes(status)) response.content[PROBLEM_CONTENT_TYPE] = { schema: PROBLEM_REF };
    }
  }
}
