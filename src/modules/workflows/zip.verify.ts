import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32, createInflateRaw } from 'node:zlib';

/** What one entry of a package must hold: the manifest's hash and size of its content. */
export interface ExpectedEntry {
  name: string;
  sha256: string;
  bytes: number;
}

/** The package on disk is not the package Lethe meant to send: it is never linked. */
export class PackageIntegrityError extends Error {
  constructor(readonly detail: string) {
    super(`the package failed its integrity check: ${detail}`);
    this.name = 'PackageIntegrityError';
  }
}

const MAX32 = 0xffffffff;
const END = 0x06054b50;
const END64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface CentralEntry {
  name: string;
  crc32: number;
  size: number;
  compressedSize: number;
  offset: number;
}

/**
 * Reads a package back as any zip reader would — the end record (zip64 where present), the central
 * directory, each local header — inflates every entry, and checks its CRC-32, size and SHA-256
 * against the central directory and against `expected` (the manifest, and the documents), which
 * must name exactly the zip's entries, in order. Also the file's own SHA-256, as recorded. Throws
 * PackageIntegrityError on the first difference.
 */
export async function verifyZip(path: string, expected: ExpectedEntry[], sha256: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== sha256) throw new PackageIntegrityError('the file is not the one written');
  const entries = await centralDirectory(path);
  const names = entries.map((e) => e.name);
  if (names.join('\n') !== expected.map((e) => e.name).join('\n')) throw new PackageIntegrityError('its entries are not the manifest’s');
  const file = await open(path, 'r');
  try {
    for (const [i, entry] of entries.entries()) {
      const want = expected[i]!;
      const local = Buffer.alloc(30);
      await file.read(local, 0, 30, entry.offset);
      if (local.readUInt32LE(0) !== LOCAL) throw new PackageIntegrityError(`no local header for ${entry.name}`);
      const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const content = await inflated(path, start, entry.compressedSize);
      if (content.crc32 !== entry.crc32 || content.size !== entry.size) throw new PackageIntegrityError(`${entry.name} does not match its CRC-32 or size`);
      if (content.sha256 !== want.sha256 || content.size !== want.bytes) throw new PackageIntegrityError(`${entry.name} does not match the manifest`);
    }
  } finally {
    await file.close();
  }
}

async function inflated(path: string, start: number, length: number): Promise<{ crc32: number; size: number; sha256: string }> {
  const sha = createHash('sha256');
  let crc = 0;
  let size = 0;
  if (length === 0) throw new PackageIntegrityError('an entry has no data');
  const inflate = createInflateRaw();
  const source = createReadStream(path, { start, end: start + length - 1, highWaterMark: 1024 * 1024 });
  source.on('error', (error) => inflate.destroy(error));
  source.pipe(inflate);
  try {
    for await (const chunk of inflate) {
      sha.update(chunk as Buffer);
      crc = crc32(chunk as Buffer, crc);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw new PackageIntegrityError(`an entry does not inflate (${(error as { code?: string }).code ?? 'invalid data'})`);
  } finally {
    source.destroy();
  }
  return { crc32: crc >>> 0, size, sha256: sha.digest('hex') };
}

async function centralDirectory(path: string): Promise<CentralEntry[]> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    // The end record is the last 22 bytes: Lethe writes no archive comment.
    const tail = Buffer.alloc(Math.min(fileSize, 22 + 20 + 56));
    await file.read(tail, 0, tail.length, fileSize - tail.length);
    const end = tail.subarray(tail.length - 22);
    if (tail.length < 22 || end.readUInt32LE(0) !== END) throw new PackageIntegrityError('no end of central directory');
    let count = end.readUInt16LE(10);
    let size = end.readUInt32LE(12);
    let start = end.readUInt32LE(16);
    const locator = tail.length >= 42 ? tail.subarray(tail.length - 42, tail.length - 22) : undefined;
    if (locator?.readUInt32LE(0) === LOCATOR64) {
      const end64 = Buffer.alloc(56);
      await file.read(end64, 0, 56, Number(locator.readBigUInt64LE(8)));
      if (end64.readUInt32LE(0) !== END64) throw new PackageIntegrityError('a broken zip64 end record');
      count = Number(end64.readBigUInt64LE(32));
      size = Number(end64.readBigUInt64LE(40));
      start = Number(end64.readBigUInt64LE(48));
    }
    if (start + size > fileSize) throw new PackageIntegrityError('the central directory is outside the file');
    const central = Buffer.alloc(size);
    await file.read(central, 0, size, start);
    const entries: CentralEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > central.length || central.readUInt32LE(at) !== CENTRAL) throw new PackageIntegrityError('a broken central directory');
      const nameLength = central.readUInt16LE(at + 28);
      const extraLength = central.readUInt16LE(at + 30);
      const commentLength = central.readUInt16LE(at + 32);
      const entry: CentralEntry = {
        name: central.toString('utf8', at + 46, at + 46 + nameLength),
        crc32: central.readUInt32LE(at + 16),
        compressedSize: central.readUInt32LE(at + 20),
        size: central.readUInt32LE(at + 24),
        offset: central.readUInt32LE(at + 42),
      };
      readZip64(central.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** The zip64 extra field's values replace, in order, the 32-bit fields that say MAX32. */
function readZip64(extra: Buffer, entry: CentralEntry): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let value = at + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(value));
        value += 8;
        return v;
      };
      if (entry.size === MAX32) entry.size = next();
      if (entry.compressedSize === MAX32) entry.compressedSize = next();
      if (entry.offset === MAX32) entry.offset = next();
    }
    at += 4 + length;
  }
}
