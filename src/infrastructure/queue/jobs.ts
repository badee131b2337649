import type { EntityManager } from 'typeorm';
import type { JobName, JobPayloads } from './job.catalogue.js';

/** The queues Lethe uses. One queue per kind of work keeps a slow kind from starving the others. */
export const QUEUE_NAMES = ['maintenance', 'webhooks', 'mail', 'requests', 'workflows'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** One job to schedule: its kind (job.catalogue.ts, which also names its queue) and that kind's payload. */
export type JobSpec<N extends JobName = JobName> = {
  [K in N]: {
    name: K;
    /** Stable identity of the work; scheduling the same key again moves it (a moved deadline moves its reminder). */
    key: string;
    payload: JobPayloads[K];
    runAt: Date;
  };
}[N];

export interface JobContext {
  key: string;
  /** 1 on the first try. */
  attempt: number;
  /**
   * Marks the job done inside the handler's own transaction, so its outcome and the job's state
   * commit together. Handlers that do not call it are marked done after they return.
   */
  complete(manager: EntityManager): Promise<void>;
}

export type JobHandler<N extends JobName = JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<void>;

/** The BullMQ job id for one version of a scheduled job. BullMQ reserves `:`. */
export function bullJobId(key: string, runAt: Date): string {
  return `${key.replace(/:/g, '~')}@${runAt.getTime()}`;
}

export interface JobOptions<N extends JobName = JobName> {
  /** Tries before the job is dead (default 5). */
  attempts?: number;
  /** First retry delay; doubles each try (default 5 s). */
  backoffMs?: number;
  /** Called once when the last try failed, e.g. to mark a delivery dead. */
  onExhausted?: (payload: JobPayloads[N], error: Error) => Promise<void>;
}
