import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { csvCell } from '../../common/csv.js';
import type { ExportRecord, FileSink, FilesExportSummary, RecordSink } from '../data-stores/data-store.port.js';
import { DeflatedEntry, deflatedBuffer, DeflatingFile, writeZip } from './zip.writer.js';

/** One file of a store's export, as the package manifest lists it and the zip writer takes it. */
export interface StagedFile {
  /** Path inside the package, e.g. stores/crm/customers.ndjson. */
  name: string;
  sha256: string;
  bytes: number;
  /** The deflated copy in the staging folder, relative to it. */
  staged: string;
  crc32: number;
  compressedBytes: number;
}

export interface StagedExport {
  tables: Record<string, number>;
  categories: string[];
  /** Per table, exported columns without a data category: counsel sees them on the export step. */
  uncategorised?: Record<string, string[]>;
  files: StagedFile[];
}

const FLUSH_CHARS = 256 * 1024;

/** Record-by-record writing into a file, in large chunks. */
class BufferedWriter {
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly file: DeflatingFile) {}

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.file.end();
    await finished(this.file);
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunk = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    if (!this.file.write(chunk)) await once(this.file, 'drain');
  }
}

interface TableWriters {
  ndjson: BufferedWriter;
  csv: BufferedWriter;
  columns: string[];
  records: number;
}

/**
 * Where one store's export lands before the package is built: per table an NDJSON file and a CSV
 * file (formula-safe cells), deflated and hashed as they are written — record by record, or as
 * whole files from stores that write them themselves (FileSink). A portability export keeps only
 * what the subject provided (Art 20). Each run writes into a new folder, so a retried step is clean.
 */
export class StagingSink implements RecordSink, FileSink {
  private readonly tables = new Map<string, TableWriters>();
  private readonly files = new Map<string, DeflatingFile>();
  private readonly names = new Map<string, string>();
  private readonly categories = new Set<string>();

  private constructor(
    private readonly root: string,
    private readonly storeId: string,
    private readonly attempt: string,
    private readonly portability: boolean,
  ) {}

  /**
   * A folder for this run of this store's export (`<root>/<store>/<attempt>`): earlier runs' folders
   * are removed, and a run that lost its claim but still writes writes only into its own, never into
   * the files the package will be built from.
   */
  static async open(root: string, storeId: string, attempt: string, portability: boolean): Promise<StagingSink> {
    await rm(join(root, storeId), { recursive: true, force: true });
    await mkdir(join(root, storeId, attempt), { recursive: true, mode: 0o700 });
    return new StagingSink(root, storeId, attempt, portability);
  }

  private get dir(): string {
    return join(this.root, this.storeId, this.attempt);
  }

  file(table: string, format: 'ndjson' | 'csv'): Writable {
    const stream = new DeflatingFile(join(this.dir, `${this.fileName(table)}.${format}.deflate`));
    this.files.set(`${table}\u0000${format}`, stream);
    return stream;
  }

  /** A file name per table: two tables whose names make the same safe name get numbered ones. */
  private fileName(table: string): string {
    let name = this.names.get(table);
    if (name) return name;
    const base = fileSafe(table);
    const taken = new Set(this.names.values());
    name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    this.names.set(table, name);
    return name;
  }

  async write(record: ExportRecord): Promise<void> {
    const data = this.portability ? pick(record.data, record.providedBySubject) : record.data;
    if (Object.keys(data).length === 0) return;
    let t = this.tables.get(record.table);
    if (!t) {
      t = { ndjson: new BufferedWriter(this.file(record.table, 'ndjson') as DeflatingFile), csv: new BufferedWriter(this.file(record.table, 'csv') as DeflatingFile), columns: Object.keys(data), records: 0 };
      this.tables.set(record.table, t);
      await t.csv.write(`${[...t.columns, '_other'].map(csvCell).join(',')}\r\n`);
    }
    for (const category of record.categories) this.categories.add(category);
    t.records += 1;
    await t.ndjson.write(`${JSON.stringify(data)}\n`);
    // Columns are the first record's; anything a later record adds goes, as JSON, in `_other`.
    const columns = t.columns;
    const other = Object.fromEntries(Object.entries(data).filter(([k]) => !columns.includes(k)));
    await t.csv.write(`${[...columns.map((c) => csvCell(data[c])), Object.keys(other).length ? csvCell(other) : ''].join(',')}\r\n`);
  }

  /** After record-by-record writing. */
  async close(uncategorised?: Record<string, string[]>): Promise<StagedExport> {
    const tables: Record<string, number> = {};
    for (const [table, t] of this.tables) {
      await t.ndjson.close();
      await t.csv.close();
      tables[table] = t.records;
    }
    return this.staged({ tables, categories: [...this.categories].sort(), uncategorised });
  }

  /** After the store wrote its own files: the tables that had records. */
  filesWritten(summary: FilesExportSummary): StagedExport {
    return this.staged(summary);
  }

  private staged(summary: FilesExportSummary): StagedExport {
    const files: StagedFile[] = [];
    for (const [table, count] of Object.entries(summary.tables)) {
      if (count === 0) continue;
      for (const format of ['ndjson', 'csv'] as const) {
        const stream = this.files.get(`${table}\u0000${format}`);
        if (!stream) continue;
        const name = `stores/${this.storeId}/${this.fileName(table)}.${format}`;
        const entry = stream.entry(name);
        files.push({ name, sha256: entry.sha256, bytes: entry.size, staged: `${this.storeId}/${this.attempt}/${this.fileName(table)}.${format}.deflate`, crc32: entry.crc32, compressedBytes: entry.compressedSize });
      }
    }
    // A portability copy holds only configured columns: nothing uncategorised to report.
    const uncategorised = this.portability ? undefined : summary.uncategorised;
    return { tables: Object.fromEntries(Object.entries(summary.tables).filter(([, n]) => n > 0)), categories: summary.categories, ...(uncategorised && Object.keys(uncategorised).length ? { uncategorised } : {}), files };
  }

  /** Closes the files without reporting, after a failed export. */
  async abort(): Promise<void> {
    for (const stream of this.files.values()) stream.destroy();
  }
}

function pick(data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in data).map((f) => [f, data[f]]));
}

export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_').slice(0, 100) || '_';
}

export interface PackageDocument {
  name: string;
  content: string;
}

/**
 * The package: the generated documents first, then every staged (already deflated) store file,
 * copied into `out` through a temporary file renamed into place, so a crash leaves no half package
 * under the final name. Returns the zip's SHA-256 and size.
 */
export async function writePackage(out: string, stagingRoot: string, staged: StagedFile[], documents: PackageDocument[], at: Date): Promise<{ sha256: string; bytes: number }> {
  const entries: DeflatedEntry[] = [
    ...documents.map((d) => deflatedBuffer(d.name, d.content)),
    ...staged.map((f) => ({ name: f.name, crc32: f.crc32, size: f.bytes, compressedSize: f.compressedBytes, path: join(stagingRoot, f.staged) })),
  ];
  return writeZip(out, entries, at);
}
