import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyPairSplitter } from './copy-pairs.js';

/** What `COPY … TO STDOUT (FORMAT binary)` sends for rows of two text fields (null: a NULL field). */
function binaryCopy(rows: (string | null)[][], extension = Buffer.alloc(0)): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), u32(extension.length), extension];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      if (field === null) parts.push(i32(-1));
      else parts.push(i32(Buffer.byteLength(field)), Buffer.from(field));
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** A sink that takes its time, with a small buffer, so the splitter must wait for 'drain'. */
function slowSink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 8,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function split(input: Buffer, chunkSize: number): Promise<{ a: string; b: string; rows: number }> {
  const a = slowSink();
  const b = slowSink();
  const splitter = new CopyPairSplitter(a.stream, b.stream, Buffer.from('\n'), Buffer.from('\r\n'));
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunkSize) chunks.push(input.subarray(at, at + chunkSize));
  await pipeline(Readable.from(chunks), splitter);
  return { a: a.text(), b: b.text(), rows: splitter.rows };
}

describe('CopyPairSplitter', () => {
  const rows = [
    ['{"id":1,"note":"é"}', '1,"é"'],
    ['{"id":2,"note":"a\\nb"}', '2,"a\nb"'],
    ['{}', ''],
    ['{"id":3}', '3'],
  ];
  const input = binaryCopy(rows, Buffer.from('ext'));

  it.each([1, 2, 3, 7, 19, 64, input.length])('splits each row into its two files whatever the chunks (%i bytes at a time)', async (size) => {
    expect(await split(input, size)).toEqual({
      a: rows.map(([json]) => `${json}\n`).join(''),
      b: rows.map(([, csv]) => `${csv}\r\n`).join(''),
      rows: 4,
    });
  });

  it('takes a copy of no rows', async () => {
    expect(await split(binaryCopy([]), 5)).toEqual({ a: '', b: '', rows: 0 });
  });

  it.each([
    ['output cut before its trailer', input.subarray(0, input.length - 2), /ended early/],
    ['output cut inside a row', input.subarray(0, 40), /ended early/],
    ['a NULL field', binaryCopy([['{}', null]]), /NULL/],
    ['a row of three fields', binaryCopy([['a', 'b', 'c']]), /3 fields/],
    ['text that is not binary COPY', Buffer.from('id,note\n1,x\n2,y\n3,z\n'), /not binary COPY/],
  ])('fails on %s', async (_name, broken, message) => {
    await expect(split(broken, 16)).rejects.toThrow(message);
  });
});
