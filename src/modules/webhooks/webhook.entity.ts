import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const WEBHOOK_EVENT_TYPES = ['consent.granted', 'consent.withdrawn'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

@Entity('webhook_subscription')
export class WebhookSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 200 })
  description: string;

  /** The signing secret, AES-256-GCM sealed; `secret_key_id` names the key. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  @Column({ name: 'secret_key_id', type: 'varchar', length: 16 })
  secretKeyId: string;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes: WebhookEventType[];

  /** Only events for these purposes; empty for all. */
  @Column({ type: 'text', array: true })
  purposes: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

@Entity('webhook_delivery')
@Index('uq_webhook_delivery_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('idx_webhook_delivery_status', ['status', 'updatedAt'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 40 })
  eventType: WebhookEventType;

  @Column({ type: 'varchar', length: 10 })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
