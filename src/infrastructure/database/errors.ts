/** SQLSTATE 23505, optionally on one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * The database refused or lost the connection, rather than the query being wrong: too many
 * clients (53300) and other resource limits (class 53), starting up or shutting down (57P01-57P03),
 * connection exceptions (class 08), the network, or the pool's wait running out. Worth a retry.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; driverError?: unknown; cause?: unknown; message?: unknown } | undefined, hops = 0; e && hops < 4; hops++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^(53|08)[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03'].includes(code) || UNAVAILABLE_NETWORK_CODES.has(code)) return true;
    if (typeof e.message === 'string' && /^(timeout exceeded when trying to connect|Connection terminated)/.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}
