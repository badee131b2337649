import AdmZip from 'adm-zip';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflatedBuffer, writeZip } from './zip.writer.js';

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
});
