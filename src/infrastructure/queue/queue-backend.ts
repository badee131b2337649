import { createPostgresBackend, Queue, Worker, withBackend, type Processor } from 'bullmq';
import { Redis } from 'ioredis';

export interface QueueBackendOptions {
  redisUrl: string | undefined;
  /** Used when redisUrl is unset: BullMQ's Postgres backend in Lethe's own database. */
  databaseUrl: string;
  /** The embedded PGlite delivers no NOTIFY to other sockets: workers poll instead. */
  embedded: boolean;
  prefix: string;
}

/**
 * BullMQ on Redis when REDIS_URL is set, otherwise on its Postgres backend in the `bullmq` schema of
 * Lethe's database. Either way the queue only carries work; `scheduled_job` is the record of it.
 */
export class QueueBackend {
  private readonly redis: Redis | undefined;
  private readonly postgres = withBackend(createPostgresBackend);

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
    const common = { concurrency, autorun: true, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } };
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

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => undefined);
  }

  private postgresConnection() {
    return { connectionString: this.options.databaseUrl, max: 3, schema: 'bullmq', migrate: true };
  }
}
