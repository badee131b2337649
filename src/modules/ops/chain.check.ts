import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { ConsentService } from '../consent/consent.service.js';
import { ChainCheckEntity } from './chain-check.entity.js';
import { afterAuditRun, afterConsentRun, type ChainChange, type ChainState } from './chain-check.rules.js';
import { type ChainName, MetricsService } from './metrics.service.js';
import { OpsRepository } from './ops.repository.js';

const JOB = 'ops.chain-check';

/**
 * A recurring job, every LETHE_CHAIN_CHECK_INTERVAL_MINUTES: verifies the audit trail whole (it is
 * low volume) and the next LETHE_CHAIN_CHECK_CONSENT_SUBJECTS subjects' consent chains (the ledger
 * is walked a slice per run, so one run's cost stays bounded however large it grows), and keeps
 * the verdicts in chain_check, where every process's /metrics reads them. A verdict that turns
 * (broken, or intact again) is audited in the same transaction.
 */
@Injectable()
export class ChainCheck implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('ChainCheck');

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: OpsRepository,
    private readonly audit: AuditService,
    private readonly consent: ConsentService,
    private readonly jobs: JobsService,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define(JOB, () => this.run());
    this.metrics.chainCheckInterval.set(this.config.ops.chainCheckIntervalMinutes * 60);
    this.metrics.provide('chains', async () =>
      (await this.repository.chainChecks()).map((row) => ({ chain: row.chain as ChainName, ok: row.ok, lastRunAt: row.lastRunAt })),
    );
  }

  /** The first run one interval after the first start; restarts keep the run already pending. */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.ensureScheduled(JOB, (m) => this.scheduleNext(m));
  }

  /** One run: both chains verified, the verdicts kept, the next run scheduled. */
  async run(): Promise<void> {
    const before = new Map((await this.repository.chainChecks()).map((row) => [row.chain, row]));
    const audit = await this.audit.verify();
    const slice = await this.consent.verifySlice(before.get('consent')?.cursor ?? '', this.config.ops.chainCheckConsentSubjects);
    await this.dataSource.transaction(async (m) => {
      const rows = new Map((await this.repository.lockChainChecks(m)).map((row) => [row.chain, row]));
      await this.keep(m, 'audit', afterAuditRun(rows.get('audit'), audit));
      await this.keep(m, 'consent', afterConsentRun(rows.get('consent'), slice));
      await this.scheduleNext(m);
    });
    if (!audit.valid || slice.broken > 0) {
      this.logger.error({ audit: audit.valid, firstBrokenSeq: audit.firstBrokenSeq, consentBrokenSubjects: slice.broken }, 'chain verification found a break');
    }
  }

  private async keep(m: EntityManager, chain: ChainName, { state, change }: { state: ChainState; change: ChainChange }): Promise<void> {
    const row = Object.assign(new ChainCheckEntity(), { chain, lastRunAt: this.clock.now(), ...state });
    await this.repository.saveChainCheck(m, row);
    if (change === null) return;
    const details = chain === 'audit' ? { checked: state.checked, firstBrokenSeq: state.firstBrokenSeq } : { brokenSubjects: state.brokenSubjects };
    await this.audit.record(m, SYSTEM, { action: `ops.chain_verification_${change}`, targetType: 'chain', targetId: chain, details });
  }

  private async scheduleNext(m: EntityManager): Promise<void> {
    const runAt = new Date(this.clock.now().getTime() + this.config.ops.chainCheckIntervalMinutes * 60_000);
    await this.jobs.schedule(m, { name: JOB, key: JOB, payload: {}, runAt });
  }
}
