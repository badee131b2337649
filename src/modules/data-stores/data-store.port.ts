/**
 * The one way Lethe reaches a data store. Every adapter — postgres, http, memory, or a custom one
 * registered from code — implements this port and passes the contract suite in test/contract/.
 */
import type { Capability } from '../../config/data-stores.config.js';

export type { Capability };

export interface SubjectIdentity {
  requestId: string;
  subjectId?: string | null;
  email?: string | null;
}

export interface ExportRecord {
  /** Table, collection or resource the record comes from. */
  table: string;
  data: Record<string, unknown>;
  /** Data categories of the fields present. */
  categories: string[];
  /** Fields the subject provided (what a portability package carries, Art 20). */
  providedBySubject: string[];
}

/** Where export writes, record by record: adapters stream and never hold all records. */
export interface RecordSink {
  write(record: ExportRecord): Promise<void>;
}

export interface ExportSummary {
  /** Records written per table. */
  tables: Record<string, number>;
  /** Per table, the exported columns that the configuration gives no data category (whole-row exports). */
  uncategorised?: Record<string, string[]>;
}

/**
 * The optional fast path of an export: the store writes each table's NDJSON (one JSON object per
 * line) and CSV (header row, formula-safe cells) itself, e.g. with Postgres's COPY, instead of
 * handing Lethe one record at a time. The files must hold exactly what `export` would.
 */
export interface FileSink {
  file(table: string, format: 'ndjson' | 'csv'): NodeJS.WritableStream;
}

export interface FilesExportSummary {
  /** Records written per table. */
  tables: Record<string, number>;
  /** Data categories of the tables that had records. */
  categories: string[];
  /** Per table, the exported columns that the configuration gives no data category (whole-row exports). */
  uncategorised?: Record<string, string[]>;
}

export interface FieldChange {
  field: string;
  newValue: string;
}

export interface ChangeSummary {
  applied: { table: string; field: string; rows: number }[];
  /** Fields this store holds but may not change, or does not hold. */
  notApplied: string[];
}

export interface ErasurePlanItem {
  table: string;
  action: 'delete' | 'anonymise' | 'retain';
  rows: number;
  columns?: string[];
  /** For retain: the Art 17(3) ground and until when. */
  ground?: string;
  retainUntil?: string;
}

export interface ErasurePlan {
  store: string;
  items: ErasurePlanItem[];
}

export interface DataStoreAdapter {
  readonly id: string;
  readonly capabilities: ReadonlySet<Capability>;
  export(subject: SubjectIdentity, sink: RecordSink): Promise<ExportSummary>;
  /** The fast path; `providedOnly` keeps only the columns the subject provided (portability). */
  exportFiles?(subject: SubjectIdentity, sink: FileSink, options: { providedOnly: boolean }): Promise<FilesExportSummary>;
  rectify(subject: SubjectIdentity, changes: FieldChange[]): Promise<ChangeSummary>;
  /** The dry run: what erase would delete, anonymise or keep, and why. Changes nothing. */
  planErasure(subject: SubjectIdentity): Promise<ErasurePlan>;
  /** Idempotent: erasing twice changes nothing the second time. */
  erase(subject: SubjectIdentity): Promise<ErasurePlan>;
  restrict(subject: SubjectIdentity, restricted: boolean): Promise<{ rows: number }>;
  close?(): Promise<void>;
}

/** The token every adapter is provided under (custom ones included); the registry collects them. */
export const DATA_STORE_ADAPTERS = Symbol('DataStoreAdapters');

export type DataStoreErrorKind = 'unavailable' | 'unsupported' | 'rejected' | 'failed';

/** Failures surface as this one typed error, never as a driver's. */
export class DataStoreError extends Error {
  constructor(
    readonly store: string,
    readonly kind: DataStoreErrorKind,
    message: string,
  ) {
    super(`${store}: ${message}`);
    this.name = 'DataStoreError';
  }
}
