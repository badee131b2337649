/**
 * The one way Lethe reaches a data store. Every adapter — postgres, http, memory, or a custom one
 * registered from code — implements this port and passes the contract suite in test/contract/.
 */
export type Capability = 'export' | 'rectify' | 'erase' | 'restrict';

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
