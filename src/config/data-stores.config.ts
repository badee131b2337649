import { readStructured } from './structured-file.js';

/** What a data store can do for a request. */
export type Capability = 'export' | 'rectify' | 'erase' | 'restrict';

/** How one table holds a subject's data: the configuration every table-based adapter reads. */
export interface ColumnConfig {
  categories: string[];
  /** The subject gave it (included in portability exports, Art 20). */
  providedBySubject?: boolean;
  /** Counsel may change it on a rectification request. */
  rectifiable?: boolean;
  /** What a requester calls it (published with the rectifiable fields); default: the column name in words. */
  label?: string;
  /** How `anonymise` treats it: null, a fixed value, a salted one-way hash, or the first N characters. */
  anonymise?: 'null' | 'fixed' | 'hash' | 'truncate';
  fixedValue?: string;
  truncateTo?: number;
}

export type Identity = { column: string; matches: 'email' | 'subjectId' } | { parent: string; foreignKey: string; parentKey: string };

export interface TableConfig {
  name: string;
  identity: Identity;
  columns: Record<string, ColumnConfig>;
  erasure: { action: 'delete' } | { action: 'anonymise' } | { action: 'retain'; ground: string; retainFor?: string };
  /** A boolean column set while processing is restricted (Art 18). */
  restrictionColumn?: string;
  /**
   * What an access copy (Art 15) holds: `all` (the default) every column of the subject's rows, the
   * configured ones adding categories; `configured` only the columns described here. Adapters that
   * cannot list a table's columns (memory) export the configured ones.
   */
  exportColumns?: 'all' | 'configured';
  /**
   * Columns never put in a copy, whatever `exportColumns` says: secrets of the account (password
   * hashes, reset tokens) and data about other people that a copy must not reveal (Art 15(4)).
   */
  excludeColumns?: string[];
}

export interface StoreConfig {
  id: string;
  type: string;
  /** What a data subject reads for this store ("Our online shop"); the id when unset. */
  label?: string;
  /** postgres: connection URL. */
  url?: string;
  /** http: base URL and secret. */
  baseUrl?: string;
  secret?: string;
  /** http: time allowed per call, and for an export between two chunks (default 30 000). */
  timeoutMs?: number;
  /** http: further tries after a network error, a timeout, 429 or 5xx (default 2). */
  retries?: number;
  /** http: what the service implements (default all four). */
  capabilities?: Capability[];
  /**
   * Stores without table configuration (http, custom): the data categories they hold, so Art 19
   * notices after an erasure, rectification or restriction reach those categories' recipients.
   */
  categories?: string[];
  /** Stores without table configuration (http, custom): the fields they can correct, with the label a requester sees. */
  rectifiable?: Record<string, string>;
  tables?: TableConfig[];
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const CATEGORY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const CAPABILITIES: readonly Capability[] = ['export', 'rectify', 'erase', 'restrict'];

export class DataStoreConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`LETHE_DATA_STORES is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DataStoreConfigError';
  }
}

/** Reads LETHE_DATA_STORES: a path to a YAML or JSON file, or inline JSON. */
export function loadStoresConfig(value: string | undefined): StoreConfig[] {
  const raw = readStructured(value, (message) => new DataStoreConfigError([message]));
  return raw === undefined ? [] : parseStoresConfig(raw);
}

/** Validates the configuration; every problem names the store and the key. */
export function parseStoresConfig(raw: unknown): StoreConfig[] {
  const problems: string[] = [];
  const list = Array.isArray(raw) ? raw : (raw as { stores?: unknown })?.stores;
  if (!Array.isArray(list)) throw new DataStoreConfigError(['must be a list of stores, or { stores: [...] }']);
  const seen = new Set<string>();
  const stores = list.map((item, i) => {
    const store = (item ?? {}) as Partial<StoreConfig>;
    const where = `stores[${i}]${typeof store.id === 'string' ? ` (${store.id})` : ''}`;
    const problem = (key: string, message: string) => problems.push(`${where}.${key} ${message}`);
    if (typeof store.id !== 'string' || !ID.test(store.id)) problem('id', 'must be 1-64 lowercase letters, digits, - or _');
    else if (seen.has(store.id)) problem('id', 'is used by another store');
    else seen.add(store.id);
    if (store.label !== undefined && (typeof store.label !== 'string' || store.label.trim().length === 0 || store.label.length > 100)) problem('label', 'must be 1-100 characters');
    if (typeof store.type !== 'string') problem('type', 'must name an adapter type (postgres, http, memory, or a custom one)');
    if (store.type === 'postgres' && (typeof store.url !== 'string' || !/^postgres(ql)?:\/\//.test(store.url))) problem('url', 'must be a postgres:// URL');
    if (store.type === 'http') {
      if (!isPlainHttpUrl(store.baseUrl)) problem('baseUrl', 'must be an http(s) URL without credentials');
      if (typeof store.secret !== 'string' || store.secret.length < 32) problem('secret', 'must be at least 32 characters');
      checkHttpOptions(store, problem);
    }
    const categories = store.categories as unknown;
    if (categories !== undefined && !(Array.isArray(categories) && categories.every((k) => typeof k === 'string' && CATEGORY.test(k)))) problem('categories', 'must list data-category keys');
    const rectifiable = store.rectifiable as unknown;
    if (rectifiable !== undefined && !(isRecord(rectifiable) && Object.entries(rectifiable).every(([k, v]) => FIELD.test(k) && isLabel(v)))) {
      problem('rectifiable', 'must map field names to labels (1-100 characters)');
    }
    if (store.type === 'postgres' || store.type === 'memory') {
      if (!Array.isArray(store.tables) || store.tables.length === 0) problem('tables', 'must list at least one table');
      const names = new Set((store.tables ?? []).map((t) => t?.name));
      (store.tables ?? []).forEach((table, j) => checkTable(table, `tables[${j}]`, names, problem));
    }
    return store as StoreConfig;
  });
  if (problems.length > 0) throw new DataStoreConfigError(problems);
  return stores;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLabel = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 100;

function isPlainHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !/^https?:\/\//.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.username === '' && url.password === '';
}

function checkHttpOptions(store: Partial<StoreConfig>, problem: (key: string, message: string) => void): void {
  const within = (value: unknown, min: number, max: number) => value === undefined || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max);
  if (!within(store.timeoutMs, 100, 600_000)) problem('timeoutMs', 'must be a whole number of milliseconds from 100 to 600000');
  if (!within(store.retries, 0, 10)) problem('retries', 'must be a whole number from 0 to 10');
  const caps = store.capabilities as unknown;
  if (caps !== undefined && !(Array.isArray(caps) && caps.length > 0 && caps.every((c) => CAPABILITIES.includes(c)))) {
    problem('capabilities', `must list one or more of ${CAPABILITIES.join(', ')}`);
  }
}

function checkTable(table: Partial<TableConfig>, at: string, names: Set<unknown>, problem: (key: string, message: string) => void): void {
  if (typeof table?.name !== 'string' || !IDENTIFIER.test(table.name)) problem(`${at}.name`, 'must be a plain SQL identifier');
  const identity = table?.identity as Partial<Record<string, unknown>> | undefined;
  if (!identity) problem(`${at}.identity`, 'is required');
  else if ('parent' in identity) {
    if (!names.has(identity.parent) || identity.parent === table.name) problem(`${at}.identity.parent`, 'must name another table of this store');
    for (const key of ['foreignKey', 'parentKey']) if (typeof identity[key] !== 'string' || !IDENTIFIER.test(identity[key] as string)) problem(`${at}.identity.${key}`, 'must be a plain SQL identifier');
  } else {
    if (typeof identity.column !== 'string' || !IDENTIFIER.test(identity.column)) problem(`${at}.identity.column`, 'must be a plain SQL identifier');
    if (identity.matches !== 'email' && identity.matches !== 'subjectId') problem(`${at}.identity.matches`, 'must be email or subjectId');
  }
  const columns = Object.entries(table?.columns ?? {});
  if (columns.length === 0) problem(`${at}.columns`, 'must describe at least one personal-data column');
  for (const [name, column] of columns) {
    const c = column as Partial<ColumnConfig>;
    if (!IDENTIFIER.test(name)) problem(`${at}.columns.${name}`, 'is not a plain SQL identifier');
    if (!Array.isArray(c?.categories) || c.categories.length === 0 || !c.categories.every((k) => typeof k === 'string' && CATEGORY.test(k))) {
      problem(`${at}.columns.${name}.categories`, 'must list data-category keys');
    }
    if (c?.label !== undefined && !isLabel(c.label)) problem(`${at}.columns.${name}.label`, 'must be 1-100 characters');
    if (c?.anonymise !== undefined && !['null', 'fixed', 'hash', 'truncate'].includes(c.anonymise)) problem(`${at}.columns.${name}.anonymise`, 'must be null, fixed, hash or truncate');
    if (c?.anonymise === 'fixed' && typeof c.fixedValue !== 'string') problem(`${at}.columns.${name}.fixedValue`, 'is required with anonymise: fixed');
    if (c?.anonymise === 'truncate' && !(Number.isInteger(c.truncateTo) && (c.truncateTo as number) >= 0)) problem(`${at}.columns.${name}.truncateTo`, 'must be a whole number with anonymise: truncate');
  }
  const erasure = table?.erasure as Partial<{ action: string; ground: string }> | undefined;
  if (!erasure || !['delete', 'anonymise', 'retain'].includes(erasure.action ?? '')) problem(`${at}.erasure.action`, 'must be delete, anonymise or retain');
  else if (erasure.action === 'retain' && (typeof erasure.ground !== 'string' || erasure.ground.length < 3)) problem(`${at}.erasure.ground`, 'must give the Art 17(3) ground for keeping the data');
  else if (erasure.action === 'anonymise' && !columns.some(([, c]) => (c as ColumnConfig).anonymise)) problem(`${at}.erasure`, 'anonymise needs at least one column with an anonymise rule');
  if (table?.exportColumns !== undefined && table.exportColumns !== 'all' && table.exportColumns !== 'configured') problem(`${at}.exportColumns`, 'must be all or configured');
  if (table?.restrictionColumn !== undefined && !IDENTIFIER.test(table.restrictionColumn)) problem(`${at}.restrictionColumn`, 'must be a plain SQL identifier');
  if (table?.excludeColumns !== undefined && !(Array.isArray(table.excludeColumns) && table.excludeColumns.every((c) => typeof c === 'string' && IDENTIFIER.test(c)))) {
    problem(`${at}.excludeColumns`, 'must be a list of plain SQL identifiers');
  }
}

/** Tables ordered so that children (identified through a parent) come before their parents: safe deletion order. */
export function childrenFirst(tables: TableConfig[]): TableConfig[] {
  const depth = (t: TableConfig, seen = new Set<string>()): number => {
    if (!('parent' in t.identity) || seen.has(t.name)) return 0;
    const parent = tables.find((p) => p.name === (t.identity as { parent: string }).parent);
    return parent ? 1 + depth(parent, new Set([...seen, t.name])) : 0;
  };
  return [...tables].sort((a, b) => depth(b) - depth(a));
}

/** A field a requester may ask to correct, as the intake publishes it. */
export interface RectifiableField {
  field: string;
  label: string;
  /** The stores that can change it. */
  stores: string[];
}

/** `shipping_address` → "Shipping address". */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Every field some store can correct, from the configuration: table columns marked rectifiable
 * (with their label, or the column name in words) and the fields stores without tables declare.
 * The first label configured for a field wins. Sorted by field.
 */
/** What a data subject reads for each store: its configured label, else its id. */
export function storeLabels(stores: readonly StoreConfig[]): Record<string, string> {
  return Object.fromEntries(stores.map((s) => [s.id, s.label ?? s.id]));
}

export function rectifiableFields(stores: readonly StoreConfig[]): RectifiableField[] {
  const fields = new Map<string, RectifiableField>();
  const labelled = new Set<string>();
  const add = (field: string, label: string | undefined, store: string) => {
    const known = fields.get(field) ?? { field, label: humanise(field), stores: [] };
    if (label !== undefined && !labelled.has(field)) {
      known.label = label.trim();
      labelled.add(field);
    }
    if (!known.stores.includes(store)) known.stores.push(store);
    fields.set(field, known);
  };
  for (const store of stores) {
    for (const table of store.tables ?? []) for (const [name, column] of Object.entries(table.columns)) if (column.rectifiable) add(name, column.label, store.id);
    for (const [field, label] of Object.entries(store.rectifiable ?? {})) add(field, label, store.id);
  }
  return [...fields.values()].sort((a, b) => a.field.localeCompare(b.field));
}
