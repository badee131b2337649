import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflatedBuffer, writeZip } from './zip.writer.js';
import { type ExpectedEntry, PackageIntegrityError, verifyZip } from './zip.verify.js';

const at = new Date('2026-03-01T10:00:00Z');
const contents = { 'manifest.json': '{"files":[]}', 'stores/crm/customers.ndjson': `${'{"email":"a@example.com"}\n'.repeat(2000)}` };
const expected: ExpectedEntry[] = Object.entries(contents).map(([name, text]) => ({ name, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) }));

async function written(zip64: 'auto' | 'always') {
  const out = join(mkdtempSync(join(tmpdir(), 'zip-verify-')), 'package.zip');
  const { sha256 } = await writeZip(out, Object.entries(contents).map(([name, text]) => deflatedBuffer(name, text)), at, { zip64 });
  return { out, sha256 };
}

/** Rewrites the file with `change` applied, and returns its new SHA-256 (as if Lethe had recorded it). */
function tamper(out: string, change: (bytes: Buffer) => Buffer): string {
  const bytes = change(Buffer.from(readFileSync(out)));
  writeFileSync(out, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

describe('verifyZip', () => {
  it.each(['auto', 'always'] as const)('accepts the package as written (zip64: %s)', async (zip64) => {
    const { out, sha256 } = await written(zip64);
    await expect(verifyZip(out, expected, sha256)).resolves.toBeUndefined();
  });

  it('refuses a file whose SHA-256 is not the one recorded', async () => {
    const { out } = await written('auto');
    await expect(verifyZip(out, expected, '0'.repeat(64))).rejects.toThrow(/not the one written/);
  });

  it('refuses an entry whose compressed data was rewritten (a corrupt deflate stream)', async () => {
    const { out } = await written('auto');
    // Inside the second entry's data: after the first local header, name and data.
    const sha256 = tamper(out, (b) => {
      const second = b.indexOf('stores/crm/customers.ndjson') + 'stores/crm/customers.ndjson'.length + 40;
      b[second] = b[second]! ^ 0xff;
      return b;
    });
    await expect(verifyZip(out, expected, sha256)).rejects.toBeInstanceOf(PackageIntegrityError);
  });

  it('refuses a package whose content is not what the manifest lists', async () => {
    const { out, sha256 } = await written('always');
    const other = expected.map((e, i) => (i === 1 ? { ...e, sha256: createHash('sha256').update('other').digest('hex') } : e));
    await expect(verifyZip(out, other, sha256)).rejects.toThrow(/stores\/crm\/customers.ndjson does not match the manifest/);
    await expect(verifyZip(out, expected.slice(0, 1), sha256)).rejects.toThrow(/entries are not the manifest/);
  });

  it('refuses a truncated file', async () => {
    const { out } = await written('auto');
    const sha256 = tamper(out, (b) => b.subarray(0, b.length - 30));
    await expect(verifyZip(out, expected, sha256)).rejects.toThrow(/no end of central directory/);
  });
});
