import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { crc32, createDeflateRaw, DeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * A zip of entries that are already deflated: the export steps compress their files while the
 * store streams them (in zlib's thread pool, alongside the database), so building the package is a
 * copy. Plain zip (no zip64): an entry or the whole package must stay under 4 GiB, 65,535 entries.
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

const LIMIT = 0xffffffff;

export function deflatedBuffer(name: string, content: string): DeflatedEntry {
  const raw = Buffer.from(content, 'utf8');
  const data = deflateRawSync(raw, { level: 6 });
  return { name, crc32: crc32(raw), size: raw.length, compressedSize: data.length, data };
}

export class ZipTooLarge extends Error {
  constructor() {
    super('the package would exceed the zip format’s 4 GiB or 65,535-entry limit');
    this.name = 'ZipTooLarge';
  }
}

function dosDateTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** Writes the zip to `out` through `<out>.partial` renamed into place; returns its SHA-256 and size. */
export async function writeZip(out: string, entries: DeflatedEntry[], at: Date): Promise<{ sha256: string; bytes: number }> {
  if (entries.length > 0xffff) throw new ZipTooLarge();
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
    if (offset > LIMIT) throw new ZipTooLarge();
    if (!file.write(chunk)) await once(file, 'drain');
  };
  const { time, date } = dosDateTime(at);
  const central: Buffer[] = [];
  try {
    for (const entry of entries) {
      if (entry.size > LIMIT || entry.compressedSize > LIMIT) throw new ZipTooLarge();
      const name = Buffer.from(entry.name, 'utf8');
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed: deflate
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(8, 8); // deflate
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(entry.crc32 >>> 0, 14);
      local.writeUInt32LE(entry.compressedSize, 18);
      local.writeUInt32LE(entry.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      const headerOffset = offset;
      await write(local);
      await write(name);
      if (entry.data) await write(entry.data);
      else for await (const chunk of createReadStream(entry.path!, { highWaterMark: 1024 * 1024 })) await write(chunk as Buffer);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(0x0314, 4); // made by: Unix, spec 2.0
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(time, 12);
      header.writeUInt16LE(date, 14);
      header.writeUInt32LE(entry.crc32 >>> 0, 16);
      header.writeUInt32LE(entry.compressedSize, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE((0o100600 << 16) >>> 0, 38); // a regular file, owner read/write
      header.writeUInt32LE(headerOffset, 42);
      central.push(header, name);
    }
    const start = offset;
    for (const part of central) await write(part);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - start, 12);
    end.writeUInt32LE(start, 16);
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

