import { LoggerService } from '@nestjs/common';
import { pino, Logger as Pino } from 'pino';
import { currentRequestId } from './request-context.js';

/**
 * Paths pino blanks out wherever they appear. Lethe logs ids, never people: these are a
 * safety net for the day someone logs an object they should not have.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-request-token"]',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'email',
  '*.email',
  '*.*.email',
  'name',
  'requester.name',
  'subject.name',
  'firstName',
  'lastName',
  '*.firstName',
  '*.lastName',
  'phone',
  '*.phone',
  'ipAddress',
  '*.ipAddress',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'otp',
  '*.otp',
];

export function createPino(level: string, destination?: NodeJS.WritableStream): Pino {
  return pino(
    {
      level,
      base: { service: 'lethe' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as never,
  );
}

/** Routes Nest's own logging through pino, so every line is JSON with the request id. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    // Nest passes the context (class name) last; structured objects may come first or second.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const extra = rest.find((item) => typeof item === 'object' && item !== null) as Record<string, unknown> | undefined;
    if (typeof message === 'object' && message !== null) {
      const msg = typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
      this.pino[level]({ context, ...(message as Record<string, unknown>) }, msg);
      return;
    }
    this.pino[level]({ context, ...extra }, String(message));
  }
}
