import { ZipArchive } from 'archiver';
import { createHash, Hash } from 'node:crypto';
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvCell } from '../../common/csv.js';
import type { ExportRecord, FileSink, FilesExportSummary, RecordSink } from '../data-stores/data-store.port.js';

/** One file of a store's export, as the package manifest lists it. */
export interface StagedFile {
  /** Path inside the package, e.g. stores/crm/customers.ndjson. */
  name: string;
  sha256: string;
  bytes: number;
}

export interface StagedExport {
  tables: Record<string, number>;
  categories: string[];
  files: StagedFile[];
}

const FLUSH_BYTES = 256 * 1024;

/** A file written in large chunks, hashed as it is written. */
class HashedFile {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private buffer: string[] = [];
  private buffered = 0;
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { mode: 0o600 });
  }

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunk = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

interface TableFiles {
  ndjson: HashedFile;
  csv: HashedFile;
  columns: string[];
  records: number;
}

const cell = (value: unknown) => (value !== null && typeof value === 'object' && !(value instanceof Date) ? csvCell(JSON.stringify(value)) : csvCell(value));

/** A file a store writes itself (the fast path), hashed on the way to disk. */
class HashingWritable extends Writable {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private readonly out: WriteStream;

  constructor(path: string) {
    super({ highWaterMark: 1024 * 1024 });
    this.out = createWriteStream(path, { mode: 0o600 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.out.write(chunk)) done();
    else this.out.once('drain', () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.out.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.out.destroy();
    done(error);
  }
}

/**
 * Where one store's export lands before the package is built: per table an NDJSON file and a CSV
 * file (formula-safe cells), hashed as they are written — record by record, or as whole files from
 * stores that write them themselves (FileSink). A portability export keeps only what the subject
 * provided (Art 20). Writing again starts from an empty folder, so a retried step is clean.
 */
export class StagingSink implements RecordSink, FileSink {
  private readonly tables = new Map<string, TableFiles>();
  private readonly files = new Map<string, HashingWritable>();
  private readonly categories = new Set<string>();

  private constructor(
    private readonly dir: string,
    private readonly storeId: string,
    private readonly portability: boolean,
  ) {}

  static async open(dir: string, storeId: string, portability: boolean): Promise<StagingSink> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new StagingSink(dir, storeId, portability);
  }

  async write(record: ExportRecord): Promise<void> {
    const data = this.portability ? pick(record.data, record.providedBySubject) : record.data;
    if (Object.keys(data).length === 0) return;
    let files = this.tables.get(record.table);
    if (!files) {
      const base = join(this.dir, fileSafe(record.table));
      files = { ndjson: new HashedFile(`${base}.ndjson`), csv: new HashedFile(`${base}.csv`), columns: Object.keys(data), records: 0 };
      this.tables.set(record.table, files);
      await files.csv.write(`${[...files.columns, '_other'].map(cell).join(',')}\r\n`);
    }
    for (const category of record.categories) this.categories.add(category);
    files.records += 1;
    await files.ndjson.write(`${JSON.stringify(data)}\n`);
    // Columns are the first record's; anything a later record adds goes, as JSON, in `_other`.
    const other = Object.fromEntries(Object.entries(data).filter(([k]) => !files.columns.includes(k)));
    await files.csv.write(`${[...files.columns.map((c) => cell(data[c])), Object.keys(other).length ? cell(JSON.stringify(other)) : ''].join(',')}\r\n`);
  }

  async close(): Promise<StagedExport> {
    const files: StagedFile[] = [];
    const tables: Record<string, number> = {};
    for (const [table, t] of this.tables) {
      await t.ndjson.close();
      await t.csv.close();
      tables[table] = t.records;
      const base = `stores/${this.storeId}/${fileSafe(table)}`;
      files.push({ name: `${base}.ndjson`, sha256: t.ndjson.hash.digest('hex'), bytes: t.ndjson.bytes }, { name: `${base}.csv`, sha256: t.csv.hash.digest('hex'), bytes: t.csv.bytes });
    }
    return { tables, categories: [...this.categories].sort(), files };
  }

  file(table: string, format: 'ndjson' | 'csv'): Writable {
    const stream = new HashingWritable(join(this.dir, `${fileSafe(table)}.${format}`));
    this.files.set(`${table}\u0000${format}`, stream);
    return stream;
  }

  /** After the store wrote its own files: the tables that had records, as the manifest lists them. */
  filesWritten(summary: FilesExportSummary): StagedExport {
    const files: StagedFile[] = [];
    for (const [table, count] of Object.entries(summary.tables)) {
      if (count === 0) continue;
      for (const format of ['ndjson', 'csv'] as const) {
        const stream = this.files.get(`${table}\u0000${format}`);
        if (stream) files.push({ name: `stores/${this.storeId}/${fileSafe(table)}.${format}`, sha256: stream.hash.digest('hex'), bytes: stream.bytes });
      }
    }
    return { tables: Object.fromEntries(Object.entries(summary.tables).filter(([, n]) => n > 0)), categories: summary.categories, files };
  }

  /** Closes the files without reporting, after a failed export. */
  async abort(): Promise<void> {
    await Promise.all([...this.tables.values()].flatMap((t) => [t.ndjson.close(), t.csv.close()]));
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
 * Zips the staged store files and the generated documents into `out`, via a temporary file renamed
 * into place, so a crash leaves no half package under the final name. Returns the zip's SHA-256.
 */
export async function writePackage(out: string, stagingRoot: string, staged: StagedFile[], documents: PackageDocument[]): Promise<{ sha256: string; bytes: number }> {
  const partial = `${out}.partial`;
  const zip = new ZipArchive({ zlib: { level: 1 } });
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(zip, tap, createWriteStream(partial, { mode: 0o600 }));
  for (const doc of documents) zip.append(doc.content, { name: doc.name });
  for (const file of staged) zip.append(createReadStream(join(stagingRoot, file.name.replace(/^stores\//, ''))), { name: file.name });
  await zip.finalize();
  await written;
  await rename(partial, out);
  return { sha256: hash.digest('hex'), bytes };
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
