import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { childrenFirst, ColumnConfig, StoreConfig, TableConfig } from '../../../config/data-stores.config.js';
import {
  Capability,
  ChangeSummary,
  DataStoreAdapter,
  DataStoreError,
  ErasurePlan,
  ExportSummary,
  FieldChange,
  FilesExportSummary,
  FileSink,
  RecordSink,
  SubjectIdentity,
} from '../data-store.port.js';

/** A quoted identifier. Configured names are validated; exported columns come from the database and may hold anything. */
const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** COPY's CSV mode with a delimiter and quote that JSON text never holds raw: each row_to_json line comes out as is. */
const RAW_LINES = `FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'`;

/**
 * The CSV column of `column` for COPY's CSV writer: the column's NDJSON value as common/csv.ts
 * writes it. Numbers bare, booleans true/false, arrays and json as JSON; text defused against
 * formula injection (a leading = + - @ tab or CR gets a quote). Dates and times as Postgres writes
 * them (ISO 8601 with a space, `2026-01-02 03:04:05+00`, which spreadsheets read; the JSON form
 * would cost a third of a second per million cells). COPY quotes what needs quoting.
 */
function csvColumn(column: string, category: string | undefined): string {
  const c = quote(column);
  switch (category) {
    case 'N':
    case 'D':
    case 'T':
      return c;
    case 'B':
      return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END AS ${c}`;
    default: {
      const text = category === 'S' ? `${c}::text` : `(to_json(${c}) #>> '{}')`;
      return `CASE WHEN left(${text}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${text} ELSE ${text} END AS ${c}`;
    }
  }
}

/** Connections per store; an export uses two per table, for two tables at a time. */
const POOL_SIZE = 6;
const TABLES_AT_ONCE = 2;

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
    this.pool = new pg.Pool({ connectionString: config.url, max: POOL_SIZE, connectionTimeoutMillis: 30_000 });
    this.pool.on('error', () => undefined);
    const caps: Capability[] = ['export', 'rectify', 'erase'];
    if (this.tables.some((t) => t.restrictionColumn)) caps.push('restrict');
    this.capabilities = new Set(caps);
  }

  async export(subject: SubjectIdentity, sink: RecordSink): Promise<ExportSummary> {
    const summary: ExportSummary = { tables: {} };
    const client = await this.connect();
    try {
      const layout = await this.columnsOf(client, this.tables.map((t) => t.name));
      for (const table of this.tables) {
        const params: unknown[] = [];
        const where = this.condition(table, subject, params);
        const columns = exportedColumns(table, layout.get(table.name));
        const provided = columns.filter((c) => table.columns[c]?.providedBySubject);
        const stream = client.query(new QueryStream(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table.name)} WHERE ${where}`, params, { batchSize: 500 }));
        let count = 0;
        for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
          await sink.write({ table: table.name, data: row, categories: categoriesOf(table.columns, row), providedBySubject: provided });
          count += 1;
        }
        summary.tables[table.name] = count;
        noteUncategorised(summary, table, columns, count);
      }
      return summary;
    } catch (error) {
      throw this.failure(error);
    } finally {
      client.release();
    }
  }

  /**
   * The fast path: per table, Postgres writes the NDJSON (row_to_json: numbers stay numbers, json
   * stays json) and the CSV itself with COPY, on separate connections in parallel; Node only hashes,
   * deflates and stores the bytes. COPY takes no bind parameters, so the subject reaches the
   * statements as transaction-local settings; the statement text holds only quoted identifiers.
   * (One scan sending both lines of each row through a binary COPY measured no faster on 2 cores:
   * the CSV then has to be built by SQL expressions instead of COPY's writer, on half the backends.)
   */
  async exportFiles(subject: SubjectIdentity, sink: FileSink, options: { providedOnly: boolean }): Promise<FilesExportSummary> {
    const summary: FilesExportSummary = { tables: {}, categories: [] };
    const categories = new Set<string>();
    try {
      const layout = await this.withClient((client) => this.columnsOf(client, this.tables.map((t) => t.name)));
      const work = this.tables
        .map((table) => ({ table, columns: exportedColumns(table, layout.get(table.name)).filter((c) => !options.providedOnly || table.columns[c]?.providedBySubject) }))
        .filter((w) => w.columns.length > 0);
      const exportTable = async ({ table, columns }: (typeof work)[number]) => {
        const category = new Map((layout.get(table.name) ?? []).map((c) => [c.name, c.category]));
        const from = `FROM ${quote(table.name)} WHERE ${this.condition(table, subject, [], true)}`;
        const [rows] = await Promise.all([
          this.copy(subject, `SELECT row_to_json(x)::text FROM (SELECT ${columns.map(quote).join(', ')} ${from}) x`, RAW_LINES, sink.file(table.name, 'ndjson')),
          this.copy(subject, `SELECT ${columns.map((c) => csvColumn(c, category.get(c))).join(', ')} ${from}`, 'FORMAT csv, HEADER true', sink.file(table.name, 'csv')),
        ]);
        summary.tables[table.name] = rows;
        if (rows > 0) for (const c of columns) table.columns[c]?.categories.forEach((k) => categories.add(k));
        noteUncategorised(summary, table, columns, rows);
      };
      const queue = [...work];
      const exportNext = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) await exportTable(next);
      };
      await Promise.all(Array.from({ length: Math.min(TABLES_AT_ONCE, work.length) }, exportNext));
    } catch (error) {
      throw this.failure(error);
    }
    summary.categories = [...categories].sort();
    return summary;
  }

  /** Per table, its columns in table order, with their type category (pg_type.typcategory: N numbers, B booleans, S strings…). */
  private async columnsOf(client: pg.PoolClient, names: string[]): Promise<Map<string, TableColumn[]>> {
    const { rows } = await client.query(
      `SELECT c.relname AS table, a.attname AS column, t.typcategory AS category
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attrelid = ANY (SELECT to_regclass(n) FROM unnest($1::text[]) AS n) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
      [names.map(quote)],
    );
    const out = new Map<string, TableColumn[]>();
    for (const r of rows as { table: string; column: string; category: string }[]) {
      if (!out.has(r.table)) out.set(r.table, []);
      out.get(r.table)!.push({ name: r.column, category: r.category });
    }
    return out;
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  private async copy(subject: SubjectIdentity, select: string, options: string, out: NodeJS.WritableStream): Promise<number> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SELECT set_config('lethe.subject_email', $1, true), set_config('lethe.subject_id', $2, true)`, [subject.email ?? '', subject.subjectId ?? '']);
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (${options})`));
      await pipeline(stream, out);
      await client.query('COMMIT');
      return stream.rowCount ?? 0;
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A connection that failed mid-COPY is not reused.
      client.release(broken);
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
      // Count what is kept first (it may be found through a parent that anonymisation changes), then act
      // children first; what is deleted or anonymised is counted by the statements themselves.
      const counts = new Map<string, number>();
      for (const table of this.tables.filter((t) => t.erasure.action === 'retain')) {
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

  /**
   * SQL that selects the subject's rows of `table`, pushing its parameters onto `params` — or, for
   * COPY, reading them from the transaction's `lethe.subject_*` settings.
   */
  private condition(table: TableConfig, subject: SubjectIdentity, params: unknown[], fromSettings = false): string {
    const identity = table.identity;
    if ('parent' in identity) {
      const parent = this.tables.find((t) => t.name === identity.parent)!;
      return `${quote(identity.foreignKey)} IN (SELECT ${quote(identity.parentKey)} FROM ${quote(parent.name)} WHERE ${this.condition(parent, subject, params, fromSettings)})`;
    }
    const value = identity.matches === 'email' ? subject.email : subject.subjectId;
    if (!value) return 'FALSE';
    let ref: string;
    if (fromSettings) {
      ref = `current_setting('lethe.${identity.matches === 'email' ? 'subject_email' : 'subject_id'}')`;
    } else {
      params.push(value);
      ref = `$${params.length}`;
    }
    return identity.matches === 'email' ? `lower(${quote(identity.column)}) = lower(${ref})` : `${quote(identity.column)} = ${ref}`;
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

interface TableColumn {
  name: string;
  category: string;
}

/**
 * The columns an access copy of `table` holds: by default every column the database has (in table
 * order), else, with `exportColumns: configured` or when the table's columns cannot be listed, the
 * configured ones.
 */
export function exportedColumns(table: TableConfig, actual: readonly { name: string }[] | undefined): string[] {
  const excluded = new Set(table.excludeColumns ?? []);
  const columns = table.exportColumns === 'configured' || !actual?.length ? Object.keys(table.columns) : actual.map((c) => c.name);
  return columns.filter((c) => !excluded.has(c));
}

/** Records, for counsel, which exported columns of a table that had records carry no data category. */
function noteUncategorised(summary: { uncategorised?: Record<string, string[]> }, table: TableConfig, columns: string[], rows: number): void {
  const bare = columns.filter((c) => !table.columns[c]);
  if (rows === 0 || bare.length === 0) return;
  summary.uncategorised = { ...summary.uncategorised, [table.name]: bare };
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
