import type { LetheConfig } from '../../config/config.schema.js';
import type { AppendedLink, ConsentRepository, PreparedEvent } from './consent.repository.js';
import { AppendOutcome, ConsentWriter } from './consent.writer.js';

/** A ledger in memory that records every statement it was given, and can be told to fail. */
class FakeLedger {
  readonly statements: string[][] = [];
  readonly chains = new Map<string, string[]>();
  failGroups = false;
  refuse = new Set<string>();
  duplicates = new Set<string>();
  private inFlight = 0;
  maxInFlight = 0;

  async appendGroup(events: PreparedEvent[]): Promise<AppendedLink[]> {
    return this.run(events, () => {
      if (this.failGroups || events.some((e) => this.refuse.has(e.id) || this.duplicates.has(e.id))) throw new Error('group refused');
      return events.map((e) => this.link(e));
    });
  }

  async appendOne(event: PreparedEvent): Promise<AppendedLink> {
    return this.run([event], () => {
      if (this.refuse.has(event.id)) throw new Error(`event ${event.id} refused`);
      if (this.duplicates.has(event.id)) throw Object.assign(new Error('duplicate'), { code: '23505', constraint: 'pk_consent_event' });
      return [this.link(event)];
    }).then(([link]) => link!);
  }

  private async run(events: PreparedEvent[], write: () => AppendedLink[]): Promise<AppendedLink[]> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.statements.push(events.map((e) => e.id));
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight -= 1;
    return write();
  }

  private link(e: PreparedEvent): AppendedLink {
    const chain = this.chains.get(e.subjectRef) ?? [];
    chain.push(e.id);
    this.chains.set(e.subjectRef, chain);
    return { seq: chain.length, hash: `${e.subjectRef}:${chain.length}` };
  }
}

function event(id: string, subjectRef: string, idempotencyKey: string | null = null): PreparedEvent {
  return { id, subjectRef, idempotencyKey } as PreparedEvent;
}

function writer(ledger: FakeLedger, database: Partial<LetheConfig['database']> = {}): ConsentWriter {
  const config = { database: { url: undefined, poolSize: 10, ...database } } as LetheConfig;
  return new ConsentWriter(ledger as unknown as ConsentRepository, config);
}

describe('ConsentWriter: group commit', () => {
  it('writes the events that arrive together in one statement, and answers each with its own link', async () => {
    const ledger = new FakeLedger();
    const w = writer(ledger);
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((s) => w.append(event(`e-${s}`, s))));
    expect(ledger.statements).toEqual([['e-a', 'e-b', 'e-c', 'e-d']]);
    expect(outcomes).toEqual(['a', 'b', 'c', 'd'].map((s) => ({ link: { seq: 1, hash: `${s}:1` } })));
  });

  it('never puts two events of one subject in one group or in flight together, and keeps each subject’s arrival order', async () => {
    const ledger = new FakeLedger();
    const w = writer(ledger, { url: 'postgres://db/x', poolSize: 16 });
    const arrivals = [event('x1', 'x'), event('y1', 'y'), event('x2', 'x'), event('z1', 'z'), event('x3', 'x'), event('y2', 'y')];
    const outcomes = await Promise.all(arrivals.map((e) => w.append(e)));
    for (const statement of ledger.statements) {
      const subjects = statement.map((id) => id[0]);
      expect(new Set(subjects).size).toBe(subjects.length);
    }
    expect(ledger.chains.get('x')).toEqual(['x1', 'x2', 'x3']);
    expect(ledger.chains.get('y')).toEqual(['y1', 'y2']);
    expect(outcomes.map((o) => ('link' in o ? o.link.seq : 0))).toEqual([1, 1, 2, 1, 3, 2]);
  });

  it('holds back a second event with the same idempotency key or event id until the first is committed', async () => {
    const ledger = new FakeLedger();
    const w = writer(ledger);
    await Promise.all([w.append(event('k1', 'a', 'key-1')), w.append(event('k2', 'b', 'key-1')), w.append(event('same', 'c')), w.append(event('SAME', 'd'))]);
    expect(ledger.statements).toEqual([['k1', 'same'], ['k2', 'SAME']]);
  });

  it('when a group fails, writes its events one by one: each gets its own answer, none fails another', async () => {
    const ledger = new FakeLedger();
    ledger.refuse.add('bad');
    ledger.duplicates.add('again');
    const w = writer(ledger);
    const settled = await Promise.allSettled([w.append(event('ok-1', 'a')), w.append(event('bad', 'b')), w.append(event('again', 'c')), w.append(event('ok-2', 'd'))]);
    expect(ledger.statements).toEqual([['ok-1', 'bad', 'again', 'ok-2'], ['ok-1'], ['bad'], ['again'], ['ok-2']]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual<(AppendOutcome | string)[]>([
      { link: { seq: 1, hash: 'a:1' } },
      'event bad refused',
      { duplicate: true },
      { link: { seq: 1, hash: 'd:1' } },
    ]);
  });

  it('keeps one group in flight on the embedded database, and a few on a server', async () => {
    for (const [database, expected] of [[{}, 1], [{ url: 'postgres://db/x', poolSize: 16 }, 4], [{ url: 'postgres://db/x', poolSize: 4 }, 1]] as const) {
      const ledger = new FakeLedger();
      const w = writer(ledger, database);
      // Events arriving one per turn of the event loop, each starting a group while others are in flight.
      const all: Promise<AppendOutcome>[] = [];
      for (let i = 0; i < 40; i++) {
        all.push(w.append(event(`e${i}`, `s${i}`)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(all);
      expect(ledger.maxInFlight).toBe(expected);
    }
  });

  it('settles everything handed in before shutdown completes', async () => {
    const ledger = new FakeLedger();
    const w = writer(ledger);
    const pending = Array.from({ length: 10 }, (_, i) => w.append(event(`e${i}`, i % 2 === 0 ? 'a' : 'b')));
    let settled = 0;
    pending.forEach((p) => void p.then(() => (settled += 1)));
    await w.beforeApplicationShutdown();
    expect(settled).toBe(10);
    await expect(w.beforeApplicationShutdown()).resolves.toBeUndefined();
  });
});
