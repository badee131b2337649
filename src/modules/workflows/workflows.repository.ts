import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { ExportPackageEntity, RecipientNoticeEntity, WorkflowStepEntity } from './workflow.entity.js';
import { type StepName, type StepStatus } from './workflow.plan.js';

export type StepChange = Partial<Pick<WorkflowStepEntity, 'status' | 'attempts' | 'lastError' | 'waivedReason' | 'leaseOwner' | 'leaseExpiresAt'>> & { result?: Record<string, unknown> | null };
export type NewPackage = Omit<ExportPackageEntity, 'id' | 'linksIssued'>;

/** The workflows module's SQL: workflow_step, export_package and recipient_notice. */
@Injectable()
export class WorkflowsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Steps ─────────────────────────────────────────────────────────────────────────────────

  step(key: string, m: EntityManager = this.dataSource.manager): Promise<WorkflowStepEntity | null> {
    return m.getRepository(WorkflowStepEntity).findOneBy({ key });
  }

  /** A request's steps, oldest first; only of `step` and in `status` when given. */
  steps(requestId: string, where: { step?: StepName | StepName[]; status?: StepStatus } = {}, m: EntityManager = this.dataSource.manager): Promise<WorkflowStepEntity[]> {
    return m.getRepository(WorkflowStepEntity).find({
      where: { requestId, ...(where.step ? { step: Array.isArray(where.step) ? In(where.step) : where.step } : {}), ...(where.status ? { status: where.status } : {}) },
      order: { createdAt: 'ASC', key: 'ASC' },
    });
  }

  /** Steps of one kind by store id (the package's exports, the certificate's stores). */
  stepsByStore(requestId: string, step?: StepName): Promise<WorkflowStepEntity[]> {
    return this.dataSource.getRepository(WorkflowStepEntity).find({ where: { requestId, ...(step ? { step } : {}) }, order: { storeId: 'ASC' } });
  }

  /** For /metrics: steps that used up their tries (idx_workflow_step_failed holds only those). */
  failedStepCount(): Promise<number> {
    return this.dataSource.getRepository(WorkflowStepEntity).countBy({ status: 'failed' });
  }

  /** New steps; a step that exists already is left as it is. */
  async insertSteps(m: EntityManager, rows: WorkflowStepEntity[]): Promise<void> {
    await m.createQueryBuilder().insert().into(WorkflowStepEntity).values(rows as never).orIgnore().execute();
  }

  async updateStep(m: EntityManager, key: string, change: StepChange & { updatedAt: Date }): Promise<void> {
    await m.getRepository(WorkflowStepEntity).update({ key }, change as never);
  }

  async saveStep(m: EntityManager, row: WorkflowStepEntity): Promise<void> {
    await m.getRepository(WorkflowStepEntity).save(row);
  }

  /**
   * Claims a step for one run: a step still to do, unless another run holds a lease on it that has
   * not lapsed (by the database's clock, the one clock every process shares). Returns the claim,
   * or, when another run holds it, how long until its lease lapses.
   */
  async claimStep(key: string, owner: string, attempt: number, leaseMs: number, now: Date): Promise<{ claimed: true } | { claimed: false; heldForMs: number | null }> {
    const [rows] = (await this.dataSource.query(
      `UPDATE workflow_step SET status = 'running', attempts = $3, lease_owner = $2,
              lease_expires_at = clock_timestamp() + $4 * interval '1 millisecond', updated_at = $5
        WHERE key = $1 AND (status IN ('pending', 'failed')
              OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())))
        RETURNING key`,
      [key, owner, attempt, leaseMs, now],
    )) as [unknown[], number];
    if (rows.length > 0) return { claimed: true };
    const [held] = (await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM (lease_expires_at - clock_timestamp())) * 1000)::int AS "ms" FROM workflow_step WHERE key = $1 AND status = 'running'`,
      [key],
    )) as { ms: number | null }[];
    return { claimed: false, heldForMs: held ? Math.max(0, held.ms ?? 0) : null };
  }

  /** Extends the run's lease; false when the run no longer holds the step (it lapsed and was taken over, or counsel settled it). */
  async renewLease(key: string, owner: string, leaseMs: number): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE workflow_step SET lease_expires_at = clock_timestamp() + $3 * interval '1 millisecond'
        WHERE key = $1 AND lease_owner = $2 AND status = 'running' RETURNING key`,
      [key, owner, leaseMs],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** Updates a step this run still holds; false if it does not. `release` gives the step up (back to pending, no lease). */
  async updateHeldStep(key: string, owner: string, change: StepChange & { updatedAt: Date }, release = false): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(WorkflowStepEntity)
      .set({ ...change, ...(release ? { status: 'pending', leaseOwner: null, leaseExpiresAt: null } : {}) } as never)
      .where(`key = :key AND lease_owner = :owner AND status = 'running'`, { key, owner })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  // ── The package ───────────────────────────────────────────────────────────────────────────

  packageOf(requestId: string, m: EntityManager = this.dataSource.manager): Promise<ExportPackageEntity | null> {
    return m.getRepository(ExportPackageEntity).findOneBy({ requestId });
  }

  /** The request's package, locked for update (downloads, new links and deletion take this lock). */
  lockPackageOf(m: EntityManager, requestId: string): Promise<ExportPackageEntity | null> {
    return m.getRepository(ExportPackageEntity).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
  }

  lockPackage(m: EntityManager, id: string): Promise<ExportPackageEntity | null> {
    return m.getRepository(ExportPackageEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The package's row, unless the request has one already; its id, or null. */
  async insertPackage(m: EntityManager, row: NewPackage): Promise<string | null> {
    const inserted = await m.createQueryBuilder().insert().into(ExportPackageEntity).values(row).orIgnore().returning(['id']).execute();
    return (inserted.raw as { id: string }[])[0]?.id ?? null;
  }

  async updatePackage(m: EntityManager, id: string, change: Partial<Pick<ExportPackageEntity, 'expiresAt' | 'downloads' | 'linksIssued' | 'deletedAt'>>): Promise<void> {
    await m.getRepository(ExportPackageEntity).update({ id }, change);
  }

  // ── Art 19 notices ────────────────────────────────────────────────────────────────────────

  /** The request's notices, oldest first. */
  notices(requestId: string, m: EntityManager = this.dataSource.manager): Promise<RecipientNoticeEntity[]> {
    return m.getRepository(RecipientNoticeEntity).find({ where: { requestId }, order: { createdAt: 'ASC', recipient: 'ASC' } });
  }

  notice(id: string): Promise<RecipientNoticeEntity | null> {
    return this.dataSource.getRepository(RecipientNoticeEntity).findOneBy({ id });
  }

  lockNotice(m: EntityManager, id: string): Promise<RecipientNoticeEntity | null> {
    return m.getRepository(RecipientNoticeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A notice, unless the request has one for this recipient already; its id, or null. */
  async insertNotice(m: EntityManager, row: Omit<RecipientNoticeEntity, 'id'>): Promise<string | null> {
    const inserted = await m.createQueryBuilder().insert().into(RecipientNoticeEntity).values(row).orIgnore().returning(['id']).execute();
    return (inserted.raw as { id: string }[])[0]?.id ?? null;
  }

  async settleNotice(m: EntityManager, id: string, status: 'sent' | 'failed', sentAt: Date | null): Promise<void> {
    await m.getRepository(RecipientNoticeEntity).update({ id }, { status, sentAt });
  }
}
