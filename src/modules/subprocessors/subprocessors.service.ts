import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { ConflictError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { render } from '../../infrastructure/mail/templates.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { RegisterService } from '../register/register.service.js';
import { ObjectionDto, PublicSubprocessorDto, SubprocessorDto } from './subprocessor.dto.js';
import { SubprocessorChangeEntity, SubprocessorEntity, SubprocessorNoticeEntity, SubprocessorObjectionEntity } from './subprocessor.entity.js';
import { SubprocessorsRepository } from './subprocessors.repository.js';
import { SubscriptionsService } from './subscriptions.service.js';

const DAY = 86_400_000;

/** An active subprocessor as an Art 19 recipient: its name and the data categories it receives. */
export interface SubprocessorRecipient {
  name: string;
  dataCategories: string[];
}

/**
 * The subprocessor inventory and Art 28(2) change notices. A new (or replacing) subprocessor starts
 * `proposed` with a notice open for objections; confirmed subscribers are emailed; it becomes
 * `active` when the window ends (a job), or earlier by an admin override with a reason. The
 * subscriptions themselves are subscriptions.service.ts's job.
 */
@Injectable()
export class SubprocessorsService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: SubprocessorsRepository,
    private readonly register: RegisterService,
    private readonly subscriptions: SubscriptionsService,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define('subprocessor.activate', async (p) => {
      await this.activate(String(p.subprocessorId), SYSTEM, null);
    });
    this.jobs.define('register.review-sweep', () => this.reviewSweep());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.ensureScheduled('register.review-sweep', (m) => this.scheduleSweep(m));
  }

  async propose(dto: SubprocessorDto, caller: Caller): Promise<{ subprocessor: SubprocessorEntity; notice: SubprocessorNoticeEntity }> {
    return this.dataSource.transaction(async (m) => {
      if (dto.replaces && !(await this.repository.byId(m, dto.replaces))) throw new ValidationFailed([{ path: 'replaces', message: 'replaces must be the id of a subprocessor in the inventory' }]);
      const now = this.clock.now();
      const sub = await this.repository.insert(m, {
        name: dto.name,
        legalEntity: dto.legalEntity,
        service: dto.service,
        processingCountries: dto.processingCountries,
        dataCategories: dto.dataCategories,
        activities: dto.activities ?? [],
        dpaSignedOn: dto.dpaSignedOn ?? null,
        dpaUrl: dto.dpaUrl ?? null,
        transferMechanism: dto.transferMechanism ?? null,
        certifications: dto.certifications ?? [],
        riskRating: dto.riskRating,
        nextReviewOn: dto.nextReviewOn ?? null,
        status: 'proposed',
        createdAt: now,
        updatedAt: now,
      });
      const notice = await this.repository.insertNotice(m, {
        subprocessorId: sub.id,
        replacesId: dto.replaces ?? null,
        openedAt: now,
        objectionDeadline: new Date(now.getTime() + this.config.objectionWindowDays * DAY),
        status: 'open',
        overrideReason: null,
        closedAt: null,
      });
      await this.change(m, sub.id, 'proposed', `${sub.name} (${sub.service}) proposed${dto.replaces ? ' as a replacement' : ''}; objections until ${notice.objectionDeadline.toISOString().slice(0, 10)}`);
      await this.jobs.schedule(m, { name: 'subprocessor.activate', key: `subprocessor.activate:${sub.id}`, payload: { subprocessorId: sub.id }, runAt: notice.objectionDeadline });
      await this.subscriptions.notify(m, sub, notice);
      await this.audit.record(m, caller, { action: 'subprocessor.proposed', targetType: 'subprocessor', targetId: sub.id, details: { noticeId: notice.id, replaces: dto.replaces ?? null } });
      return { subprocessor: sub, notice };
    });
  }

  /** Activates a proposed subprocessor: after the window, or before it with an override reason. */
  async activate(id: string, caller: Caller, overrideReason: string | null): Promise<SubprocessorEntity> {
    return this.dataSource.transaction(async (m) => {
      const sub = await this.repository.lockById(m, id);
      if (!sub) throw new NotFoundError('Subprocessor');
      if (sub.status !== 'proposed') {
        if (caller.kind === 'system') return sub;
        throw new ConflictError('not_proposed', `This subprocessor is ${sub.status}`);
      }
      const notice = await this.repository.openNoticeOf(m, id);
      const now = this.clock.now();
      const windowOpen = now.getTime() < notice.objectionDeadline.getTime();
      if (windowOpen && overrideReason === null) {
        if (caller.kind === 'system') return sub; // a job that ran early (a moved clock): the window decides
        throw new ConflictError('objection_window_open', `Objections are taken until ${notice.objectionDeadline.toISOString()}; activating earlier needs an override reason`);
      }
      sub.status = 'active';
      sub.updatedAt = now;
      await this.repository.save(m, sub);
      notice.status = windowOpen ? 'overridden' : 'closed';
      notice.overrideReason = windowOpen ? overrideReason : null;
      notice.closedAt = now;
      await this.repository.saveNotice(m, notice);
      await this.change(m, id, 'activated', `${sub.name} is now active`);
      if (notice.replacesId) await this.offboardInside(m, notice.replacesId, caller);
      await this.jobs.cancel(m, `subprocessor.activate:${id}`);
      await this.audit.record(m, caller, { action: windowOpen ? 'subprocessor.activated_by_override' : 'subprocessor.activated', targetType: 'subprocessor', targetId: id, details: { noticeId: notice.id, overridden: windowOpen } });
      return sub;
    });
  }

  async offboard(id: string, caller: Caller): Promise<void> {
    await this.dataSource.transaction((m) => this.offboardInside(m, id, caller));
  }

  async object(noticeId: string, dto: ObjectionDto, caller: Caller): Promise<SubprocessorObjectionEntity> {
    return this.dataSource.transaction(async (m) => {
      const notice = await this.repository.noticeById(m, noticeId);
      if (!notice) throw new NotFoundError('Notice');
      const row = await this.repository.insertObjection(m, { noticeId, customer: dto.customer, reason: dto.reason, recordedAt: this.clock.now(), recordedBy: actorOf(caller) });
      await this.audit.record(m, caller, { action: 'subprocessor.objection_recorded', targetType: 'subprocessor_notice', targetId: noticeId });
      return row;
    });
  }

  /** Active subprocessors that receive any of these data categories, for Art 19 notices. */
  async activeRecipients(categories: string[]): Promise<SubprocessorRecipient[]> {
    return (await this.repository.activeReceiving(categories)).map((s) => ({ name: s.name, dataCategories: s.dataCategories }));
  }

  async list(): Promise<SubprocessorEntity[]> {
    return this.repository.list();
  }

  async notices(): Promise<(SubprocessorNoticeEntity & { objections: SubprocessorObjectionEntity[] })[]> {
    const [notices, objections] = await Promise.all([this.repository.notices(), this.repository.objections()]);
    return notices.map((n) => ({ ...n, objections: objections.filter((o) => o.noticeId === n.id) }));
  }

  /** What anyone may see: proposed and active subprocessors, public fields only. */
  async publicList(): Promise<PublicSubprocessorDto[]> {
    const [subs, notices] = await Promise.all([this.list(), this.repository.openNotices()]);
    return subs
      .filter((s) => s.status !== 'offboarded')
      .map((s) => ({
        name: s.name,
        legalEntity: s.legalEntity,
        service: s.service,
        processingCountries: s.processingCountries,
        dataCategories: s.dataCategories,
        transferMechanism: s.transferMechanism,
        status: s.status,
        objectionDeadline: notices.find((n) => n.subprocessorId === s.id)?.objectionDeadline.toISOString() ?? null,
      }));
  }

  /** JSON Feed 1.1 of inventory changes. */
  async feed(): Promise<object> {
    const changes = await this.repository.latestChanges(200);
    return {
      version: 'https://jsonfeed.org/version/1.1',
      title: `${this.config.controller.name}: subprocessor changes`,
      home_page_url: `${this.config.publicUrl}/v1/public/subprocessors`,
      feed_url: `${this.config.publicUrl}/v1/public/subprocessors/feed.json`,
      items: changes.map((c) => ({ id: `${c.id}`, date_published: c.at.toISOString(), title: c.kind, content_text: c.summary })),
    };
  }

  private async offboardInside(m: EntityManager, id: string, caller: Caller): Promise<void> {
    const sub = await this.repository.byId(m, id);
    if (!sub) throw new NotFoundError('Subprocessor');
    if (sub.status === 'offboarded') return;
    sub.status = 'offboarded';
    sub.updatedAt = this.clock.now();
    await this.repository.save(m, sub);
    await this.change(m, id, 'offboarded', `${sub.name} is no longer used`);
    await this.audit.record(m, caller, { action: 'subprocessor.offboarded', targetType: 'subprocessor', targetId: id });
  }

  private async change(m: EntityManager, subprocessorId: string, kind: SubprocessorChangeEntity['kind'], summary: string): Promise<void> {
    await this.repository.insertChange(m, { subprocessorId, at: this.clock.now(), kind, summary });
  }

  /** Daily: subprocessor reviews due within 14 days, and activities not reviewed in 12 months. */
  private async reviewSweep(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const soon = new Date(now.getTime() + 14 * DAY).toISOString().slice(0, 10);
      const yearAgo = new Date(now.getTime() - 365 * DAY).toISOString();
      const subs = (await this.repository.all(m)).filter((s) => s.status !== 'offboarded' && s.nextReviewOn !== null && s.nextReviewOn <= soon);
      const stale = (await this.register.latestDocuments(m)).filter((r) => r.document.status === 'active' && (!r.document.reviewedAt || r.document.reviewedAt < yearAgo));
      if (subs.length + stale.length > 0) {
        await this.mailer.queue(m, `register.review-sweep:${now.toISOString().slice(0, 10)}`, {
          to: this.config.mail.counselEmail,
          ...render(
            `Reviews due: ${subs.length} subprocessor(s), ${stale.length} processing activit(ies)`,
            [...subs.map((s) => `Subprocessor ${s.name}: review due ${s.nextReviewOn}`), ...stale.map((r) => `Activity ${r.document.name}: not reviewed since ${r.document.reviewedAt ?? 'ever'}`)],
            'Lethe',
          ),
        });
      }
      await this.scheduleSweep(m);
    });
  }

  private async scheduleSweep(m: EntityManager): Promise<void> {
    const now = this.clock.now();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 6, 30));
    if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
    await this.jobs.schedule(m, { name: 'register.review-sweep', key: 'register.review-sweep', payload: {}, runAt: next });
  }
}
