// archiver 8 is ESM and ships no types; this declares the part Lethe uses.
declare module 'archiver' {
  import { Readable, Transform } from 'node:stream';
  export class ZipArchive extends Transform {
    constructor(options?: { zlib?: { level?: number } });
    append(source: Buffer | string | Readable, data: { name: string; date?: Date }): this;
    finalize(): Promise<void>;
  }
}
