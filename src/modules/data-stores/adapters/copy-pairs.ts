import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';

/** The 11-byte signature that opens `COPY … TO STDOUT (FORMAT binary)`, then 4 bytes of flags and the extension's length. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8;

/**
 * Splits the output of `COPY (SELECT a, b …) TO STDOUT (FORMAT binary)`, where both columns are
 * text and never NULL, into two streams: each row's `a` followed by `endA` into `first`, its `b`
 * followed by `endB` into `second`. So one scan of a table gives two files (the NDJSON and the CSV
 * of an export), and Node only slices bytes: binary COPY sends each text value with its length,
 * unescaped.
 *
 * Format (PostgreSQL docs, "COPY", Binary Format): the header, then per row a 16-bit field count
 * and per field a 32-bit length (-1 for NULL) and the bytes, then a field count of -1.
 */
export class CopyPairSplitter extends Writable {
  rows = 0;
  private rest: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private trailerRead = false;

  constructor(
    private readonly first: Writable,
    private readonly second: Writable,
    private readonly endA: Buffer,
    private readonly endB: Buffer,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let parsed: { a: Buffer[]; b: Buffer[] };
    try {
      parsed = this.parse(this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    const waits: Promise<unknown>[] = [];
    if (parsed.a.length > 0 && !this.first.write(Buffer.concat(parsed.a))) waits.push(drained(this.first));
    if (parsed.b.length > 0 && !this.second.write(Buffer.concat(parsed.b))) waits.push(drained(this.second));
    if (waits.length === 0) callback();
    else Promise.all(waits).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.trailerRead || this.rest.length > 0) {
      callback(new Error(this.trailerRead ? 'binary COPY output went on after its end' : 'binary COPY output ended early'));
      return;
    }
    this.first.end();
    this.second.end();
    Promise.all([finished(this.first), finished(this.second)]).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The files are useless after a failure; they are closed without an error of their own (this
    // stream carries it), so no listener of theirs is needed.
    if (error) {
      this.first.destroy();
      this.second.destroy();
    }
    callback(error);
  }

  /** Every whole row in `buffer`; what is left of a row cut by the chunk's end waits for the next chunk. */
  private parse(buffer: Buffer): { a: Buffer[]; b: Buffer[] } {
    const a: Buffer[] = [];
    const b: Buffer[] = [];
    let at = 0;
    if (!this.headerRead) {
      if (buffer.length < HEADER) return this.keep(buffer, at, a, b);
      if (!buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not binary COPY output');
      const extension = buffer.readUInt32BE(SIGNATURE.length + 4);
      if (buffer.length < HEADER + extension) return this.keep(buffer, at, a, b);
      at = HEADER + extension;
      this.headerRead = true;
    }
    while (!this.trailerRead && buffer.length - at >= 2) {
      const fields = buffer.readInt16BE(at);
      if (fields === -1) {
        this.trailerRead = true;
        at += 2;
        break;
      }
      if (fields !== 2) throw new Error(`binary COPY row with ${fields} fields, expected 2`);
      let p = at + 2;
      if (buffer.length - p < 4) break;
      const lengthA = buffer.readInt32BE(p);
      p += 4;
      if (lengthA < 0) throw new Error('binary COPY row with a NULL field');
      if (buffer.length - p < lengthA + 4) break;
      const valueA = buffer.subarray(p, p + lengthA);
      p += lengthA;
      const lengthB = buffer.readInt32BE(p);
      p += 4;
      if (lengthB < 0) throw new Error('binary COPY row with a NULL field');
      if (buffer.length - p < lengthB) break;
      a.push(valueA, this.endA);
      b.push(buffer.subarray(p, p + lengthB), this.endB);
      at = p + lengthB;
      this.rows += 1;
    }
    return this.keep(buffer, at, a, b);
  }

  private keep(buffer: Buffer, at: number, a: Buffer[], b: Buffer[]): { a: Buffer[]; b: Buffer[] } {
    // A copy: the slices above point into `buffer`, which the next chunk's concat must not hold on to.
    this.rest = at < buffer.length ? Buffer.from(buffer.subarray(at)) : Buffer.alloc(0);
    return { a, b };
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}
