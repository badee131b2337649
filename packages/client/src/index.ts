/**
 * The Lethe API client. Types come from `schema.ts`, generated from `openapi/openapi.json`
 * (`npm run openapi` regenerates both), so a changed endpoint fails the caller's type check.
 *
 * ```ts
 * const lethe = createLetheClient({ baseUrl: 'https://lethe.example.com', apiKey: process.env.LETHE_IAM_KEY });
 * const consents = await ensure(lethe.GET('/v1/subjects/{subjectId}/consents', { params: { path: { subjectId } } }));
 * ```
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** A named schema of the API, e.g. `Schema<'RequestDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type LetheClient = Client<paths>;

export interface LetheClientOptions extends ClientOptions {
  /** An API key (`lth_…`), sent as `Authorization: Bearer`. Servers and scripts only: never keep one in a browser. */
  apiKey?: string;
  /** A signed-in console session: the CSRF token sent with every call that changes something. */
  csrfToken?: () => string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createLetheClient(options: LetheClientOptions = {}): LetheClient {
  const { apiKey, csrfToken, ...rest } = options;
  const client = createClient<paths>(rest);
  client.use({
    onRequest({ request }) {
      if (apiKey !== undefined) request.headers.set('Authorization', `Bearer ${apiKey}`);
      const token = csrfToken?.();
      if (token !== undefined && !SAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', token);
      return request;
    },
  });
  return client;
}

/** An RFC 9457 problem answered by Lethe (every 4xx and 5xx). */
export class LetheProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Schema<'ProblemDto'>>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'LetheProblem';
  }

  /** The stable code, e.g. `validation_failed` from `urn:lethe:problem:validation_failed`. */
  get code(): string | undefined {
    return this.problem.type?.split(':').pop();
  }

  get fieldErrors(): ReadonlyArray<Schema<'ProblemFieldErrorDto'>> {
    return this.problem.errors ?? [];
  }
}

/** The data of a call, or a thrown `LetheProblem`. */
export async function ensure<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem = typeof error === 'object' && error !== null ? (error as Partial<Schema<'ProblemDto'>>) : { detail: typeof error === 'string' ? error : undefined };
    throw new LetheProblem(response.status, problem);
  }
  return data as T;
}
