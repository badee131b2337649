/**
 * npm run bench:zip — Lethe's package writer against archiver, on the files of a 1M-row export.
 *   Lethe: the export step writes each file through DeflatingFile (deflated as it is written, with
 *   its CRC-32 and SHA-256), and the package step copies the deflated bytes into the zip (writeZip).
 *   archiver (already a dependency, used for the evidence pack): the export writes plain files, and
 *   the package step zips them (deflate level 1, as Lethe's, and level 6, archiver's default).
 *   Both arms hash every file (SHA-256, for the manifest) and write the same NDJSON and CSV bytes (one subject's customers, orders and events rows)
 *   and are timed from the first byte written to the zip on disk; the zip is then checked with unzip -t.
 * BENCH_ROWS (1000000) changes the row count; BENCH_RUNS (3) the runs per arm (medians).
 */
import { ZipArchive } from 'archiver';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { configSource } from '../src/config/from-environment.js';
import { DeflatingFile, writeZip } from '../src/modules/workflows/zip.writer.js';
import { count, fmt, line, median } from './load.js';

const env = configSource();
const ROWS = Number(env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(env.BENCH_RUNS ?? 3);
const TABLES = ['customers', 'orders', 'events'] as const;

/** The rows an export writes for one table, as NDJSON and CSV lines, in chunks of ~1 MiB. */
function* chunks(table: string, rows: number, format: 'ndjson' | 'csv'): Generator<Buffer> {
  let lines: string[] = [];
  let bytes = 0;
  if (format === 'csv') lines.push('id,subject_email,created_at,status,amount,note,_other\r\n');
  for (let i = 0; i < rows; i++) {
    const row = { id: i + 1, subject_email: 'bench.subject@example.com', created_at: new Date(1_700_000_000_000 + i * 60_000).toISOString(), status: i % 7 === 0 ? 'refunded' : 'paid', amount: ((i * 7919) % 100_000) / 100, note: `${table} row ${i} for the access copy` };
    const text = format === 'ndjson' ? `${JSON.stringify(row)}\n` : `${row.id},${row.subject_email},${row.created_at},${row.status},${row.amount},${row.note},\r\n`;
    lines.push(text);
    bytes += text.length;
    if (bytes >= 1 << 20) {
      yield Buffer.from(lines.join(''));
      lines = [];
      bytes = 0;
    }
  }
  if (lines.length) yield Buffer.from(lines.join(''));
}

/** Writes the rows; `hash` also takes each chunk (the manifest lists every file's SHA-256). */
async function writeAll(out: Writable, table: string, rows: number, format: 'ndjson' | 'csv', hash?: ReturnType<typeof createHash>): Promise<void> {
  for (const chunk of chunks(table, rows, format)) {
    hash?.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const files = (rows: number) => TABLES.flatMap((table) => (['ndjson', 'csv'] as const).map((format) => ({ table, format, rows: Math.round(rows / TABLES.length), name: `stores/shop/${table}.${format}` })));

async function lethe(dir: string, rows: number): Promise<{ ms: number; bytes: number; zip: string }> {
  const started = performance.now();
  const entries = [];
  for (const f of files(rows)) {
    const file = new DeflatingFile(join(dir, `${f.table}.${f.format}.deflate`));
    await writeAll(file, f.table, f.rows, f.format);
    entries.push(file.entry(f.name));
  }
  const zip = join(dir, 'lethe.zip');
  const { bytes } = await writeZip(zip, entries, new Date());
  return { ms: performance.now() - started, bytes, zip };
}

async function archiver(dir: string, rows: number, level: number): Promise<{ ms: number; bytes: number; zip: string }> {
  const started = performance.now();
  for (const f of files(rows)) await writeAll(createWriteStream(join(dir, `${f.table}.${f.format}`)), f.table, f.rows, f.format, createHash('sha256'));
  const zip = join(dir, `archiver-${level}.zip`);
  const archive = new ZipArchive({ zlib: { level } });
  for (const f of files(rows)) archive.append(createReadStream(join(dir, `${f.table}.${f.format}`)), { name: f.name });
  const hash = createHash('sha256');
  archive.on('data', (chunk: Buffer) => hash.update(chunk));
  const done = pipeline(archive, createWriteStream(zip));
  await archive.finalize();
  await done;
  hash.digest('hex');
  return { ms: performance.now() - started, bytes: statSync(zip).size, zip };
}

async function main(): Promise<void> {
  line(`bench:zip — ${count(ROWS)} rows in ${files(ROWS).length} files (NDJSON and CSV), ${RUNS} runs per arm, medians`);
  const arms: [string, (dir: string) => Promise<{ ms: number; bytes: number; zip: string }>][] = [
    ['Lethe: deflate while exporting (level 1), copy into the zip', (dir) => lethe(dir, ROWS)],
    ['archiver, level 1 (plain files zipped at the end)', (dir) => archiver(dir, ROWS, 1)],
    ['archiver, level 6 (its default)', (dir) => archiver(dir, ROWS, 6)],
  ];
  const results: { name: string; ms: number; bytes: number }[] = [];
  for (const [name, run] of arms) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-zip-'));
      try {
        const r = await run(dir);
        execFileSync('unzip', ['-tqq', r.zip]);
        times.push(r.ms);
        bytes = r.bytes;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    results.push({ name, ms: median(times), bytes });
  }
  const base = results[0]!;
  for (const r of results) line(`  ${r.name.padEnd(62)} ${fmt(r.ms / 1000, 2).padStart(6)} s  ${fmt(r.bytes / 1048576).padStart(6)} MiB  ${fmt(r.ms / base.ms, 2)}× Lethe's time`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
