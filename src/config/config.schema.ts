/**
 * The one place that reads the environment. Every variable Lethe understands is declared here,
 * parsed once at boot, and a bad value stops the process with a message that names the variable.
 * The README's configuration table mirrors this list.
 */
export interface LetheConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly database: {
    /** Unset: the embedded PGlite under dataDir. */
    readonly url: string | undefined;
    readonly poolSize: number;
    /** TCP port for the embedded PGlite socket server; 0 picks a free one. */
    readonly embeddedPort: number;
    /** Keep the embedded database under dataDir (off: in memory, for tests and demos). */
    readonly embeddedPersist: boolean;
  };
  readonly dataDir: string;
  readonly queue: {
    /** Unset: BullMQ's Postgres backend in the same database. */
    readonly redisUrl: string | undefined;
    readonly prefix: string;
    readonly workers: boolean;
    readonly concurrency: number;
    readonly reconcileIntervalSeconds: number;
  };
  readonly auth: { readonly adminApiKey: string | undefined; readonly keyCacheSeconds: number };
  readonly log: { readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  readonly shutdownGraceSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the environment; throws ConfigError listing every bad variable at once. */
export function loadConfig(env: Env): LetheConfig {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const config: LetheConfig = {
    env: read.oneOf('NODE_ENV', ['development', 'test', 'production'], 'development'),
    http: {
      host: read.string('HOST', '0.0.0.0'),
      port: read.int('PORT', 3000, 0, 65535),
      bodyLimitBytes: read.bytes('LETHE_BODY_LIMIT', '1mb'),
    },
    database: {
      url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      poolSize: read.int('LETHE_DB_POOL_SIZE', 10, 1, 200),
      embeddedPort: read.int('LETHE_EMBEDDED_PG_PORT', 0, 0, 65535),
      embeddedPersist: read.oneOf('LETHE_EMBEDDED_PERSIST', ['on', 'off'], 'on') === 'on',
    },
    dataDir: read.string('LETHE_DATA_DIR', './data'),
    queue: {
      redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
      prefix: read.pattern('LETHE_QUEUE_PREFIX', /^[a-z][a-z0-9_]{0,40}$/, 'lethe', 'lowercase letters, digits and _'),
      workers: read.oneOf('LETHE_WORKERS', ['on', 'off'], 'on') === 'on',
      concurrency: read.int('LETHE_WORKER_CONCURRENCY', 4, 1, 64),
      reconcileIntervalSeconds: read.int('LETHE_RECONCILE_INTERVAL_SECONDS', 300, 0, 86_400),
    },
    auth: {
      adminApiKey: read.secret('LETHE_ADMIN_API_KEY', 32),
      keyCacheSeconds: read.int('LETHE_API_KEY_CACHE_SECONDS', 10, 0, 3600),
    },
    log: { level: read.oneOf('LETHE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') },
    shutdownGraceSeconds: read.int('LETHE_SHUTDOWN_GRACE_SECONDS', 25, 1, 600),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  pattern(name: string, re: RegExp, fallback: string, what: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!re.test(value)) {
      this.problems.push(`${name} must be ${what} (got "${value}")`);
      return fallback;
    }
    return value;
  }

  /** URLs may carry passwords: problems never echo the value. */
  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.map((p) => p + '//').join(' or ')} URL`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters`);
    }
    return value;
  }

  bytes(name: string, fallback: string): number {
    const value = (this.raw(name) ?? fallback).toLowerCase();
    const match = /^(\d+)\s*(b|kb|mb)?$/.exec(value);
    if (!match) {
      this.problems.push(`${name} must be a size such as 512kb or 1mb (got "${value}")`);
      return 1024 * 1024;
    }
    const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? 'b') as 'b' | 'kb' | 'mb'];
    const n = Number(match[1]) * unit;
    if (n < 1024 || n > 64 * 1024 * 1024) {
      this.problems.push(`${name} must be between 1kb and 64mb (got "${value}")`);
      return 1024 * 1024;
    }
    return n;
  }
}
