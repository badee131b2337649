import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { Redis } from 'ioredis';
import { type AuthenticatedRequest, type Caller, hasRole } from '../../common/auth/roles.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';

/*
 * Why not @nestjs/throttler: checked on 2026-12-02 with 6.7.1 (the latest; it declares Nest 12). It
 * is CommonJS and `require`s @nestjs/common, which Nest 12 ships as ES modules only, so it does not
 * load under Jest on Node 20 ("Must use import to load ES Module"); its Redis store
 * (@nest-lab/throttler-storage-redis 1.2.0) declares Nest ≤ 11. Nor does its guard cover what the
 * limits here need: a per-address and a per-email window on one route, a count read without a hit
 * (the sign-in limiter's `peek`), and the no-JavaScript form answering with a page, not a 429. Check
 * again when it ships ES modules.
 */
export interface RateStore {
  /** Counts one hit in the window `key` lives in and returns the count and the seconds left. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetSeconds: number }>;
  /** The count so far in the window `key` lives in, without counting a hit (0 when no window is open). */
  peek(key: string): Promise<{ count: number; resetSeconds: number }>;
  close(): Promise<void>;
}

/** One process: counts in memory. */
export class MemoryRateStore implements RateStore {
  private readonly windows = new Map<string, { count: number; until: number }>();

  async hit(key: string, windowMs: number) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.until <= now) {
      if (this.windows.size > 100_000) for (const [k, v] of this.windows) if (v.until <= now) this.windows.delete(k);
      w = { count: 0, until: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, resetSeconds: Math.ceil((w.until - now) / 1000) };
  }

  async peek(key: string) {
    const now = Date.now();
    const w = this.windows.get(key);
    return !w || w.until <= now ? { count: 0, resetSeconds: 0 } : { count: w.count, resetSeconds: Math.ceil((w.until - now) / 1000) };
  }

  async close(): Promise<void> {}
}

/** Every API replica: counts in Redis (INCR with the window as expiry). */
export class RedisRateStore implements RateStore {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
  }

  async hit(key: string, windowMs: number) {
    const k = `${this.prefix}:rate:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
    if (ttl < 0) await this.redis.pexpire(k, windowMs);
    return { count, resetSeconds: Math.ceil((ttl < 0 ? windowMs : ttl) / 1000) };
  }

  async peek(key: string) {
    const k = `${this.prefix}:rate:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [[null, string | null], [null, number]];
    return { count: Number(count ?? 0), resetSeconds: Math.max(0, Math.ceil(ttl / 1000)) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

/** Counts in Redis when REDIS_URL is set (every replica shares the counts), else in this process. */
export function createRateStore(config: LetheConfig): RateStore {
  return config.queue.redisUrl ? new RedisRateStore(config.queue.redisUrl, config.queue.prefix) : new MemoryRateStore();
}

/**
 * The intake limit is for anonymous callers. A caller with an API key (counsel recording requests
 * that came by post, the IAM forwarding its users' requests) is known and audited, and is not
 * counted: forty postal requests typed in by one counsel are not forty strangers from one address.
 * The global AuthGuard runs first and has set `caller` when a valid key was sent.
 */
export function countsAgainstIntakeLimit(caller: Caller | undefined): boolean {
  // Counsel recording requests, and the IAM filing for its signed-in users, are not anonymous intake;
  // any other key (an auditor's, an admin's) files as the public does and is limited like it.
  return !(hasRole(caller, 'counsel') || hasRole(caller, 'iam'));
}

/**
 * Limits anonymous request intake per IP address (per minute) and per email address (per hour,
 * keyed by a keyed hash so no address is kept). Over the limit: 429 with Retry-After.
 */
@Injectable()
export class IntakeRateLimit implements CanActivate, OnApplicationShutdown {
  private readonly store: RateStore;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly keyring: Keyring,
  ) {
    this.store = createRateStore(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const email = (request.body as { email?: unknown } | undefined)?.email;
    const retryAfter = await this.check(request.ip, request.caller, typeof email === 'string' ? email : undefined);
    if (retryAfter !== null) {
      context.switchToHttp().getResponse<Response>().header('Retry-After', String(retryAfter));
      throw new HttpException(`Too many requests: try again in ${retryAfter} seconds`, 429);
    }
    return true;
  }

  /**
   * An authorized agent's call (DRP): counted per agent, and per email when it files a request, by
   * the same email limit as the public form's. Over a limit, the seconds to wait (else null).
   */
  async checkAgent(agentId: string, email: string | undefined): Promise<number | null> {
    const limits: [string, number, number][] = [[`drp-agent:${agentId}`, 60_000, this.config.drp.ratePerAgentPerMinute]];
    if (email !== undefined) limits.push([`email:${this.keyring.keyedHash('rate-email', email.trim().toLowerCase())}`, 3_600_000, this.config.requests.ratePerEmailPerHour]);
    return this.exceeded(limits);
  }

  private async exceeded(limits: [string, number, number][]): Promise<number | null> {
    for (const [key, windowMs, limit] of limits) {
      const { count, resetSeconds } = await this.store.hit(key, windowMs);
      if (count > limit) return resetSeconds;
    }
    return null;
  }

  /** Counts one intake; over a limit, the seconds to wait (else null). For forms that answer with a page. */
  async check(ip: string | undefined, caller: Caller | undefined, email: string | undefined): Promise<number | null> {
    if (!countsAgainstIntakeLimit(caller)) return null;
    const limits: [string, number, number][] = [[`ip:${ip ?? 'unknown'}`, 60_000, this.config.requests.ratePerIpPerMinute]];
    if (email !== undefined) limits.push([`email:${this.keyring.keyedHash('rate-email', email.trim().toLowerCase())}`, 3_600_000, this.config.requests.ratePerEmailPerHour]);
    return this.exceeded(limits);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
