import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import type { JobContext } from '../../infrastructure/queue/jobs.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { addDays } from '../deadlines/local-date.js';
import { effectiveDueOn } from './request.clock.js';
import { RequestLifecycle } from './request.lifecycle.js';
import { counselMail, requesterMail } from './request.mail.js';
import { isOpen } from './request.state.js';
import { RequestsRepository } from './requests.repository.js';
import { morningOf, type Reminder } from './reminder.plan.js';
import { recordedByCounsel } from './unverified.plan.js';

/** The requests module's scheduled work: counsel's reminders and digest, the requester's reminder, the purge of unverified requests. */
@Injectable()
export class RequestJobs implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define('request.reminder', (p, ctx) => this.remind(p.requestId, p.which, ctx));
    this.jobs.define('request.unverified-reminder', (p) => this.remindUnverified(p.requestId));
    this.jobs.define('request.expire-unverified', (p) => this.expireUnverified(p.requestId));
    this.jobs.define('request.digest', () => this.digest());
  }

  /** The daily digest is pending work like any other: make sure one is scheduled. */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.ensureScheduled('request.digest', (m) => this.scheduleDigest(m));
  }

  private async remind(id: string, which: Reminder, ctx: JobContext): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.repository.byId(id, m);
      if (!request || !isOpen(request.status) || request.status === 'paused_for_clarification') return;
      const dueOn = effectiveDueOn(request);
      const to = this.lifecycle.assigneeOf(request);
      const message = which === 'ack' ? counselMail.acknowledge(id, request.type, request.acknowledgeBy ?? dueOn) : counselMail.reminder(id, request.type, request.status, dueOn, which);
      const day = this.lifecycle.today(request);
      await this.mailer.queue(m, `request:${id}:reminder:${which}:${day}`, { to, ...message });
      await ctx.complete(m);
      if (which === 'overdue') {
        // Daily while overdue: the next one tomorrow morning.
        const runAt = morningOf(addDays(day, 1), this.lifecycle.timeZone(request));
        await this.jobs.schedule(m, { name: 'request.reminder', key: `request:${id}:reminder:overdue`, payload: { requestId: id, which: 'overdue' }, runAt });
      }
    });
  }

  private async remindUnverified(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.repository.byId(id, m);
      if (!request || request.status !== 'awaiting_verification') return;
      const { expiresOn } = this.lifecycle.unverifiedPlan(request);
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'unverified-reminder', (c) => requesterMail.unverifiedReminder(c, expiresOn, recordedByCounsel(request.channel) ? request.channel : null));
      await this.lifecycle.event(m, request, SYSTEM, 'verification_reminder_sent', true, {});
    });
  }

  /** Never verified: close the request and delete the identity data; the audit entries stay. */
  private async expireUnverified(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      if (request.status !== 'awaiting_verification') return;
      await this.lifecycle.move(m, request, 'expire_unverified', SYSTEM);
      request.personalSealed = null;
      request.contactKeyId = null;
      request.emailHash = null;
      request.subjectRef = null;
      request.codeHash = null;
      request.identityPurgedAt = this.clock.now();
      await this.lifecycle.close(m, request);
      await this.repository.save(m, request);
      await this.audit.record(m, SYSTEM, { action: 'request.identity_purged', targetType: 'request', targetId: id });
    });
  }

  private async digest(): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const soon = new Date(now.getTime() + 7 * 86_400_000);
      const open = await this.repository.openByDue(undefined, m);
      const overdue = open.filter((r) => r.dueAt.getTime() < now.getTime());
      const dueSoon = open.filter((r) => r.dueAt.getTime() >= now.getTime() && r.dueAt.getTime() <= soon.getTime());
      const lines = [...overdue, ...dueSoon].slice(0, 200).map((r) => `${r.dueAt.getTime() < now.getTime() ? 'OVERDUE ' : ''}${r.dueAt.toISOString().slice(0, 10)}  ${r.type}  ${r.id}  (${r.status})`);
      const day = now.toISOString().slice(0, 10);
      await this.mailer.queue(m, `request.digest:${day}`, { to: this.config.mail.counselEmail, ...counselMail.digest(lines, { open: open.length, overdue: overdue.length, dueSoon: dueSoon.length }) });
      await this.scheduleDigest(m);
    });
  }

  private async scheduleDigest(m: EntityManager): Promise<void> {
    const now = this.clock.now();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 7));
    if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
    await this.jobs.schedule(m, { name: 'request.digest', key: 'request.digest', payload: {}, runAt: next });
  }
}
