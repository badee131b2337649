import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { signedPost } from '../../infrastructure/http/signed-post.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { render } from '../../infrastructure/mail/templates.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { ChangeSummary, ErasurePlan } from '../data-stores/data-store.port.js';
import { RegisterService } from '../register/register.service.js';
import type { RequestRecord, RequestType } from '../requests/request.types.js';
import { RequestsService, SubjectOfRequest } from '../requests/requests.service.js';
import { SubprocessorsService } from '../subprocessors/subprocessors.service.js';
import { RecipientContact } from '../../config/recipients.config.js';
import type { RecipientNoticeEntity, WorkflowStepEntity } from './workflow.entity.js';
import { WorkflowsRepository } from './workflows.repository.js';

export interface Recipient {
  name: string;
  dataCategories: string[];
}

const ACTION: Partial<Record<RequestType, string>> = { rectification: 'rectification', erasure: 'erasure', restriction: 'restriction' };

/**
 * Art 19: after a rectification, erasure or restriction, every recipient to whom the affected
 * categories of data were disclosed is told, unless that proves impossible. Recipients come from the
 * register and the subprocessor inventory; LETHE_RECIPIENTS says how to reach each one.
 */
@Injectable()
export class RecipientNotices implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: WorkflowsRepository,
    private readonly register: RegisterService,
    private readonly subprocessors: SubprocessorsService,
    private readonly requests: RequestsService,
    private readonly mailer: Mailer,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private readonly settledListeners: ((requestId: string) => Promise<void>)[] = [];

  onModuleInit(): void {
    const options = {
      attempts: this.config.webhooks.maxAttempts,
      backoffMs: this.config.webhooks.backoffMs,
      onExhausted: (p: Record<string, unknown>) => this.undelivered(String(p.noticeId)),
    };
    this.jobs.define('art19.webhook', (p) => this.deliver(String(p.noticeId)), options);
    this.jobs.define('art19.email', (p) => this.deliver(String(p.noticeId)), options);
  }

  /** Called once a notice is no longer queued (delivered, or given up on): the request may complete. */
  onSettled(listener: (requestId: string) => Promise<void>): void {
    this.settledListeners.push(listener);
  }

  /** The request's notices, oldest first. */
  noticesOf(requestId: string, m?: EntityManager): Promise<RecipientNoticeEntity[]> {
    return this.repository.notices(requestId, m);
  }

  /** The data categories the request's steps actually changed, from the stores' configuration. */
  affectedCategories(type: RequestType, steps: WorkflowStepEntity[]): string[] {
    const found = new Set<string>();
    for (const step of steps) {
      const store = this.config.dataStores.find((s) => s.id === step.storeId);
      if (!store) continue;
      const tables = store.tables ?? [];
      const whole = (table?: string) => {
        const picked = table ? tables.filter((t) => t.name === table) : tables;
        if (tables.length === 0) for (const c of store.categories ?? []) found.add(c);
        for (const t of picked) for (const col of Object.values(t.columns)) col.categories.forEach((c) => found.add(c));
      };
      if (type === 'rectification' && step.step === 'rectify') {
        for (const a of ((step.result as unknown as ChangeSummary | null)?.applied ?? []).filter((x) => x.rows > 0)) {
          const column = tables.find((t) => t.name === a.table)?.columns[a.field];
          if (column) column.categories.forEach((c) => found.add(c));
          else whole(a.table);
        }
      } else if (type === 'erasure' && step.step === 'erase') {
        for (const item of ((step.result?.items ?? []) as ErasurePlan['items']).filter((i) => i.action !== 'retain' && i.rows > 0)) {
          const table = tables.find((t) => t.name === item.table);
          if (table && item.columns) item.columns.forEach((c) => table.columns[c]?.categories.forEach((k) => found.add(k)));
          else whole(item.table);
        }
      } else if (type === 'restriction' && step.step === 'restrict' && Number(step.result?.rows ?? 0) > 0) {
        whole();
      }
    }
    return [...found].sort();
  }

  async recipientsOf(categories: string[]): Promise<Recipient[]> {
    const byName = new Map<string, Set<string>>();
    const add = (name: string, category: string) => byName.set(name, (byName.get(name) ?? new Set()).add(category));
    for (const category of categories) {
      const disclosure = await this.register.disclosure(category);
      for (const r of disclosure.recipients.filter((x) => x.type !== 'internal')) add(r.name, category);
    }
    if (categories.length > 0) {
      const subprocessors = await this.subprocessors.activeRecipients(categories);
      for (const s of subprocessors) for (const c of s.dataCategories.filter((k) => categories.includes(k))) add(s.name, c);
    }
    return [...byName].map(([name, set]) => ({ name, dataCategories: [...set].sort() })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * One notice per recipient, in the step's transaction. Nothing is marked sent here: each email or
   * webhook is delivered by its own durable job, which records when it went (or that it could not).
   * A recipient with no contact in LETHE_RECIPIENTS is recorded as such and counsel is told.
   */
  async send(m: EntityManager, request: RequestRecord, recipients: Recipient[]): Promise<void> {
    const action = ACTION[request.type];
    if (!action) return;
    const now = this.clock.now();
    const unreachable: string[] = [];
    for (const recipient of recipients) {
      const contact = this.contactOf(recipient.name);
      const channel = contact?.email ? 'email' : contact?.webhookUrl ? 'webhook' : 'none';
      const id = await this.repository.insertNotice(m, { requestId: request.id, action, recipient: recipient.name, dataCategories: recipient.dataCategories, channel, status: channel === 'none' ? 'no_contact' : 'queued', createdAt: now, sentAt: null });
      if (!id) continue;
      if (channel === 'none') unreachable.push(recipient.name);
      else await this.jobs.schedule(m, { name: channel === 'email' ? 'art19.email' : 'art19.webhook', key: `art19:${id}`, payload: { noticeId: id }, runAt: now });
    }
    await this.audit.record(m, SYSTEM, { action: 'request.recipients_notified', targetType: 'request', targetId: request.id, details: { recipients: recipients.length, unreachable: unreachable.length } });
    await this.requests.recordEvent(m, request.id, 'recipients_notified', true, { recipients: recipients.length });
    if (unreachable.length) await this.tellCounsel(m, request, unreachable, 'has no contact in LETHE_RECIPIENTS');
  }

  /** Counsel sees who could not be reached on the request's timeline and by email, to tell them another way. */
  private async tellCounsel(m: EntityManager, request: RequestRecord, names: string[], why: string): Promise<void> {
    await this.requests.recordEvent(m, request.id, 'recipients_unreached', false, { recipients: names, why });
    await this.mailer.queue(m, `art19:${request.id}:unreached:${names.join('|').slice(0, 200)}`, {
      to: this.config.mail.counselEmail,
      ...render(
        `Art 19: recipients to tell by hand for request ${request.id.slice(0, 8)}`,
        [
          `Request ${request.id} (${request.type}) could not be notified automatically to: ${names.join(', ')} (${why}).`,
          'When the request completes, the requester is told that these recipients could not be reached and that we will contact them another way. Tell them of the change, and record how in a note on the request.',
        ],
        'Lethe',
      ),
    });
  }

  private contactOf(name: string): RecipientContact | undefined {
    return this.config.workflows.recipients.find((r) => r.name.toLowerCase() === name.toLowerCase());
  }

  /** What the recipient must do, and for whom: this necessarily names the subject, so it travels sealed. */
  private payload(request: RequestRecord, subject: SubjectOfRequest, recipient: Recipient, steps: WorkflowStepEntity[]) {
    const changes =
      request.type === 'rectification'
        ? (subject.changes ?? []).filter((c) => steps.some((s) => s.step === 'rectify' && ((s.result as unknown as ChangeSummary | null)?.applied ?? []).some((a) => a.field === c.field && a.rows > 0))).map(({ field, newValue }) => ({ field, newValue }))
        : undefined;
    return {
      type: `lethe.art19.${ACTION[request.type]}`,
      requestId: request.id,
      controller: this.config.controller.name,
      subject: { email: subject.email, subjectId: subject.subjectId },
      dataCategories: recipient.dataCategories,
      ...(changes ? { changes } : {}),
    };
  }

  private message(request: RequestRecord, subject: SubjectOfRequest, recipient: Recipient, steps: WorkflowStepEntity[]) {
    const p = this.payload(request, subject, recipient, steps);
    const who = [p.subject.email && `email ${p.subject.email}`, p.subject.subjectId && `account ${p.subject.subjectId}`].filter(Boolean).join(', ');
    const what =
      request.type === 'rectification'
        ? `rectified: ${(p.changes ?? []).map((c) => `${c.field} is now "${c.newValue}"`).join('; ')}. Please correct the data we disclosed to you.`
        : request.type === 'erasure'
          ? 'erased. Please erase the personal data we disclosed to you about this person (Art 17).'
          : 'restricted. Please restrict processing of the personal data we disclosed to you about this person (Art 18).';
    return render(
      `Art 19 notice from ${this.config.controller.name}: ${ACTION[request.type]} (${request.id.slice(0, 8)})`,
      [`Dear ${recipient.name},`, `At the request of the data subject (${who}), their personal data in these categories was ${what}`, `Categories: ${recipient.dataCategories.join(', ')}.`, `Our reference: ${request.id}.`],
      `${this.config.controller.name} — privacy contact: ${this.config.controller.contact}`,
    );
  }

  private async deliver(noticeId: string): Promise<void> {
    const notice = await this.repository.notice(noticeId);
    if (!notice) return;
    // Settled by an earlier try that stopped before the request moved on: move it on now.
    if (notice.status !== 'queued') return this.afterSettled(notice.requestId);
    const contact = this.contactOf(notice.recipient);
    const request = await this.requests.record(notice.requestId);
    if (!request) return;
    const steps = await this.repository.steps(request.id, { status: 'succeeded' });
    const recipient = { name: notice.recipient, dataCategories: notice.dataCategories };
    const subject = await this.requests.subjectOf(request.id);
    if (notice.channel === 'email') {
      if (!contact?.email) throw Object.assign(new Error('the recipient no longer has an email address in LETHE_RECIPIENTS'), { name: 'NoContact' });
      await this.mailer.sendNow({ to: contact.email, ...this.message(request, subject, recipient, steps) });
    } else {
      if (!contact?.webhookUrl || !contact.secret) throw Object.assign(new Error('the recipient no longer has a webhook in LETHE_RECIPIENTS'), { name: 'NoContact' });
      const body = JSON.stringify({ id: notice.id, ...this.payload(request, subject, recipient, steps) });
      const response = await signedPost({
        url: contact.webhookUrl,
        body,
        secret: contact.secret,
        signedAt: this.clock.now(),
        timeoutMs: this.config.webhooks.timeoutMs,
        headers: (signature) => ({ 'content-type': 'application/json', 'lethe-signature': signature, 'idempotency-key': notice.id }),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) throw Object.assign(new Error(`recipient webhook answered ${response.status}`), { name: 'WebhookRejected', code: String(response.status) });
    }
    await this.settle(noticeId, 'sent');
  }

  /** Every try failed: the notice is failed, and counsel is told to reach the recipient another way. */
  private async undelivered(noticeId: string): Promise<void> {
    await this.settle(noticeId, 'failed');
  }

  private async settle(noticeId: string, status: 'sent' | 'failed'): Promise<void> {
    const requestId = await this.dataSource.transaction(async (m) => {
      const notice = await this.repository.lockNotice(m, noticeId);
      if (!notice) return null;
      if (notice.status !== 'queued') return notice.requestId;
      await this.repository.settleNotice(m, noticeId, status, status === 'sent' ? this.clock.now() : null);
      await this.audit.record(m, SYSTEM, { action: status === 'sent' ? 'request.recipient_notified' : 'request.recipient_unreached', targetType: 'request', targetId: notice.requestId, details: { recipient: notice.recipient, channel: notice.channel } });
      if (status === 'failed') {
        const request = await this.requests.record(notice.requestId);
        if (request) await this.tellCounsel(m, request, [notice.recipient], `every ${notice.channel} delivery failed`);
      }
      return notice.requestId;
    });
    if (requestId) await this.afterSettled(requestId);
  }

  /** The listeners are idempotent: a request completes once, when no notice is still queued. */
  private async afterSettled(requestId: string): Promise<void> {
    for (const listener of this.settledListeners) await listener(requestId);
  }
}
