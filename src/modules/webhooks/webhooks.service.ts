import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken } from '../../common/crypto.js';
import { DomainError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { describeError } from '../../common/errors/describe-error.js';
import { Keyring } from '../../common/keyring.js';
import { decodeCursor, Page, pageSize, PageQueryDto, toPage } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { signedPost } from '../../infrastructure/http/signed-post.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { ConsentOutbox } from '../consent/consent.outbox.js';
import { CreatedWebhookDto, CreateWebhookDto, DeliveryDto, WebhookDto } from './webhook.dto.js';
import { WEBHOOK_EVENT_TYPES, WebhookDeliveryEntity, WebhookEventType, WebhookSubscriptionEntity } from './webhook.entity.js';
import { DeliveryPair, WebhooksRepository } from './webhooks.repository.js';

const DELIVER_JOB = 'webhook.deliver';
const OUTBOX_BATCH = 500;
const POLL_MS = 500;
/** Longest a poller tick keeps draining before it yields. */
const DRAIN_MS = 2_000;

/**
 * Change events for other systems, at least once. Accepted consent events land in `consent_outbox`
 * in their own transaction; a poller in every worker process fans them out (SKIP LOCKED, so workers
 * share the work) into one delivery per matching subscription, each a durable job that POSTs the
 * signed event and retries with exponential backoff, then dead-letters for an admin to re-drive.
 */
@Injectable()
export class WebhooksService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: WebhooksRepository,
    private readonly outbox: ConsentOutbox,
    private readonly jobs: JobsService,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define(DELIVER_JOB, (payload) => this.deliver(String(payload.deliveryId)), {
      attempts: this.config.webhooks.maxAttempts,
      backoffMs: this.config.webhooks.backoffMs,
      onExhausted: (payload) => this.markDead(String(payload.deliveryId)),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.queue.workers) return;
    this.timer = setInterval(() => {
      this.running ??= this.drainOutbox()
        .catch((error: unknown) => this.logger.warn({ err: describeError(error) }, 'outbox dispatch failed'))
        .finally(() => (this.running = undefined));
    }, POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async create(dto: CreateWebhookDto, caller: Caller): Promise<CreatedWebhookDto> {
    if (this.config.env === 'production' && !dto.url.startsWith('https://')) {
      throw new ValidationFailed([{ path: 'url', message: 'url must use https in production' }]);
    }
    const secret = `whsec_${randomToken(32)}`;
    const sealed = this.keyring.seal(secret);
    const row = await this.dataSource.transaction(async (manager) => {
      const entity = await this.repository.insertSubscription(manager, {
        url: dto.url,
        description: dto.description ?? '',
        secretSealed: sealed.data,
        secretKeyId: sealed.keyId,
        eventTypes: dto.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
        purposes: dto.purposes ?? [],
        createdAt: this.clock.now(),
        createdBy: actorOf(caller),
        disabledAt: null,
      });
      await this.audit.record(manager, caller, {
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: entity.id,
        details: { eventTypes: entity.eventTypes, purposes: entity.purposes, host: new URL(entity.url).host },
      });
      return entity;
    });
    return { ...toDto(row), secret };
  }

  async list(query: PageQueryDto): Promise<Page<WebhookDto>> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string');
    const rows = await this.repository.subscriptionsPage(cursor && { at: new Date(cursor.at), id: cursor.id }, limit);
    return toPage(rows, limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }), toDto);
  }

  async disable(id: string, caller: Caller): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.repository.subscriptionByIdIn(manager, id);
      if (!row) throw new NotFoundError('Webhook subscription');
      if (row.disabledAt) return;
      await this.repository.disableSubscription(manager, row, this.clock.now());
      await this.audit.record(manager, caller, { action: 'webhook.disabled', targetType: 'webhook', targetId: id });
    });
  }

  async deadLetters(query: PageQueryDto): Promise<Page<DeliveryDto>> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string');
    const rows = await this.repository.deadLettersPage(cursor && { at: new Date(cursor.at), id: cursor.id }, limit);
    return toPage(rows, limit, (r) => ({ at: r.updatedAt.toISOString(), id: r.id }), toDeliveryDto);
  }

  async redrive(deliveryId: string, caller: Caller): Promise<DeliveryDto> {
    return this.dataSource.transaction(async (manager) => {
      const delivery = await this.repository.lockDelivery(manager, deliveryId);
      if (!delivery) throw new NotFoundError('Delivery');
      if (delivery.status !== 'dead') throw new DomainError(409, 'not_dead', 'Conflict', `Only dead deliveries can be re-driven; this one is ${delivery.status}`);
      // A stopped subscriber would have the delivery cancelled at its first try: say so instead of claiming success.
      const subscription = await this.repository.subscriptionByIdIn(manager, delivery.subscriptionId);
      if (!subscription || subscription.disabledAt) {
        throw new DomainError(
          409,
          'subscription_inactive',
          'Conflict',
          'The webhook subscription of this delivery has been disabled or deleted, so nothing would be sent: subscribe the endpoint again to receive new events',
        );
      }
      await this.repository.requeueDelivery(manager, delivery, this.clock.now());
      await this.scheduleDeliveries(manager, [delivery.id]);
      await this.audit.record(manager, caller, { action: 'webhook.delivery_redriven', targetType: 'webhook_delivery', targetId: delivery.id });
      return toDeliveryDto(delivery);
    });
  }

  /** Dispatches batch after batch while the outbox is full, for at most DRAIN_MS. */
  private async drainOutbox(): Promise<void> {
    const until = Date.now() + DRAIN_MS;
    while ((await this.dispatchOutbox()) === OUTBOX_BATCH && Date.now() < until);
  }

  /** Moves up to one batch of outbox rows into deliveries. Returns how many events it took. */
  async dispatchOutbox(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const active = await this.repository.activeSubscriptions(manager);
      // Nobody subscribes: the events are in the ledger already; the outbox rows have nothing to carry.
      if (active.length === 0) return this.outbox.discard(manager, OUTBOX_BATCH);
      const rows = await this.outbox.claim(manager, OUTBOX_BATCH);
      if (rows.length === 0) return 0;
      const pairs: DeliveryPair[] = [];
      for (const row of rows) {
        const eventType = `consent.${row.action}` as WebhookEventType;
        for (const sub of active) {
          if (sub.eventTypes.includes(eventType) && (sub.purposes.length === 0 || sub.purposes.includes(row.purpose))) {
            pairs.push({ subscriptionId: sub.id, eventId: row.eventId, eventType });
          }
        }
      }
      if (pairs.length > 0) {
        const inserted = await this.repository.insertDeliveries(manager, pairs, this.clock.now());
        await this.scheduleDeliveries(manager, inserted);
      }
      await this.outbox.ack(manager, rows.map((r) => r.id));
      return rows.length;
    });
  }

  /** The delivery job: one signed POST. Throws on anything but 2xx so the queue retries. */
  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.repository.deliveryById(deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    const [subscription, event] = await Promise.all([this.repository.subscriptionById(delivery.subscriptionId), this.outbox.event(delivery.eventId)]);
    if (!subscription || subscription.disabledAt || !event) {
      await this.repository.cancelDelivery(deliveryId, this.clock.now());
      return;
    }
    const body = JSON.stringify({
      id: delivery.id,
      type: delivery.eventType,
      createdAt: delivery.createdAt.toISOString(),
      data: {
        eventId: event.id,
        subjectId: event.subjectId,
        purpose: event.purpose,
        action: event.action,
        noticeVersion: event.noticeVersion,
        occurredAt: event.occurredAt.toISOString(),
        recordedAt: event.recordedAt.toISOString(),
        seq: event.seq,
      },
    });
    const secret = this.keyring.open({ keyId: subscription.secretKeyId, data: subscription.secretSealed });
    const signedAt = this.clock.now();
    let status: number | null = null;
    let failure: string | null = null;
    try {
      const response = await signedPost({
        url: subscription.url,
        body,
        secret,
        signedAt,
        timeoutMs: this.config.webhooks.timeoutMs,
        headers: (signature) => ({
          'Content-Type': 'application/json',
          'User-Agent': 'Lethe-Webhooks/1',
          'Lethe-Event-Id': event.id,
          'Lethe-Delivery-Id': delivery.id,
          'Lethe-Signature': signature,
        }),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status >= 300) failure = `HTTP ${status}`;
    } catch (error) {
      failure = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : `network error (${(error as { cause?: { code?: string } }).cause?.code ?? 'unknown'})`;
    }
    await this.repository.recordAttempt(deliveryId, status, failure, this.clock.now());
    if (failure) throw new WebhookDeliveryError(failure);
  }

  private async markDead(deliveryId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.repository.markDead(manager, deliveryId, this.clock.now());
      await this.audit.record(manager, SYSTEM, { action: 'webhook.delivery_dead', targetType: 'webhook_delivery', targetId: deliveryId });
    });
  }

  private scheduleDeliveries(manager: EntityManager, ids: string[]): Promise<void> {
    const now = this.clock.now();
    return this.jobs.scheduleMany(
      manager,
      ids.map((id) => ({ name: DELIVER_JOB, key: `${DELIVER_JOB}:${id}`, payload: { deliveryId: id }, runAt: now })),
    );
  }
}

export class WebhookDeliveryError extends Error {
  constructor(readonly reason: string) {
    super(`webhook delivery failed: ${reason}`);
    this.name = 'WebhookDeliveryError';
  }
}

function toDto(row: WebhookSubscriptionEntity): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    purposes: row.purposes,
    createdAt: row.createdAt.toISOString(),
    active: row.disabledAt === null,
  };
}

function toDeliveryDto(row: WebhookDeliveryEntity): DeliveryDto {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    updatedAt: row.updatedAt.toISOString(),
  };
}
