import { Injectable } from '@nestjs/common';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { sha256Hex } from '../../common/crypto.js';
import { Clock } from '../../common/clock.js';
import { ConflictError } from '../../common/errors/domain.error.js';
import { DatabaseEndpoint } from '../../infrastructure/database/database.module.js';
import { OpsRepository } from './ops.repository.js';

const gzipped = (tar: Buffer) => promisify(gzip)(tar, { level: 1 });

export interface Backup {
  bytes: Buffer;
  fileName: string;
  sha256: string;
}

/**
 * A consistent snapshot of the embedded database while Lethe runs: PGlite's data directory as a
 * gzip tarball, taken between two statements (PGlite runs one at a time). A transaction still open
 * at that instant is in the snapshot as a crash would leave it — rolled back when the copy starts,
 * since Postgres recovers from its write-ahead log — so what a restore holds is exactly what had
 * committed. The keys (LETHE_HMAC_KEY, LETHE_ENCRYPTION_KEYS, or data/secrets.json) are never in it.
 * On a Postgres server, back up with pg_dump or the server's own tools instead.
 */
@Injectable()
export class BackupService {
  constructor(
    private readonly endpoint: DatabaseEndpoint,
    private readonly repository: OpsRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async take(caller: Caller): Promise<Backup> {
    const embedded = this.endpoint.embedded;
    if (!embedded) throw new ConflictError('not_embedded', 'Lethe runs on a Postgres server: back it up with pg_dump (see the README, "Backup and restore")');
    // Written to the data files first, so that a restore replays as little of the log as possible.
    await this.repository.checkpoint();
    // Writes wait only while the files are copied: compressing (zlib, off the main thread) comes after.
    const dump = await embedded.db.dumpDataDir('none');
    const bytes = await gzipped(Buffer.from(await dump.arrayBuffer()));
    const at = this.clock.now();
    const backup = { bytes, fileName: `lethe-backup-${at.toISOString().replace(/[:.]/g, '-')}.tar.gz`, sha256: sha256Hex(bytes) };
    await this.dataSource.transaction((m) => this.audit.record(m, caller, { action: 'ops.backup_taken', targetType: 'database', targetId: null, details: { sha256: backup.sha256, bytes: bytes.length } }));
    return backup;
  }
}
