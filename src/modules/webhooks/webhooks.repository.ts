import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookDeliveryEntity, WebhookEventType, WebhookSubscriptionEntity } from './webhook.entity.js';

export type NewSubscription = Omit<WebhookSubscriptionEntity, 'id'>;

/** One delivery to create: an event for a subscriber. */
export interface DeliveryPair {
  subscriptionId: string;
  eventId: string;
  eventType: WebhookEventType;
}

/** A keyset position: the timestamp column the list is ordered by, then id. */
export interface After {
  at: Date;
  id: string;
}

/** The webhooks module's SQL: webhook_subscription and webhook_delivery. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a subscription; the returned entity carries its generated id. */
  async insertSubscription(manager: EntityManager, values: NewSubscription): Promise<WebhookSubscriptionEntity> {
    const entity = manager.getRepository(WebhookSubscriptionEntity).create(values);
    await manager.getRepository(WebhookSubscriptionEntity).insert(entity);
    return entity;
  }

  /** Subscriptions by creation, then id; `limit + 1` rows for toPage. */
  subscriptionsPage(after: After | undefined, limit: number): Promise<WebhookSubscriptionEntity[]> {
    const qb = this.dataSource.getRepository(WebhookSubscriptionEntity).createQueryBuilder('w');
    if (after) qb.where('(w.createdAt, w.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb.orderBy('w.createdAt').addOrderBy('w.id').limit(limit + 1).getMany();
  }

  subscriptionById(id: string): Promise<WebhookSubscriptionEntity | null> {
    return this.dataSource.getRepository(WebhookSubscriptionEntity).findOneBy({ id });
  }

  /** The same read, in the caller's transaction. */
  subscriptionByIdIn(manager: EntityManager, id: string): Promise<WebhookSubscriptionEntity | null> {
    return manager.getRepository(WebhookSubscriptionEntity).findOneBy({ id });
  }

  /** Every subscription not disabled. */
  async activeSubscriptions(manager: EntityManager): Promise<WebhookSubscriptionEntity[]> {
    return (await manager.getRepository(WebhookSubscriptionEntity).find()).filter((s) => s.disabledAt === null);
  }

  async disableSubscription(manager: EntityManager, row: WebhookSubscriptionEntity, at: Date): Promise<void> {
    row.disabledAt = at;
    await manager.save(row);
  }

  /** Dead deliveries by when they died, then id; `limit + 1` rows for toPage. */
  deadLettersPage(after: After | undefined, limit: number): Promise<WebhookDeliveryEntity[]> {
    const qb = this.dataSource.getRepository(WebhookDeliveryEntity).createQueryBuilder('d').where(`d.status = 'dead'`);
    if (after) qb.andWhere('(d.updatedAt, d.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb.orderBy('d.updatedAt').addOrderBy('d.id').limit(limit + 1).getMany();
  }

  /** For /metrics: dead deliveries (over idx_webhook_delivery_status). */
  deadLetterCount(): Promise<number> {
    return this.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'dead' });
  }

  deliveryById(id: string): Promise<WebhookDeliveryEntity | null> {
    return this.dataSource.getRepository(WebhookDeliveryEntity).findOneBy({ id });
  }

  /** A delivery, its row locked until the caller's transaction ends. */
  lockDelivery(manager: EntityManager, id: string): Promise<WebhookDeliveryEntity | null> {
    return manager.getRepository(WebhookDeliveryEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Puts a delivery back to pending (a re-drive). */
  async requeueDelivery(manager: EntityManager, delivery: WebhookDeliveryEntity, at: Date): Promise<void> {
    delivery.status = 'pending';
    delivery.updatedAt = at;
    await manager.getRepository(WebhookDeliveryEntity).save(delivery);
  }

  /** Creates pending deliveries, skipping pairs that have one already; the ids of those created. */
  async insertDeliveries(manager: EntityManager, pairs: DeliveryPair[], at: Date): Promise<string[]> {
    const inserted = (await manager.query(
      `INSERT INTO webhook_delivery (subscription_id, event_id, event_type, status, attempts, created_at, updated_at)
       SELECT s, e, t, 'pending', 0, $4, $4 FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS v(s, e, t)
       ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      [pairs.map((p) => p.subscriptionId), pairs.map((p) => p.eventId), pairs.map((p) => p.eventType), at],
    )) as { id: string }[];
    return inserted.map((r) => r.id);
  }

  /** Counts one try: delivered when it did not fail, otherwise still pending with its status and error. */
  async recordAttempt(id: string, status: number | null, failure: string | null, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, last_status = $2::int, last_error = $3::text, updated_at = $4::timestamptz,
              status = CASE WHEN $3::text IS NULL THEN 'delivered' ELSE status END,
              delivered_at = CASE WHEN $3::text IS NULL THEN $4::timestamptz ELSE delivered_at END
        WHERE id = $1`,
      [id, status, failure, at],
    );
  }

  async cancelDelivery(id: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(WebhookDeliveryEntity).update({ id }, { status: 'cancelled', updatedAt: at });
  }

  /** Every retry failed: dead, unless something else settled it meanwhile. */
  async markDead(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`UPDATE webhook_delivery SET status = 'dead', updated_at = $2 WHERE id = $1 AND status = 'pending'`, [id, at]);
  }
}
