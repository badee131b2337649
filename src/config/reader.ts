export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads one environment variable at a time, trimmed; a bad value adds a problem naming the variable
 * (never its value when it could be a secret) and falls back, so every problem is reported at once.
 */
export class Reader {
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

  /** Comma-separated values, each one of `allowed`; empty string for none. */
  list(name: string, allowed: readonly string[], fallback: string[]): string[] {
    const value = this.env[name];
    if (value === undefined) return fallback;
    const items = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    const bad = items.filter((v) => !allowed.includes(v));
    if (bad.length > 0) this.problems.push(`${name} may only list ${allowed.join(', ')} (got "${bad.join(', ')}")`);
    return items;
  }

  /** A YAML or JSON file (or inline JSON) and its loader: every problem names the variable, then the entry and key. */
  structured<T>(name: string, load: (value: string | undefined) => T[]): T[] {
    try {
      return load(this.raw(name));
    } catch (error) {
      const problems = (error as { problems?: unknown }).problems;
      if (Array.isArray(problems)) this.problems.push(...problems.map((p) => `${name}: ${String(p)}`));
      else this.problems.push(`${name}: cannot read ${this.raw(name)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return [];
    }
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  /** `id:base64,id:base64` — ids are short names, keys are 32 bytes. Values are never echoed. */
  keyList(name: string): Array<{ id: string; key: Buffer }> | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const keys = value.split(',').map((part) => {
      const [id, encoded] = part.trim().split(':');
      return { id: id ?? '', key: Buffer.from(encoded ?? '', 'base64') };
    });
    const bad = keys.findIndex((k) => !/^[A-Za-z0-9_-]{1,16}$/.test(k.id) || k.key.length !== 32);
    if (bad !== -1 || new Set(keys.map((k) => k.id)).size !== keys.length) {
      this.problems.push(`${name} must be a comma-separated list of distinct id:base64 pairs, each key 32 bytes (entry ${bad + 1} is not)`);
      return undefined;
    }
    return keys;
  }

  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters`);
    }
    return value;
  }

  /** A secret sent as `Authorization: Bearer <secret>`: 32–200 visible ASCII characters, no spaces. */
  bearerSecret(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !/^[\x21-\x7E]{32,200}$/.test(value)) {
      this.problems.push(`${name} must be 32 to 200 visible ASCII characters without spaces (e.g. \`openssl rand -hex 32\`), so it can be sent as a bearer token`);
    } else if (value?.startsWith('drp_')) {
      this.problems.push(`${name} must not start with drp_: that prefix is for the Data Rights Protocol's agent tokens`);
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
