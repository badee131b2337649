import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { SessionsRepository } from './sessions.repository.js';

const SWEEP = 'session.sweep';
/** Ended sessions (they hold a person's name and email) are kept this long, then deleted. Sign-ins stay in the audit trail. */
export const SESSION_RETENTION_DAYS = 30;

/** A daily job: deletes console sessions that ended, or could no longer be used, more than 30 days ago. */
@Injectable()
export class SessionSweep implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionsRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define(SWEEP, async () => {
      await this.sweep();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.ensureScheduled(SWEEP, (m) => this.scheduleNext(m));
  }

  /** Deletes what is past retention (audited with the count only) and schedules tomorrow's run. */
  sweep(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const cutoff = new Date(this.clock.now().getTime() - SESSION_RETENTION_DAYS * 86_400_000);
      const deleted = await this.repository.deleteFinishedBefore(m, cutoff);
      if (deleted > 0) await this.audit.record(m, SYSTEM, { action: 'session.swept', targetType: 'console_session', details: { deleted, retentionDays: SESSION_RETENTION_DAYS } });
      await this.scheduleNext(m);
      return deleted;
    });
  }

  private async scheduleNext(m: EntityManager): Promise<void> {
    const now = this.clock.now();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3, 15));
    if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
    await this.jobs.schedule(m, { name: SWEEP, key: SWEEP, payload: {}, runAt: next });
  }
}
