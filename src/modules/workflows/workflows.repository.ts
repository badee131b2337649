import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { ExportPackageEntity, RecipientNoticeEntity, WorkflowStepEntity } from './workflow.entity.js';
import { STEP_OPEN, type StepName, type StepStatus } from './workflow.plan.js';

export type StepChange = Partial<Pick<WorkflowStepEntity, 'status' | 'attempts' | 'lastError' | 'waivedReason'>> & { result?: Record<string, unknown> | null };
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

  /** Updates a step that is still to do (pending, running or failed); false if it is not. */
  async updateOpenStep(key: string, change: StepChange & { updatedAt: Date }): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(WorkflowStepEntity)
      .set(change as never)
      .where('key = :key AND status IN (:...open)', { key, open: [...STEP_OPEN] })
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
