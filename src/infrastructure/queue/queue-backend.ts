import { createPostgresBackend, Queue, Worker, withBackend, type Processor } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface QueueBackendOptions {
  redisUrl: string | undefined;
  /** Used when redisUrl is unset: BullMQ's Postgres backend in Lethe's own database. */
  databaseUrl: string;
  /** The embedded PGlite delivers no NOTIFY to other sockets: workers poll instead. */
  embedded: boolean;
  prefix: string;
}

/**
 * How BullMQ finds a job whose worker died (kill -9, a lost host): a worker renews its lock on a
 * running job every 5 s; a lock not renewed for 10 s lapses, and every worker looks for lapsed locks
 * every 3 s. So a killed worker's jobs run again within about 13 s, inside the README's target of
 * 15 s with room for a loaded machine's late timers. A job stalled more than 5 times
 * (a job that kills its worker) fails. Workflow steps also hold a lease in Postgres (workflow.engine):
 * a job run again while its first run is alive but slow to renew never runs the step twice.
 */
const STALLS = { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 5 };

/** The advisory lock's key: one process per database may run BullMQ on its Postgres backend. */
const SINGLE_PROCESS_LOCK = `SELECT pg_try_advisory_lock(hashtext('lethe:bullmq-postgres-backend')) AS "held"`;

class SingleProcessGuard {
  private static readonly held = new Map<string, { guard: SingleProcessGuard; users: number }>();

  private constructor(
    private readonly url: string,
    private readonly client: pg.Client,
  ) {}

  static async acquire(url: string): Promise<SingleProcessGuard> {
    const known = SingleProcessGuard.held.get(url);
    if (known) {
      known.users += 1;
      return known.guard;
    }
    const client = new pg.Client({ connectionString: url, application_name: 'lethe-queue-guard', connectionTimeoutMillis: 10_000 });
    // A dropped connection ends the lock with it; the process keeps running, and a restart takes it again.
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query<{ held: boolean }>(SINGLE_PROCESS_LOCK);
    if (!rows[0]?.held) {
      await client.end().catch(() => undefined);
      throw new Error(
        'another Lethe process already runs BullMQ on this database (its Postgres backend, used when REDIS_URL is unset). ' +
          'That backend serves one process only: set REDIS_URL on every process to run several API replicas or workers, or run one process.',
      );
    }
    const guard = new SingleProcessGuard(url, client);
    SingleProcessGuard.held.set(url, { guard, users: 1 });
    return guard;
  }

  async release(): Promise<void> {
    const known = SingleProcessGuard.held.get(this.url);
    if (!known || --known.users > 0) return;
    SingleProcessGuard.held.delete(this.url);
    await this.client.end().catch(() => undefined);
  }
}

/**
 * BullMQ on Redis when REDIS_URL is set, otherwise on its Postgres backend in the `bullmq` schema of
 * Lethe's database. Either way the queue only carries work; `scheduled_job` is the record of it.
 */
export class QueueBackend {
  private readonly redis: Redis | undefined;
  private readonly postgres = withBackend(createPostgresBackend);
  private guard: SingleProcessGuard | undefined;

  constructor(private readonly options: QueueBackendOptions) {
    this.redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false }) : undefined;
  }

  get kind(): 'redis' | 'postgres' {
    return this.redis ? 'redis' : 'postgres';
  }

  createQueue(name: string): Queue {
    if (this.redis) return new Queue(name, { connection: this.redis, prefix: this.options.prefix });
    return new this.postgres.Queue(name, { connection: this.postgresConnection() }) as unknown as Queue;
  }

  createWorker(name: string, processor: Processor, concurrency: number): Worker {
    const common = { concurrency, autorun: true, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 }, ...STALLS };
    if (this.redis) return new Worker(name, processor, { ...common, connection: this.redis, prefix: this.options.prefix });
    const worker = new this.postgres.Worker(name, processor, {
      ...common,
      connection: this.postgresConnection(),
      // Seconds a worker waits for a NOTIFY before looking again; PGlite never sends one across sockets.
      drainDelay: this.options.embedded ? 1 : 5,
    }) as unknown as Worker;
    // With a delayed job in the queue the worker sleeps until it is due (up to an hour on this
    // backend), trusting NOTIFY to wake it for new work. PGlite cannot deliver that NOTIFY; and on a
    // server, a worker closed while it sleeps wakes later and writes to its closed connection. So
    // every Postgres-backed worker looks again at least every second.
    Object.defineProperty(worker, 'maximumBlockTimeout', { get: () => 1 });
    return worker;
  }

  /** Answers whether the queue store is reachable (for /health/ready). */
  async ping(queue: Queue): Promise<void> {
    await queue.getJobCounts('waiting');
  }

  /**
   * BullMQ's Postgres backend serves one process per database: each queue and worker holds a pool
   * and a LISTEN connection (about 24 for Lethe's queues), so several processes exhaust a server's
   * max_connections, and stalled jobs and retries were seen to misbehave across processes. On a
   * Postgres server this process takes a session advisory lock for as long as it runs; a second
   * process on the same database is refused, naming the fix (REDIS_URL). Apps in one process (tests,
   * an embedding) share the lock. The embedded database belongs to one process anyway.
   */
  async claimSingleProcess(): Promise<void> {
    if (this.redis || this.options.embedded || this.guard) return;
    this.guard = await SingleProcessGuard.acquire(this.options.databaseUrl);
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => undefined);
    await this.guard?.release();
    this.guard = undefined;
  }

  private postgresConnection() {
    return { connectionString: this.options.databaseUrl, max: 3, schema: 'bullmq', migrate: true };
  }
}
