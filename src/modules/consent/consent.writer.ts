import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { AppendedLink, ConsentRepository, isDuplicateEvent, PreparedEvent } from './consent.repository.js';

/** What the ledger did with one event: appended it, or found it there already (a retry, or a reused key). */
export type AppendOutcome = { link: AppendedLink } | { duplicate: true };

interface Waiting {
  event: PreparedEvent;
  keys: string[];
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
}

/** The most events one statement carries. */
const MAX_GROUP = 256;

/**
 * Group commit for single consent events. A commit costs Postgres far more than a row (a WAL flush),
 * so the events that arrive while a group is being written go together in the next one: one
 * statement, one commit, and each caller answered only once that commit is done.
 *
 * What it keeps of one-event-one-statement:
 * - **Order.** Events are taken in arrival order, and a group holds at most one event per subject (and
 *   per idempotency key or event id); a subject with an event in flight waits for its commit, and an
 *   event passed over keeps its place ahead of that subject's later ones. So each chain grows in
 *   arrival order, and two groups in flight never touch the same chain head.
 * - **Isolation.** When a group's statement fails, nothing of it was written; its events are then
 *   written one by one, so each gets its own answer (appended, already there, or its own error).
 */
@Injectable()
export class ConsentWriter implements BeforeApplicationShutdown {
  private readonly waiting: Waiting[] = [];
  /** Subjects, idempotency keys and event ids of the groups in flight. */
  private readonly busy = new Set<string>();
  private readonly maxInFlight: number;
  private inFlight = 0;
  private scheduled = false;
  private drained: Array<() => void> = [];

  constructor(
    private readonly repository: ConsentRepository,
    @Inject(CONFIG) config: LetheConfig,
  ) {
    // Embedded PGlite runs one statement at a time: one group in flight gathers the most. On a server,
    // a few groups overlap one another's round trips while leaving the pool to everything else.
    this.maxInFlight = config.database.url ? Math.max(1, Math.min(4, Math.floor(config.database.poolSize / 4))) : 1;
  }

  /** Appends one event; settles once it is committed (or found already in the ledger). */
  append(event: PreparedEvent): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      const keys = [`s:${event.subjectRef}`, `i:${event.id.toLowerCase()}`];
      if (event.idempotencyKey !== null) keys.push(`k:${event.idempotencyKey}`);
      this.waiting.push({ event, keys, resolve, reject });
      this.schedule();
    });
  }

  /** Waits for every event handed in so far to be settled (on shutdown). */
  beforeApplicationShutdown(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // After the current turn of the event loop: every request already parsed joins this group.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight) {
      const group = this.take();
      if (group.length === 0) break;
      this.inFlight += 1;
      for (const w of group) for (const key of w.keys) this.busy.add(key);
      void this.commit(group).finally(() => {
        for (const w of group) for (const key of w.keys) this.busy.delete(key);
        this.inFlight -= 1;
        if (this.waiting.length > 0) this.schedule();
        else if (this.inFlight === 0) for (const done of this.drained.splice(0)) done();
      });
    }
  }

  /** The next group, in arrival order; whatever is passed over keeps its place. */
  private take(): Waiting[] {
    const group: Waiting[] = [];
    const claimed = new Set<string>();
    const rest: Waiting[] = [];
    for (const w of this.waiting) {
      const free = group.length < MAX_GROUP && w.keys.every((key) => !this.busy.has(key) && !claimed.has(key));
      (free ? group : rest).push(w);
      for (const key of w.keys) claimed.add(key);
    }
    this.waiting.splice(0, this.waiting.length, ...rest);
    return group;
  }

  private async commit(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.one(group[0]!);
    let links: AppendedLink[];
    try {
      links = await this.repository.appendGroup(group.map((w) => w.event));
    } catch {
      // Nothing of the group was written: each event on its own, so one event's fault is only its own.
      await Promise.all(group.map((w) => this.one(w)));
      return;
    }
    group.forEach((w, i) => w.resolve({ link: links[i]! }));
  }

  private async one(w: Waiting): Promise<void> {
    try {
      w.resolve({ link: await this.repository.appendOne(w.event) });
    } catch (error) {
      if (isDuplicateEvent(error)) w.resolve({ duplicate: true });
      else w.reject(error);
    }
  }
}
