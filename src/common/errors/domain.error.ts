/**
 * Errors a service throws on purpose. Each carries a stable machine-readable `code` (the problem
 * `type` is derived from it) and a detail that is safe to show: no personal data, ever.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'DomainError';
  }
}

/** Input that passed the DTO's checks but not the service's rules: 400 naming each field, like the ValidationPipe. */
export class ValidationFailed extends DomainError {
  constructor(errors: ReadonlyArray<{ path: string; message: string }>) {
    super(400, 'validation_failed', 'Bad Request', 'The request is not valid', { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(404, 'not_found', 'Not found', `${what} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(409, code, 'Conflict', detail, extensions);
  }
}
