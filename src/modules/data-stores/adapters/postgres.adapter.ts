import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { childrenFirst, ColumnConfig, StoreConfig, TableConfig } from '../data-store.config.js';
import {
  Capability,
  ChangeSummary,
  DataStoreAdapter,
  DataStoreError,
  ErasurePlan,
  ExportSummary,
  FieldChange,
  RecordSink,
  SubjectIdentity,
} from '../data-store.port.js';

const quote = (identifier: string) => `"${identifier}"`; // identifiers are validated by the config schema

/**
 * A Postgres database described table by table in configuration: how the subject is found (a column
 * matching the email or subject id, or a foreign key to a table that has one), which columns are
 * personal data, and what erasure does. Parameterised queries only; exports stream with a cursor.
 */
export class PostgresAdapter implements DataStoreAdapter {
  readonly id: string;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly pool: pg.Pool;
  private readonly tables: TableConfig[];

  constructor(
    config: StoreConfig,
    /** Salt for the one-way `hash` anonymisation, from Lethe's keyring. */
    private readonly salt: string,
  ) {
    this.id = config.id;
    this.tables = config.tables ?? [];
    this.pool = new pg.Pool({ connectionString: config.url, max: 4, connectionTimeoutMillis: 5_000 });
    this.pool.on('error', () => undefined);
    const caps: Capability[] = ['export', 'rectify', 'erase'];
    if (this.tables.some((t) => t.restrictionColumn)) caps.push('restrict');
    this.capabilities = new Set(caps);
  }

  async export(subject: SubjectIdentity, sink: RecordSink): Promise<ExportSummary> {
    const summary: ExportSummary = { tables: {} };
    const client = await this.connect();
    try {
      for (const table of this.tables) {
        const params: unknown[] = [];
        const where = this.condition(table, subject, params);
        const columns = Object.keys(table.columns);
        const stream = client.query(new QueryStream(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table.name)} WHERE ${where}`, params, { batchSize: 500 }));
        let count = 0;
        for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
          await sink.write({ table: table.name, data: row, categories: categoriesOf(table.columns, row), providedBySubject: columns.filter((c) => table.columns[c]!.providedBySubject) });
          count += 1;
        }
        summary.tables[table.name] = count;
      }
      return summary;
    } catch (error) {
      throw this.failure(error);
    } finally {
      client.release();
    }
  }

  async rectify(subject: SubjectIdentity, changes: FieldChange[]): Promise<ChangeSummary> {
    const summary: ChangeSummary = { applied: [], notApplied: [] };
    return this.inTransaction(async (client) => {
      for (const change of changes) {
        const targets = this.tables.filter((t) => t.columns[change.field]?.rectifiable);
        if (targets.length === 0) summary.notApplied.push(change.field);
        for (const table of targets) {
          const params: unknown[] = [change.newValue];
          const result = await client.query(`UPDATE ${quote(table.name)} SET ${quote(change.field)} = $1 WHERE ${this.condition(table, subject, params)}`, params);
          summary.applied.push({ table: table.name, field: change.field, rows: result.rowCount ?? 0 });
        }
      }
      return summary;
    });
  }

  async planErasure(subject: SubjectIdentity): Promise<ErasurePlan> {
    const client = await this.connect();
    try {
      const items = [];
      for (const table of this.tables) {
        const params: unknown[] = [];
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${quote(table.name)} WHERE ${this.condition(table, subject, params)}`, params);
        items.push(planItem(table, rows[0].n as number));
      }
      return { store: this.id, items };
    } catch (error) {
      throw this.failure(error);
    } finally {
      client.release();
    }
  }

  async erase(subject: SubjectIdentity): Promise<ErasurePlan> {
    return this.inTransaction(async (client) => {
      const done = new Map<string, number>();
      // Plan first (identities resolve through parents that anonymisation may change), then act children first.
      const counts = new Map<string, number>();
      for (const table of this.tables) {
        const params: unknown[] = [];
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${quote(table.name)} WHERE ${this.condition(table, subject, params)}`, params);
        counts.set(table.name, rows[0].n as number);
      }
      for (const table of childrenFirst(this.tables)) {
        const params: unknown[] = [];
        const where = this.condition(table, subject, params);
        if (table.erasure.action === 'delete') {
          done.set(table.name, (await client.query(`DELETE FROM ${quote(table.name)} WHERE ${where}`, params)).rowCount ?? 0);
        } else if (table.erasure.action === 'anonymise') {
          const sets = Object.entries(table.columns)
            .filter(([, c]) => c.anonymise)
            .map(([name, c]) => `${quote(name)} = ${this.anonymised(name, c, params)}`);
          done.set(table.name, (await client.query(`UPDATE ${quote(table.name)} SET ${sets.join(', ')} WHERE ${where}`, params)).rowCount ?? 0);
        } else {
          done.set(table.name, counts.get(table.name) ?? 0);
        }
      }
      return { store: this.id, items: this.tables.map((t) => planItem(t, done.get(t.name) ?? 0)) };
    });
  }

  async restrict(subject: SubjectIdentity, restricted: boolean): Promise<{ rows: number }> {
    return this.inTransaction(async (client) => {
      let rows = 0;
      for (const table of this.tables.filter((t) => t.restrictionColumn)) {
        const params: unknown[] = [restricted];
        rows += (await client.query(`UPDATE ${quote(table.name)} SET ${quote(table.restrictionColumn!)} = $1 WHERE ${this.condition(table, subject, params)}`, params)).rowCount ?? 0;
      }
      return { rows };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** SQL that selects the subject's rows of `table`, pushing its parameters onto `params`. */
  private condition(table: TableConfig, subject: SubjectIdentity, params: unknown[]): string {
    const identity = table.identity;
    if ('parent' in identity) {
      const parent = this.tables.find((t) => t.name === identity.parent)!;
      return `${quote(identity.foreignKey)} IN (SELECT ${quote(identity.parentKey)} FROM ${quote(parent.name)} WHERE ${this.condition(parent, subject, params)})`;
    }
    const value = identity.matches === 'email' ? subject.email : subject.subjectId;
    if (!value) return 'FALSE';
    params.push(value);
    return identity.matches === 'email' ? `lower(${quote(identity.column)}) = lower($${params.length})` : `${quote(identity.column)} = $${params.length}`;
  }

  /** Idempotent anonymisation: applying it to an anonymised value gives the same value. */
  private anonymised(name: string, column: ColumnConfig, params: unknown[]): string {
    const c = quote(name);
    switch (column.anonymise) {
      case 'null':
        return 'NULL';
      case 'fixed':
        params.push(column.fixedValue);
        return `$${params.length}`;
      case 'truncate':
        return `left(${c}::text, ${Number(column.truncateTo)})`;
      default:
        params.push(this.salt);
        return `CASE WHEN ${c} IS NULL OR ${c}::text LIKE 'anon:%' THEN ${c}::text ELSE 'anon:' || encode(sha256(convert_to($${params.length}::text || ${c}::text, 'UTF8')), 'hex') END`;
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new DataStoreError(this.id, 'unavailable', `cannot connect (${(error as { code?: string }).code ?? 'error'})`);
    }
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(error);
    } finally {
      client.release();
    }
  }

  private failure(error: unknown): DataStoreError {
    if (error instanceof DataStoreError) return error;
    const code = (error as { code?: string }).code ?? '';
    return new DataStoreError(this.id, /^(08|57P)/.test(code) || code === 'ECONNREFUSED' ? 'unavailable' : 'failed', `query failed (${code || 'error'})`);
  }
}

export function categoriesOf(columns: Record<string, ColumnConfig>, row: Record<string, unknown>): string[] {
  return [...new Set(Object.entries(columns).filter(([name]) => row[name] !== null && row[name] !== undefined).flatMap(([, c]) => c.categories))].sort();
}

export function planItem(table: TableConfig, rows: number) {
  const erasure = table.erasure;
  return {
    table: table.name,
    action: erasure.action,
    rows,
    ...(erasure.action === 'anonymise' ? { columns: Object.keys(table.columns).filter((c) => table.columns[c]!.anonymise) } : {}),
    ...(erasure.action === 'retain' ? { ground: erasure.ground, ...(erasure.retainFor ? { retainUntil: `${erasure.retainFor} after the retention trigger` } : {}) } : {}),
  };
}
