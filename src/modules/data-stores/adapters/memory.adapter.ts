import { createHash } from 'node:crypto';
import { childrenFirst, ColumnConfig, StoreConfig, TableConfig } from '../../../config/data-stores.config.js';
import { Capability, ChangeSummary, DataStoreAdapter, ErasurePlan, ExportSummary, FieldChange, RecordSink, SubjectIdentity } from '../data-store.port.js';
import { categoriesOf, planItem } from './postgres.adapter.js';

type Row = Record<string, unknown>;

/**
 * Tables held in memory with the same configuration as the postgres adapter: for tests, demos and
 * as the reference behaviour of the contract suite.
 */
export class MemoryAdapter implements DataStoreAdapter {
  readonly id: string;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly tables: TableConfig[];

  constructor(
    config: StoreConfig,
    private readonly salt: string,
    readonly data: Record<string, Row[]> = {},
  ) {
    this.id = config.id;
    this.tables = config.tables ?? [];
    for (const t of this.tables) this.data[t.name] ??= [];
    this.capabilities = new Set<Capability>(['export', 'rectify', 'erase', ...(this.tables.some((t) => t.restrictionColumn) ? (['restrict'] as const) : [])]);
  }

  async export(subject: SubjectIdentity, sink: RecordSink): Promise<ExportSummary> {
    const summary: ExportSummary = { tables: {} };
    for (const table of this.tables) {
      const rows = this.rowsOf(table, subject);
      const columns = Object.keys(table.columns);
      for (const row of rows) {
        const data = Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
        await sink.write({ table: table.name, data, categories: categoriesOf(table.columns, data), providedBySubject: columns.filter((c) => table.columns[c]!.providedBySubject) });
      }
      summary.tables[table.name] = rows.length;
    }
    return summary;
  }

  async rectify(subject: SubjectIdentity, changes: FieldChange[]): Promise<ChangeSummary> {
    const summary: ChangeSummary = { applied: [], notApplied: [] };
    for (const change of changes) {
      const targets = this.tables.filter((t) => t.columns[change.field]?.rectifiable);
      if (targets.length === 0) summary.notApplied.push(change.field);
      for (const table of targets) {
        const rows = this.rowsOf(table, subject);
        for (const row of rows) row[change.field] = change.newValue;
        summary.applied.push({ table: table.name, field: change.field, rows: rows.length });
      }
    }
    return summary;
  }

  async planErasure(subject: SubjectIdentity): Promise<ErasurePlan> {
    return { store: this.id, items: this.tables.map((t) => planItem(t, this.rowsOf(t, subject).length)) };
  }

  async erase(subject: SubjectIdentity): Promise<ErasurePlan> {
    const matched = new Map(this.tables.map((t) => [t.name, this.rowsOf(t, subject)]));
    for (const table of childrenFirst(this.tables)) {
      const rows = matched.get(table.name)!;
      if (table.erasure.action === 'delete') this.data[table.name] = this.data[table.name]!.filter((r) => !rows.includes(r));
      else if (table.erasure.action === 'anonymise') {
        for (const row of rows) for (const [name, column] of Object.entries(table.columns)) if (column.anonymise) row[name] = this.anonymised(row[name], column);
      }
    }
    return { store: this.id, items: this.tables.map((t) => planItem(t, matched.get(t.name)!.length)) };
  }

  async restrict(subject: SubjectIdentity, restricted: boolean): Promise<{ rows: number }> {
    let count = 0;
    for (const table of this.tables.filter((t) => t.restrictionColumn)) {
      for (const row of this.rowsOf(table, subject)) {
        row[table.restrictionColumn!] = restricted;
        count += 1;
      }
    }
    return { rows: count };
  }

  private rowsOf(table: TableConfig, subject: SubjectIdentity): Row[] {
    const identity = table.identity;
    if ('parent' in identity) {
      const parent = this.tables.find((t) => t.name === identity.parent)!;
      const keys = new Set(this.rowsOf(parent, subject).map((r) => r[identity.parentKey]));
      return this.data[table.name]!.filter((r) => keys.has(r[identity.foreignKey]));
    }
    const value = identity.matches === 'email' ? subject.email : subject.subjectId;
    if (!value) return [];
    return this.data[table.name]!.filter((r) => {
      const v = r[identity.column];
      return typeof v === 'string' && (identity.matches === 'email' ? v.toLowerCase() === value.toLowerCase() : v === value);
    });
  }

  private anonymised(value: unknown, column: ColumnConfig): unknown {
    switch (column.anonymise) {
      case 'null':
        return null;
      case 'fixed':
        return column.fixedValue;
      case 'truncate':
        return value === null || value === undefined ? value : String(value).slice(0, column.truncateTo);
      default:
        if (value === null || value === undefined || String(value).startsWith('anon:')) return value;
        return `anon:${createHash('sha256').update(`${this.salt}${String(value)}`).digest('hex')}`;
    }
  }
}
