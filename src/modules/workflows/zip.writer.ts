import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { crc32, createDeflateRaw, DeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * A zip of entries that are already deflated: the export steps compress their files while the
 * store streams them (in zlib's thread pool, alongside the database), so building the package is a
 * copy. Zip64 where it is needed (an entry or the package past 4 GiB, more than 65,534 entries),
 * plain zip otherwise, as Info-ZIP and the archivers built into Windows and macOS expect.
 */
export interface DeflatedEntry {
  name: string;
  /** CRC-32 and size of the uncompressed content. */
  crc32: number;
  size: number;
  compressedSize: number;
  /** The raw-deflate bytes: a file, or a buffer. */
  path?: string;
  data?: Buffer;
}

/** A 32-bit field at this value says "see the zip64 extra field". */
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

export function deflatedBuffer(name: string, content: string): DeflatedEntry {
  const raw = Buffer.from(content, 'utf8');
  const data = deflateRawSync(raw, { level: 6 });
  return { name, crc32: crc32(raw), size: raw.length, compressedSize: data.length, data };
}

function dosDateTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

export interface ZipOptions {
  /** Zip64 fields on every entry and the end record, needed or not (for tests: real ones need 4 GiB). */
  zip64?: 'auto' | 'always';
}

/** The zip64 extra field (id 1): the 64-bit values whose 32-bit fields say MAX32, in the spec's order. */
function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return extra;
}

/** Writes the zip to `out` through `<out>.partial` renamed into place; returns its SHA-256 and size. */
export async function writeZip(out: string, entries: DeflatedEntry[], at: Date, options: ZipOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const always = options.zip64 === 'always';
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  // A disk error (or a write still buffered when the step is cancelled) fails this package, never the
  // process: an 'error' event with no listener would be thrown from the event loop.
  let failed: Error | undefined;
  file.on('error', (error) => {
    failed ??= error;
  });
  const hash = createHash('sha256');
  let offset = 0;
  const write = async (chunk: Buffer) => {
    if (failed) throw failed;
    hash.update(chunk);
    offset += chunk.length;
    if (!file.write(chunk)) await once(file, 'drain');
  };
  const { time, date } = dosDateTime(at);
  const central: Buffer[] = [];
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      const headerOffset = offset;
      const sizes64 = always || entry.size >= MAX32 || entry.compressedSize >= MAX32;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(sizes64 ? 45 : 20, 4); // version needed: zip64, or deflate
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(8, 8); // deflate
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(entry.crc32 >>> 0, 14);
      local.writeUInt32LE(sizes64 ? MAX32 : entry.compressedSize, 18);
      local.writeUInt32LE(sizes64 ? MAX32 : entry.size, 22);
      local.writeUInt16LE(name.length, 26);
      // A local zip64 field carries both sizes.
      const localExtra = sizes64 ? zip64Extra([entry.size, entry.compressedSize]) : Buffer.alloc(0);
      local.writeUInt16LE(localExtra.length, 28);
      await write(local);
      await write(name);
      await write(localExtra);
      if (entry.data) await write(entry.data);
      else for await (const chunk of createReadStream(entry.path!, { highWaterMark: 1024 * 1024 })) await write(chunk as Buffer);
      const offset64 = always || headerOffset >= MAX32;
      const centralExtra = zip64Extra([...(sizes64 ? [entry.size, entry.compressedSize] : []), ...(offset64 ? [headerOffset] : [])]);
      const zip64 = sizes64 || offset64;
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(zip64 ? 0x032d : 0x0314, 4); // made by: Unix, spec 4.5 or 2.0
      header.writeUInt16LE(zip64 ? 45 : 20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(time, 12);
      header.writeUInt16LE(date, 14);
      header.writeUInt32LE(entry.crc32 >>> 0, 16);
      header.writeUInt32LE(sizes64 ? MAX32 : entry.compressedSize, 20);
      header.writeUInt32LE(sizes64 ? MAX32 : entry.size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt16LE(zip64 ? centralExtra.length : 0, 30);
      header.writeUInt32LE((0o100600 << 16) >>> 0, 38); // a regular file, owner read/write
      header.writeUInt32LE(offset64 ? MAX32 : headerOffset, 42);
      central.push(header, name, ...(zip64 ? [centralExtra] : []));
    }
    const start = offset;
    for (const part of central) await write(part);
    const size = offset - start;
    if (always || entries.length >= MAX16 || size >= MAX32 || start >= MAX32) {
      // The zip64 end of central directory record, and the locator that points to it.
      const end64At = offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4); // the size of the rest of the record
      end64.writeUInt16LE(0x032d, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(entries.length), 24);
      end64.writeBigUInt64LE(BigInt(entries.length), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(end64At), 8);
      locator.writeUInt32LE(1, 16); // disks in all
      await write(end64);
      await write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(entries.length, MAX16), 8);
    end.writeUInt16LE(Math.min(entries.length, MAX16), 10);
    end.writeUInt32LE(Math.min(size, MAX32), 12);
    end.writeUInt32LE(Math.min(start, MAX32), 16);
    await write(end);
    file.end();
    await once(file, 'close');
    if (failed) throw failed;
  } catch (error) {
    // Closed before the partial file is removed: an open still pending would create it again.
    if (!file.closed) {
      file.destroy();
      await once(file, 'close').catch(() => undefined);
    }
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, out);
  return { sha256: hash.digest('hex'), bytes: offset };
}

/** A file deflated as it is written, with the CRC-32, size and SHA-256 of what was written. */
export class DeflatingFile extends Writable {
  private readonly sha = createHash('sha256');
  private crc = 0;
  size = 0;
  compressedSize = 0;
  private readonly deflate: DeflateRaw;
  private readonly done: Promise<void>;

  private readonly file: WriteStream;

  constructor(readonly path: string) {
    super({ highWaterMark: 1024 * 1024 });
    // Level 1: most of level 6's saving on this kind of text, at a fraction of the CPU.
    this.deflate = createDeflateRaw({ level: 1 });
    this.file = createWriteStream(path, { mode: 0o600 });
    const file = this.file;
    this.deflate.on('data', (chunk: Buffer) => {
      if (file.destroyed) return;
      this.compressedSize += chunk.length;
      if (!file.write(chunk)) {
        this.deflate.pause();
        file.once('drain', () => this.deflate.resume());
      }
    });
    this.done = new Promise((resolve, reject) => {
      this.deflate.once('end', () => file.end(() => resolve()));
      this.deflate.on('error', reject);
      file.on('error', reject);
    });
    // A disk error fails this stream, and so the step, never the process: its users see it through
    // pipeline() or finished(); the listener below only keeps an unobserved one from being fatal.
    this.done.catch((error: Error) => this.destroy(error));
    this.on('error', () => undefined);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sha.update(chunk);
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    if (this.deflate.write(chunk)) callback();
    else this.deflate.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.deflate.end();
    this.done.then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.deflate.destroy();
    this.file.destroy();
    callback(error);
  }

  /** After 'finish': the entry as the zip writer takes it. */
  entry(name: string): DeflatedEntry & { sha256: string } {
    return { name, crc32: this.crc, size: this.size, compressedSize: this.compressedSize, path: this.path, sha256: this.sha.copy().digest('hex') };
  }
}

