import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { createRateStore, RateStore } from '../../infrastructure/http/rate-limit.js';
import { MetricsService } from '../ops/metrics.service.js';

/** Why a console sign-in was refused: the only label of lethe_console_sign_in_failures_total, a fixed set. */
export const SIGN_IN_FAILURE_REASONS = [
  'invalid_key',
  'no_console_role',
  'no_login_state',
  'state_mismatch',
  'provider_error',
  'provider_unavailable',
  'token_error',
  'bad_subject',
  'no_role',
  'error',
  'rate_limited',
] as const;
export type SignInFailureReason = (typeof SIGN_IN_FAILURE_REASONS)[number];

const WINDOW_MS = 15 * 60_000;

/**
 * Failed console sign-ins per client address (a keyed hash, never the address), shared by the
 * API-key sign-in and the identity provider's callback: LETHE_SIGN_IN_FAILURES_PER_15_MINUTES
 * failures, then refused until the window ends. Every refusal is also counted by reason in
 * Prometheus; the ones that say nothing (a callback without its login cookie, a rate-limited try)
 * are counted only there, so a flood of them writes nothing to the audit trail.
 */
@Injectable()
export class SignInLimiter implements OnApplicationShutdown {
  /** Made at first use, so the worker process opens no Redis connection for it. */
  private store: RateStore | undefined;
  private readonly refusals: Counter<'reason'>;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly keyring: Keyring,
    metrics: MetricsService,
  ) {
    this.refusals = new Counter({
      name: 'lethe_console_sign_in_failures_total',
      help: 'Refused console sign-ins by reason (no_login_state and rate_limited are not in the audit trail)',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    for (const reason of SIGN_IN_FAILURE_REASONS) this.refusals.inc({ reason }, 0);
  }

  /** Seconds until this address may try again; 0 when it may now. */
  async retryAfter(address: string | undefined): Promise<number> {
    const seen = await this.rates.peek(this.key(address));
    return seen.count >= this.config.sessions.signInFailuresPer15Minutes ? Math.max(1, seen.resetSeconds) : 0;
  }

  /** A failure that counts against the address (a wrong key, a failed callback). */
  async failed(address: string | undefined, reason: SignInFailureReason): Promise<void> {
    this.refusals.inc({ reason });
    await this.rates.hit(this.key(address), WINDOW_MS);
  }

  /** A refusal that does not count against the address (a valid key without a console role, a try while limited). */
  refused(reason: SignInFailureReason): void {
    this.refusals.inc({ reason });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close();
  }

  private get rates(): RateStore {
    return (this.store ??= createRateStore(this.config));
  }

  private key(address: string | undefined): string {
    return `sign-in:${this.keyring.keyedHash('rate-sign-in', address ?? 'unknown')}`;
  }
}
