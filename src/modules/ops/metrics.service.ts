import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describeError } from '../../common/errors/describe-error.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { QUEUE_NAMES } from '../../infrastructure/queue/jobs.js';

/** Why the API refused a caller (lethe_api_auth_failures_total's only label, a fixed set). */
export const API_AUTH_FAILURES = ['invalid_key', 'missing_credentials', 'session_cookie_repeated', 'csrf_failed', 'missing_role'] as const;
export type ApiAuthFailure = (typeof API_AUTH_FAILURES)[number];

/** The chains verified on a schedule (chain.check.ts). */
export const CHAINS = ['audit', 'consent'] as const;
export type ChainName = (typeof CHAINS)[number];

/**
 * Gauges read from the database at scrape time. Each is the count its owning module reads from its
 * own tables (one cheap, indexed statement), handed in with `provide`: ops reads no other module's
 * tables, and a module that is not loaded leaves its gauge without a sample.
 */
export interface DatabaseReadings {
  /** requests: clocks running and past due; running, due within 48 h, assigned to nobody. */
  requests: () => Promise<{ overdue: number; dueSoonUnassigned: number }>;
  /** workflows: steps that used up their tries and wait for counsel to retry or waive them. */
  failedSteps: () => Promise<number>;
  /** webhooks: deliveries that used up their tries (dead letters) and were not redriven. */
  deadLetters: () => Promise<number>;
  /** ops: the last scheduled verification of each chain. */
  chains: () => Promise<{ chain: ChainName; ok: boolean; lastRunAt: Date }[]>;
}

/** Hours ahead `lethe_requests_due_soon_unassigned` looks. */
export const DUE_SOON_HOURS = 48;

/**
 * Prometheus metrics. Labels are route templates, methods, statuses, queue names and reasons from
 * fixed sets: never ids or people. Counters count what happened in this process (sum them across
 * processes); the database gauges say the same in every process (take the max).
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly databaseUnavailable: Counter;
  /** 429 answers by route template: a rate limit refused someone. */
  readonly rateLimited: Counter<'method' | 'route'>;
  readonly apiAuthFailures: Counter<'reason'>;
  /** Pending jobs the reconciler found missing from the queue and put back. */
  readonly jobsLost: Counter<'queue'>;
  /** LETHE_CHAIN_CHECK_INTERVAL_MINUTES in seconds, so the stale-check alert follows the setting. */
  readonly chainCheckInterval: Gauge;
  private readonly readings: Partial<DatabaseReadings> = {};

  constructor(jobs: JobsService) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'lethe_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.databaseUnavailable = new Counter({
      name: 'lethe_database_unavailable_total',
      help: 'API requests answered 503 because the database refused or dropped the connection (e.g. 53300 too many clients)',
      registers: [this.registry],
    });
    this.rateLimited = new Counter({
      name: 'lethe_http_rate_limited_total',
      help: 'Answers 429 Too Many Requests by route template (a rate limit refused the caller)',
      labelNames: ['method', 'route'],
      registers: [this.registry],
    });
    this.apiAuthFailures = new Counter({
      name: 'lethe_api_auth_failures_total',
      help: 'API calls refused by the auth guard, by reason: invalid_key (unknown, revoked or expired), missing_credentials, session_cookie_repeated, csrf_failed, missing_role',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    for (const reason of API_AUTH_FAILURES) this.apiAuthFailures.inc({ reason }, 0);
    this.jobsLost = new Counter({
      name: 'lethe_jobs_lost_total',
      help: 'Pending jobs (scheduled_job rows) the reconciler found missing from the queue and enqueued again, by queue',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    for (const queue of QUEUE_NAMES) this.jobsLost.inc({ queue }, 0);
    this.chainCheckInterval = new Gauge({
      name: 'lethe_chain_check_interval_seconds',
      help: 'How often the scheduled chain check runs (LETHE_CHAIN_CHECK_INTERVAL_MINUTES), in seconds',
      registers: [this.registry],
    });
    jobs.onLostJobs((queue, count) => this.jobsLost.inc({ queue }, count));
    new Gauge({
      name: 'lethe_jobs',
      help: 'Jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const counts = await jobs.counts().catch(() => ({}) as Record<string, Record<string, number>>);
        this.reset();
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, value] of Object.entries(states)) this.set({ queue, state }, value);
        }
      },
    });
    this.databaseGauges();
  }

  /** The owning module hands in how to read one of the database gauges (from its onModuleInit). */
  provide<K extends keyof DatabaseReadings>(source: K, read: DatabaseReadings[K]): void {
    this.readings[source] = read;
  }

  private databaseGauges(): void {
    const read = async <K extends keyof DatabaseReadings>(source: K): Promise<Awaited<ReturnType<DatabaseReadings[K]>> | undefined> => {
      const reader = this.readings[source];
      if (!reader) return undefined;
      try {
        return (await reader()) as Awaited<ReturnType<DatabaseReadings[K]>>;
      } catch (error) {
        // No sample rather than a failed scrape: the other metrics still arrive, and `absent()` can alert.
        this.logger.warn({ err: describeError(error), source }, 'metrics: database reading failed');
        return undefined;
      }
    };
    const single = (name: string, help: string, value: () => Promise<number | undefined>) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const n = await value();
          this.reset();
          if (n !== undefined) this.set(n);
        },
      });
    // The two request counts come from one statement, read once per scrape by whichever gauge collects first.
    let requests: Promise<{ overdue: number; dueSoonUnassigned: number } | undefined> | undefined;
    const requestCounts = () => (requests ??= read('requests').finally(() => setImmediate(() => (requests = undefined))));
    single('lethe_requests_overdue', 'Open requests whose legal clock is running and past due (extensions included)', async () => (await requestCounts())?.overdue);
    single(
      'lethe_requests_due_soon_unassigned',
      `Open requests with a running clock, due within ${DUE_SOON_HOURS} hours (not yet overdue), assigned to nobody`,
      async () => (await requestCounts())?.dueSoonUnassigned,
    );
    single('lethe_workflow_steps_failed', 'Workflow steps that used up their tries and wait for counsel to retry or waive them', () => read('failedSteps'));
    single('lethe_webhook_dead_letters', 'Webhook deliveries that used up their tries (dead letters) and were not redriven', () => read('deadLetters'));
    let chains: Promise<{ chain: ChainName; ok: boolean; lastRunAt: Date }[] | undefined> | undefined;
    const chainRows = () => (chains ??= read('chains').finally(() => setImmediate(() => (chains = undefined))));
    new Gauge({
      name: 'lethe_chain_verification_ok',
      help: 'Whether the last scheduled verification of the chain found it intact (1) or broken (0); no sample before the first run',
      labelNames: ['chain'],
      registers: [this.registry],
      async collect() {
        const rows = await chainRows();
        this.reset();
        for (const row of rows ?? []) this.set({ chain: row.chain }, row.ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'lethe_chain_verification_last_run_timestamp_seconds',
      help: 'When the chain was last verified by the scheduled check (Unix time)',
      labelNames: ['chain'],
      registers: [this.registry],
      async collect() {
        const rows = await chainRows();
        this.reset();
        for (const row of rows ?? []) this.set({ chain: row.chain }, Math.floor(row.lastRunAt.getTime() / 1000));
      },
    });
  }
}
