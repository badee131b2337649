import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { describeError } from '../../common/errors/describe-error.js';
import { runWithRequestId } from '../../common/logging/request-context.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { DatabaseEndpoint } from '../database/database.module.js';
import { JOB_NAMES, JOB_QUEUES, type JobName } from './job.catalogue.js';
import { bullJobId, JobContext, JobHandler, JobOptions, JobSpec, QUEUE_NAMES, QueueName } from './jobs.js';
import { QueueBackend } from './queue-backend.js';
import { ScheduledJobEntity } from './scheduled-job.entity.js';

interface QueuedData {
  key: string;
  version: number;
}

const ATTEMPTS = 5;
const RECONCILE_BATCH = 500;
/** The longest the queue store may take to accept one batch of jobs (or the boot's lock). */
const ENQUEUE_TIMEOUT_MS = 30_000;
/** A pending row this old whose job the queue lacks was lost (younger: its enqueue after commit may be under way). */
const LOST_AFTER_MS = 60_000;

/**
 * Durable jobs: `schedule()` records the work in Postgres inside the caller's transaction and hands
 * it to BullMQ after commit; workers run the registered handler and mark the row done; the
 * reconciler re-enqueues every pending row at boot and every LETHE_RECONCILE_INTERVAL_SECONDS.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<string, { handle: JobHandler; options: JobOptions }>();
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly afterCommit = new WeakMap<QueryRunner, ScheduledJobEntity[]>();
  private readonly backend: QueueBackend;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> | undefined;
  private stopping = false;
  private readonly lostListeners: ((queue: QueueName, count: number) => void)[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    endpoint: DatabaseEndpoint,
  ) {
    this.backend = new QueueBackend({
      redisUrl: config.queue.redisUrl,
      databaseUrl: endpoint.url,
      embedded: endpoint.embedded !== undefined,
      prefix: config.queue.prefix,
    });
    for (const name of QUEUE_NAMES) this.queues.set(name, this.backend.createQueue(name));
    dataSource.subscribers.push(this);
  }

  get backendKind(): 'redis' | 'postgres' {
    return this.backend.kind;
  }

  /** Registers the handler for one kind of job (job.catalogue.ts). Call from a module's constructor or onModuleInit. */
  define<N extends JobName>(name: N, handle: JobHandler<N>, options: JobOptions<N> = {}): void {
    this.handlers.set(name, { handle, options } as unknown as { handle: JobHandler; options: JobOptions });
  }

  /** The kinds of job in job.catalogue.ts that no module registered a handler for. */
  unhandledJobs(): JobName[] {
    return JOB_NAMES.filter((name) => !this.handlers.has(name));
  }

  /** Every kind of job has a handler, or the process does not boot: a job must never wait for nobody. */
  private assertHandled(): void {
    const missing = this.unhandledJobs();
    if (missing.length > 0) throw new Error(`no handler is registered for job(s) ${missing.join(', ')}: every job in job.catalogue.ts needs one (JobsService.define)`);
  }

  /**
   * Records (or moves) a job in the caller's transaction; it reaches the queue once that
   * transaction commits. Must be called with a transactional EntityManager.
   */
  async schedule(manager: EntityManager, spec: JobSpec): Promise<void> {
    await this.scheduleMany(manager, [spec]);
  }

  /** `schedule` for many jobs in one statement. */
  async scheduleMany(manager: EntityManager, specs: JobSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const runner = requireTransaction(manager);
    const rows = (await manager.query(
      `INSERT INTO scheduled_job (job_key, queue, name, payload, run_at, status, attempts, last_error, created_at, updated_at)
       SELECT k, q, n, p::jsonb, r, 'pending', 0, NULL, $6, $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS s(k, q, n, p, r)
       ON CONFLICT (job_key) DO UPDATE
         SET queue = EXCLUDED.queue, name = EXCLUDED.name, payload = EXCLUDED.payload, run_at = EXCLUDED.run_at,
             status = 'pending', attempts = 0, last_error = NULL, updated_at = EXCLUDED.updated_at
       RETURNING job_key AS key, queue, name, run_at AS "runAt"`,
      [
        specs.map((s) => s.key),
        specs.map((s) => JOB_QUEUES[s.name]),
        specs.map((s) => s.name),
        specs.map((s) => JSON.stringify(s.payload)),
        specs.map((s) => s.runAt),
        this.clock.now(),
      ],
    )) as ScheduledJobEntity[];
    const pending = this.afterCommit.get(runner) ?? [];
    pending.push(...rows);
    this.afterCommit.set(runner, pending);
  }

  /**
   * For recurring work whose handler schedules its next run (digests, sweeps): schedules the first
   * run unless a run is already pending, so a restart neither duplicates nor moves it. Replicas
   * booting together take turns (a transaction-scoped advisory lock per key): the first schedules,
   * the others find its run pending.
   */
  async ensureScheduled(key: string, first: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('lethe:ensure-scheduled:' || $1))`, [key]);
      const [row] = (await manager.query(`SELECT 1 FROM scheduled_job WHERE job_key = $1 AND status = 'pending'`, [key])) as unknown[];
      if (!row) await first(manager);
    });
  }

  /** Cancels a pending job in the caller's transaction; a queued copy finds it cancelled and does nothing. */
  async cancel(manager: EntityManager, key: string): Promise<void> {
    requireTransaction(manager);
    await manager.query(`UPDATE scheduled_job SET status = 'cancelled', updated_at = $2 WHERE job_key = $1 AND status = 'pending'`, [
      key,
      this.clock.now(),
    ]);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const rows = this.afterCommit.get(event.queryRunner);
    if (!rows) return;
    this.afterCommit.delete(event.queryRunner);
    // Not awaited: the commit has happened; if the queue is down the reconciler catches up.
    void this.enqueue(rows).catch((error: unknown) => this.logger.warn({ err: describeError(error) }, 'enqueue after commit failed'));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.afterCommit.delete(event.queryRunner);
  }

  /**
   * Re-enqueues every pending job from the database, in batches of 500, each bounded by
   * ENQUEUE_TIMEOUT_MS (a queue store that accepts the connection but never answers fails the round,
   * and the next round tries again). Safe to run any time, from any process.
   */
  async reconcile(): Promise<number> {
    let count = 0;
    let after = '';
    while (!this.stopping) {
      const rows = (await this.dataSource.query(
        `SELECT job_key AS key, queue, name, run_at AS "runAt" FROM scheduled_job
          WHERE status = 'pending' AND job_key > $1 ORDER BY job_key LIMIT $2`,
        [after, RECONCILE_BATCH],
      )) as ScheduledJobEntity[];
      if (rows.length === 0) break;
      await withTimeout(this.clearLost(rows).then(() => this.enqueue(rows)), ENQUEUE_TIMEOUT_MS, 'the queue store did not accept a batch of jobs');
      count += rows.length;
      after = rows[rows.length - 1]!.key;
    }
    return count;
  }

  /** Tells `listener` of pending jobs the reconciler found missing from the queue (lost work), per queue. */
  onLostJobs(listener: (queue: QueueName, count: number) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Before the reconciler re-adds a batch (adding an id the queue has is a no-op), one state look-up
   * per job. A job the queue holds as completed or failed while its row is still pending (the row
   * could not be marked, or was set pending again for the same time) would never run again: it is
   * removed, so the add queues it afresh; run, it finds its row and acts, or finds it settled and
   * does nothing. Such jobs and jobs the queue no longer has are counted as lost, except for rows
   * written in the last minute, whose job may still be on its way from the commit hook. A failed
   * look-up leaves the batch as it is; it never fails the reconcile.
   */
  private async clearLost(rows: ScheduledJobEntity[]): Promise<void> {
    try {
      const jobs = rows.map((row) => ({ row, queue: this.queues.get(row.queue as QueueName)!, jobId: bullJobId(row.key, new Date(row.runAt)) }));
      const states = await Promise.all(jobs.map(({ queue, jobId }) => queue.getJobState(jobId)));
      const finished = jobs.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
      await Promise.all(finished.map(({ queue, jobId }) => queue.remove(jobId)));
      if (this.lostListeners.length === 0) return;
      const missing = [...rows.filter((_, i) => states[i] === 'unknown'), ...finished.map((f) => f.row)].map((row) => row.key);
      if (missing.length === 0) return;
      const settled = (await this.dataSource.query(
        `SELECT queue, count(*)::int AS n FROM scheduled_job WHERE job_key = ANY($1) AND status = 'pending' AND updated_at < $2 GROUP BY queue`,
        [missing, new Date(this.clock.now().getTime() - LOST_AFTER_MS)],
      )) as { queue: QueueName; n: number }[];
      for (const { queue, n } of settled) for (const listener of this.lostListeners) listener(queue, n);
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not look for lost jobs');
    }
  }

  /** Job counts per queue and state, for /metrics. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const result: Record<string, Record<string, number>> = {};
    for (const [name, queue] of this.queues) {
      result[name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
    }
    return result;
  }

  async ping(): Promise<void> {
    await this.backend.ping(this.queues.get('maintenance')!);
  }

  /**
   * Starts the workers, then restores pending work in the background: a process is ready (and an
   * API listening) at once, whatever the backlog; the jobs reach the queue as the batches go.
   */
  async onApplicationBootstrap(): Promise<void> {
    this.assertHandled();
    await withTimeout(this.backend.claimSingleProcess(), ENQUEUE_TIMEOUT_MS, 'could not reach the database to claim the Postgres queue backend');
    if (this.config.queue.workers) this.startWorkers();
    else if (this.backend.kind === 'postgres') this.logger.warn('LETHE_WORKERS=off without REDIS_URL: no process runs this database\'s jobs (lethe-worker needs REDIS_URL)');
    this.reconciling = this.reconcileNow('at start');
    const every = this.config.queue.reconcileIntervalSeconds;
    if (every > 0) {
      this.reconcileTimer = setInterval(() => {
        if (!this.reconciling) this.reconciling = this.reconcileNow('periodic');
      }, every * 1000);
      this.reconcileTimer.unref();
    }
  }

  /** One round of the reconciler; never rejects (a failed round is logged, and the next one tries again). */
  private reconcileNow(round: 'at start' | 'periodic'): Promise<void> {
    const started = Date.now();
    return this.reconcile()
      .then((restored) => {
        if (round === 'at start') this.logger.log(`queue on ${this.backend.kind}; reconciler restored ${restored} pending job(s) in ${Date.now() - started} ms`);
      })
      .catch((error: unknown) => this.logger.warn({ err: describeError(error), round }, 'reconcile failed'))
      .finally(() => {
        this.reconciling = undefined;
      });
  }

  /** Stops taking jobs and lets the running ones finish, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reconcileTimer);
    await this.reconciling;
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.backend.close();
  }

  private startWorkers(): void {
    for (const name of QUEUE_NAMES) {
      const worker = this.backend.createWorker(name, (job: Job) => this.process(job as Job<QueuedData>), this.config.queue.concurrency);
      worker.on('failed', (job, error) => void this.onFailed(job as Job<QueuedData> | undefined, error));
      worker.on('error', (error) => this.logger.warn({ err: describeError(error), queue: name }, 'worker error'));
      this.workers.push(worker);
    }
  }

  /** Adds the rows' jobs, one bulk add per queue. A job whose id is queued already is left as it is. */
  private async enqueue(rows: ScheduledJobEntity[]): Promise<void> {
    const now = this.clock.now().getTime();
    const byQueue = new Map<QueueName, Parameters<Queue['addBulk']>[0]>();
    for (const row of rows) {
      const runAt = new Date(row.runAt);
      const data: QueuedData = { key: row.key, version: runAt.getTime() };
      const options = this.handlers.get(row.name)?.options ?? {};
      const jobs = byQueue.get(row.queue as QueueName) ?? [];
      jobs.push({
        name: row.name,
        data,
        opts: {
          jobId: bullJobId(row.key, runAt),
          delay: Math.max(0, runAt.getTime() - now),
          attempts: options.attempts ?? ATTEMPTS,
          backoff: { type: 'exponential', delay: options.backoffMs ?? 5_000 },
        },
      });
      byQueue.set(row.queue as QueueName, jobs);
    }
    await Promise.all([...byQueue].map(([queue, jobs]) => this.queues.get(queue)!.addBulk(jobs)));
  }

  private async process(job: Job<QueuedData>): Promise<void> {
    await runWithRequestId(`job-${job.id ?? 'unknown'}`, async () => {
      const { key, version } = job.data;
      const row = await this.dataSource.getRepository(ScheduledJobEntity).findOneBy({ key });
      // Done, cancelled or moved since this copy was queued: nothing to do.
      if (!row || row.status !== 'pending' || row.runAt.getTime() !== version) return;
      const handler = this.handlers.get(row.name);
      if (!handler) throw new Error(`no handler registered for ${row.queue}/${row.name}`);
      const markDone = (manager: EntityManager) =>
        manager.query(
          `UPDATE scheduled_job SET status = 'done', attempts = $3, updated_at = $4 WHERE job_key = $1 AND run_at = $2 AND status = 'pending'`,
          [key, row.runAt, job.attemptsMade + 1, this.clock.now()],
        );
      const context: JobContext = { key, attempt: job.attemptsMade + 1, complete: markDone };
      await handler.handle(row.payload as never, context);
      await markDone(this.dataSource.manager);
    });
  }

  private async onFailed(job: Job<QueuedData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ err: describeError(error), jobId: job.id, attempt: job.attemptsMade, final }, 'job failed');
    const summary = `${error.name}${(error as { code?: string }).code ? ` ${(error as { code?: string }).code}` : ''}`.slice(0, 500);
    try {
      const [rows] = (await this.dataSource.query(
        `UPDATE scheduled_job SET attempts = $3, last_error = $4, status = CASE WHEN $5 THEN 'failed' ELSE status END, updated_at = $6
          WHERE job_key = $1 AND run_at = $2 AND status = 'pending' RETURNING queue, name, payload`,
        [job.data.key, new Date(job.data.version), job.attemptsMade, summary, final, this.clock.now()],
      )) as [ScheduledJobEntity[], number];
      const row = rows[0];
      const onExhausted = row && this.handlers.get(row.name)?.options.onExhausted;
      if (final && onExhausted) await onExhausted(row.payload as never, error);
    } catch (e) {
      this.logger.warn({ err: describeError(e) }, 'could not record job failure');
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function requireTransaction(manager: EntityManager): QueryRunner {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('JobsService.schedule needs the EntityManager of an open transaction');
  return runner;
}
