import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Connections the socket server accepts. pglite-socket drops (does not queue) connections over
 * its limit, and queues statements, not connections, so a generous ceiling costs nothing. It must
 * stay above the sum of every pool: TypeORM's, BullMQ's query pools and one LISTEN client per
 * queue consumer.
 */
const MAX_CONNECTIONS = 512;

export interface EmbeddedPostgresOptions {
  /** Folder for the database files; undefined keeps everything in memory (tests). */
  dataDir: string | undefined;
  port: number;
  /**
   * A file holding an empty cluster. A database that does not exist yet (in memory, or a data folder
   * without one) starts from it when it exists; when it does not, the cluster initdb makes is written
   * there first. Loading is about twice as fast as initdb, which is most of a start (the tests boot
   * dozens of apps).
   */
  template?: string;
}

/**
 * Postgres for a machine that has only Node: PGlite (Postgres compiled to WASM) served over TCP
 * so the ordinary `pg` driver, TypeORM and BullMQ talk to it as to any server.
 *
 * PGlite is one session shared by every socket and runs one transaction at a time: code must never
 * query on another connection while it holds a transaction, and must not rely on session state.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    private readonly lockFile: string | undefined,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    let lockFile: string | undefined;
    let dbPath: string | undefined;
    if (options.dataDir !== undefined) {
      const dir = resolve(options.dataDir);
      // The database holds personal data: files this process creates from here on (PGlite's, and
      // Lethe's own under the data folder) are for this user only, whatever the umask was, and so
      // are those an earlier version left readable by others.
      process.umask(0o077);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // The data folder is Lethe's (0700), unless it was pointed at a folder that is plainly not (`.`, a home folder).
      if (dir !== process.cwd() && dir !== homedir()) chmodSync(dir, 0o700);
      restrictDataDir(dir);
      lockFile = join(dir, 'pglite.lock');
      takeLock(lockFile);
      dbPath = join(dir, 'pglite');
    }
    try {
      const db = await openCluster(dbPath, options.template);
      // PGlite's initdb writes the cluster with explicit 0666 modes, past the umask: tighten them.
      if (options.dataDir !== undefined) restrictDataDir(resolve(options.dataDir));
      // BullMQ's Postgres backend pins `search_path` through startup options, which PGlite
      // ignores; its tables live in the `bullmq` schema, ours in `public`.
      await db.exec('SET search_path TO public, bullmq');
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port, maxConnections: MAX_CONNECTIONS });
      keepExtendedQueriesTogether(server);
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      return new EmbeddedPostgres(db, server, url, lockFile);
    } catch (error) {
      if (lockFile) rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /** Stops accepting connections and closes the database files cleanly. */
  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}

/** What Lethe writes in its data folder, and nothing else there: its files 0600, its subfolders 0700 with their contents 0600. */
const OWN_ENTRIES = ['pglite', 'mail', 'exports', 'pglite.lock', 'admin-api-key.txt', 'secrets.json'];

function restrictDataDir(dir: string): void {
  for (const name of OWN_ENTRIES) {
    if (existsSync(join(dir, name))) restrictToOwner(join(dir, name));
  }
}

/** Folders 0700, files 0600, everywhere under `dir` (symbolic links are left alone). */
function restrictToOwner(dir: string): void {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return;
  if (!stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o600) chmodSync(dir, 0o600);
    return;
  }
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir)) restrictToOwner(join(dir, entry));
}

/** The cluster at `dbPath` (in memory when undefined); a new one from the template when there is one, writing it when missing. */
async function openCluster(dbPath: string | undefined, template: string | undefined): Promise<PGlite> {
  const isNew = dbPath === undefined || !existsSync(join(dbPath, 'PG_VERSION'));
  if (template === undefined || !isNew) return PGlite.create(dbPath);
  if (existsSync(template)) return PGlite.create(dbPath, { loadDataDir: fileBytes(template) });
  const db = await PGlite.create(dbPath);
  const dump = await db.dumpDataDir('none');
  // Written whole under another name, then renamed: a reader never sees half a file.
  const partial = `${template}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  renameSync(partial, template);
  return db;
}

/**
 * A file as PGlite reads a tarball: it calls only `arrayBuffer()` (and reads `type`). A Blob made
 * from the file hands its bytes back in small chunks that Node concatenates, ~0.6 s for the 40 MB
 * cluster (a third of a start); this hands them over in one copy.
 */
function fileBytes(path: string): Blob {
  const bytes = readFileSync(path);
  const whole = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { type: '', size: whole.byteLength, arrayBuffer: () => Promise.resolve(whole) } as Blob;
}

/** Two processes on one PGlite folder would corrupt it: refuse while a live process holds it. */
function takeLock(file: string): void {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(file, 'utf8'));
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database in ${file.replace(/pglite\.lock$/, '')} is in use by process ${holder}. ` +
        'Stop it, or point DATABASE_URL at a Postgres server to run several Lethe processes.',
    );
  }
  writeFileSync(file, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parts of pglite-socket's (unexported) statement queue that the fix below replaces. */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}
interface StatementQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S': ends an extended-protocol batch
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // Parse, Bind, Describe, Execute, Close, Flush

/**
 * pglite-socket 0.2.17 runs protocol messages one at a time in arrival order, keeping one connection's
 * messages together only inside an explicit transaction. Between a client's Parse and its Sync another
 * client's Parse can slip in and replace the unnamed statement: the driver then fails with SQLSTATE
 * 08P01 ("bind message supplies N parameters"). This keeps a connection's Parse…Sync batch together
 * the way a real server's per-connection backend does. The version is pinned; re-check on upgrade.
 */
function keepExtendedQueriesTogether(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: StatementQueue }).queryQueue;
  let batchOwner: number | null = null;

  queue.processQueue = async function processQueue(this: StatementQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = batchOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) break; // the owner's next message has not arrived yet
        const [item] = this.queue.splice(index, 1) as [QueuedMessage];
        const type = item.message[0]!;
        if (EXTENDED.has(type)) batchOwner = item.handlerId;
        else if (type === SYNC || type === SIMPLE_QUERY || type === TERMINATE) batchOwner = null;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    if (batchOwner === handlerId) batchOwner = null;
    clear(handlerId);
    void queue.processQueue();
  };
}
