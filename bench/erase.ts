/**
 * npm run bench:erase — the postgres data-store adapter's erasure against a baseline measured in the
 * same run, on the configured database (embedded PGlite by default, DATABASE_URL when set).
 *   one subject with BENCH_ROWS (1,000,000) rows in customers (anonymised), orders (deleted) and
 *   events (anonymised), plus 10 % rows of other customers:
 *   PostgresAdapter.erase  vs  the same UPDATE/DELETE statements written by hand, in one transaction
 *   (target ≤ 2×); planErasure (the dry run) is timed too. Three runs, alternating which goes first,
 *   each on a freshly seeded schema; medians. Exits non-zero if the adapter's result is wrong.
 */
import pg from 'pg';
import { configSource } from '../src/config/from-environment.js';
import { PostgresAdapter } from '../src/modules/data-stores/adapters/postgres.adapter.js';
import { ErasurePlan } from '../src/modules/data-stores/data-store.port.js';
import { BENCH_EMAIL, benchDatabase, benchStoreConfig, eraseBaseline, SeededSubject, seedSubject, SUBJECT_ID } from './data-store-seed.js';
import { count, fmt, line, median, verdict } from './load.js';

const env = configSource();
const ROWS = Number(env.BENCH_ROWS ?? 1_000_000);
const RUNS = 3;
const SCHEMA = 'bench_erase';
const SALT = 'salt';


async function main(): Promise<void> {
  const db = await benchDatabase(SCHEMA, env.DATABASE_URL);
  line(`Lethe erasure benchmark — database: ${db.label}, ${count(ROWS)} rows of one subject, ${RUNS} runs alternating which goes first, medians`);
  line();
  const adapter = new PostgresAdapter(benchStoreConfig(db.storeUrl), SALT);
  const subject = { requestId: 'bench', email: BENCH_EMAIL };
  const times = { baseline: [] as number[], lethe: [] as number[], plan: [] as number[], seed: [] as number[] };
  const problems: string[] = [];
  let seeded: SeededSubject | undefined;
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const arm of run % 2 === 0 ? (['baseline', 'lethe'] as const) : (['lethe', 'baseline'] as const)) {
        const seedStart = performance.now();
        seeded = await seedSubject(db.url, { schema: SCHEMA, rows: ROWS });
        times.seed.push(performance.now() - seedStart);
        const before = await othersFingerprint(db.url);
        // The dry run in both arms, so both erasures start from the same state.
        const planStart = performance.now();
        const plan = await adapter.planErasure(subject);
        times.plan.push(performance.now() - planStart);
        problems.push(...checkPlan(`run ${run + 1} planErasure`, plan, seeded));
        if (arm === 'baseline') {
          times.baseline.push((await eraseBaseline(db.url, SCHEMA, BENCH_EMAIL, SALT)).ms);
        } else {
          const start = performance.now();
          const done = await adapter.erase(subject);
          times.lethe.push(performance.now() - start);
          problems.push(...checkPlan(`run ${run + 1} erase`, done, seeded));
        }
        problems.push(...(await checkErased(db.url, seeded, before)).map((p) => `run ${run + 1} ${arm}: ${p}`));
      }
    }
  } finally {
    await adapter.close();
    await db.close();
  }

  const s = seeded!;
  const others = s.others.customers + s.others.orders + s.others.events;
  const ratio = median(times.lethe) / median(times.baseline);
  const runs = (xs: number[]) => `(${xs.map((x) => fmt(x, 0)).join(', ')})`;
  line(`  subject: ${count(ROWS)} rows (1 customer, ${count(s.orders)} orders, ${count(s.events)} events); ${count(others)} rows of ${count(s.others.customers)} other customers`);
  line(`  seeded in ${fmt(median(times.seed) / 1000, 1)} s (median)`);
  line();
  line(`    baseline: UPDATE/DELETE by hand, one transaction   ${fmt(median(times.baseline), 0).padStart(8)} ms  ${runs(times.baseline)}`);
  line(`    Lethe: PostgresAdapter.erase                       ${fmt(median(times.lethe), 0).padStart(8)} ms  ${runs(times.lethe)}`);
  line(`    Lethe: PostgresAdapter.planErasure (dry run)       ${fmt(median(times.plan), 0).padStart(8)} ms  ${runs(times.plan)}`);
  line(`    ratio ${fmt(ratio, 2)}× (target ≤ 2×) ${verdict(ratio <= 2)}`);
  line(`    result: ${problems.length === 0 ? 'correct (subject orders deleted, customer and events anonymised, other customers untouched)' : 'WRONG'}`);
  for (const problem of problems) line(`      - ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
}

/** The plan (or erase result) names every one of the subject's rows. */
function checkPlan(what: string, plan: ErasurePlan, seeded: SeededSubject): string[] {
  const expected: Record<string, number> = { customers: 1, orders: seeded.orders, events: seeded.events };
  return Object.entries(expected)
    .filter(([table, rows]) => plan.items.find((i) => i.table === table)?.rows !== rows)
    .map(([table, rows]) => `${what}: ${table} ${plan.items.find((i) => i.table === table)?.rows ?? 'missing'} rows, expected ${rows}`);
}

/** Checks the erased state: orders gone, customer and events anonymised, everyone else's rows unchanged. */
async function checkErased(url: string, seeded: SeededSubject, before: string): Promise<string[]> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const id = seeded.customerId;
    const q = async (sql: string, params: unknown[] = [id]) => (await client.query(sql, params)).rows[0] as Record<string, unknown>;
    const orders = await q(`SELECT count(*)::int AS n FROM ${SCHEMA}.orders WHERE customer_id = $1`);
    if (orders.n !== 0) problems.push(`${orders.n} orders left`);
    const customer = await q(
      `SELECT email = 'anon:' || encode(sha256(convert_to($2::text || $3::text, 'UTF8')), 'hex') AS hashed, name, phone FROM ${SCHEMA}.customers WHERE id = $1`,
      [id, SALT, BENCH_EMAIL],
    );
    if (!customer?.hashed || customer.name !== 'erased' || customer.phone !== null) problems.push('customer not anonymised');
    const events = await q(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE user_agent IS NOT NULL OR length(ip) > 7 OR kind IS NULL)::int AS bad FROM ${SCHEMA}.events WHERE customer_id = $1`,
    );
    if (events.n !== seeded.events) problems.push(`${events.n} events, expected ${seeded.events}`);
    if (events.bad !== 0) problems.push(`${events.bad} events not anonymised`);
    if ((await othersFingerprint(client)) !== before) problems.push("other customers' rows changed");
  } finally {
    await client.end();
  }
  return problems;
}

/** Counts and a hash over every row of the other customers. */
async function othersFingerprint(target: pg.Client | string): Promise<string> {
  const client = typeof target === 'string' ? new pg.Client({ connectionString: target }) : target;
  if (typeof target === 'string') await client.connect();
  try {
    const parts: string[] = [];
    for (const from of [`customers t WHERE id <> ${SUBJECT_ID}`, `orders t WHERE customer_id <> ${SUBJECT_ID}`, `events t WHERE customer_id <> ${SUBJECT_ID}`]) {
      const { rows } = await client.query(`SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)), 0) AS h FROM ${SCHEMA}.${from}`);
      parts.push(`${rows[0].n}:${rows[0].h}`);
    }
    return parts.join('/');
  } finally {
    if (typeof target === 'string') await client.end();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
