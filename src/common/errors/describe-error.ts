/** What we log about an error: its kind and code, not driver details that may quote row values. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const { code, severity, routine } = error as { code?: unknown; severity?: unknown; routine?: unknown };
    // Postgres messages can quote the offending value (an email, say): keep only the SQLSTATE.
    if (typeof severity === 'string') return { name: error.name, code, routine };
    return { name: error.name, code, message: error.message.slice(0, 500), stack: error.stack };
  }
  return { name: typeof error };
}
