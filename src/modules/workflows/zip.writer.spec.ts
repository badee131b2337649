import AdmZip from 'adm-zip';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflatedBuffer, writeZip } from './zip.writer.js';

const ZIP64_END = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
/** Info-ZIP's unzip, an independent reader: tests the archive, then lists it or prints one entry. */
const unzip = (...args: string[]) => execFileSync('unzip', args, { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');

describe('writeZip', () => {
  const at = new Date('2026-03-01T10:00:00Z');

  it('writes a zip that a zip reader reads back, with the SHA-256 and size of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
    const out = join(dir, 'package.zip');
    const result = await writeZip(out, [deflatedBuffer('a.json', '{"a":1}'), deflatedBuffer('b/ü.csv', 'x,y\n1,2\n')], at);
    const bytes = readFileSync(out);
    expect(result).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    const zip = new AdmZip(out);
    expect(zip.readAsText('a.json')).toBe('{"a":1}');
    expect(zip.readAsText('b/ü.csv')).toBe('x,y\n1,2\n');
  });

  it('rejects when an entry cannot be read, and the half-written file fails quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
    const out = join(dir, 'package.zip');
    const big = deflatedBuffer('big.txt', 'x'.repeat(64 * 1024));
    const missing = { name: 'gone.json', crc32: 0, size: 10, compressedSize: 10, path: join(dir, 'gone.deflate') };
    await expect(writeZip(out, [big, big, big, missing], at)).rejects.toThrow(/ENOENT/);
    // What the destroyed stream still had buffered must not surface as an uncaught 'error' (it did:
    // "Cannot call writev after a stream was destroyed", thrown from the event loop).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects when the file cannot be created', async () => {
    const out = join(tmpdir(), `no-such-dir-${process.pid}`, 'package.zip');
    await expect(writeZip(out, [deflatedBuffer('a.json', '{}')], at)).rejects.toThrow(/ENOENT/);
  });

  it('writes plain zip when nothing needs zip64 (readers that predate zip64 open it)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zip-writer-')), 'package.zip');
    await writeZip(out, [deflatedBuffer('a.json', '{"a":1}')], at);
    expect(readFileSync(out).includes(ZIP64_END)).toBe(false);
    expect(unzip('-tq', out)).toMatch(/No errors/);
  });

  it('writes zip64 fields that readers follow (every entry and the end record, as past 4 GiB)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zip-writer-')), 'package.zip');
    const text = 'row,value\n'.repeat(5000);
    await writeZip(out, [deflatedBuffer('a.json', '{"a":1}'), deflatedBuffer('stores/crm/rows.csv', text)], at, { zip64: 'always' });
    expect(readFileSync(out).includes(ZIP64_END)).toBe(true);
    expect(unzip('-tq', out)).toMatch(/No errors/);
    expect(unzip('-p', out, 'stores/crm/rows.csv')).toBe(text);
    expect(new AdmZip(out).readAsText('a.json')).toBe('{"a":1}');
  });

  it('holds more than 65,535 files (the zip64 end record says how many)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zip-writer-')), 'package.zip');
    const same = deflatedBuffer('-', 'the same content'); // deflated once: 70,000 deflates take longer than the zip
    const entries = Array.from({ length: 70_000 }, (_, i) => ({ ...same, name: `files/${i}.txt` }));
    await writeZip(out, entries, at);
    expect(readFileSync(out).includes(ZIP64_END)).toBe(true);
    expect(unzip('-tq', out)).toMatch(/No errors/);
    expect(unzip('-Z1', out).trim().split('\n')).toHaveLength(70_000);
    expect(unzip('-p', out, 'files/69999.txt')).toBe('the same content');
  });
});
