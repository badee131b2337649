import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { DrpReason, DrpStatus } from './drp.rules.js';

/**
 * An agent's pair-wise bearer token (DRP §2.05): only its SHA-256 is kept. Pairing again replaces
 * it, so the previous token stops working at once.
 */
@Entity('drp_agent_token')
export class DrpAgentTokenEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_drp_agent_token' })
  agentId: string;

  @Index('uq_drp_agent_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'drp_version', type: 'varchar', length: 20, nullable: true })
  drpVersion: string | null;

  /** SHA-256 of the verify key it was paired with: a re-keyed agent must pair again. */
  @Column({ name: 'key_fingerprint', type: 'varchar', length: 64 })
  keyFingerprint: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;
}

/** A pair-wise setup message once used (its SHA-256): a copy of it can never mint a token again. */
@Entity('drp_pairing')
export class DrpPairingEntity {
  @PrimaryColumn({ name: 'message_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_drp_pairing' })
  messageHash: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 100 })
  agentId: string;

  @Index('idx_drp_pairing_used')
  @Column({ name: 'used_at', type: 'timestamptz' })
  usedAt: Date;
}

/**
 * A request an agent filed (DRP §2.01). Access and deletion, and opt-outs, are Lethe requests
 * (`request_id`), whose state gives the DRP status; a request Lethe answered at once (denied, or
 * nothing to opt out of) has its status here and no Lethe request. Revoking sets `revoked_at`.
 */
@Entity('drp_request')
@Index('idx_drp_request_request', ['requestId'])
@Index('uq_drp_request_body', ['bodyHash'], { unique: true })
export class DrpRequestEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_drp_request' })
  id: string;

  @Column({ name: 'agent_id', type: 'varchar', length: 100 })
  agentId: string;

  @Column({ name: 'agent_request_id', type: 'varchar', length: 200, nullable: true })
  agentRequestId: string | null;

  /** SHA-256 of the signed message (decoded): the same signed request sent again is answered, not filed twice. */
  @Column({ name: 'body_hash', type: 'varchar', length: 64 })
  bodyHash: string;

  @Column({ type: 'varchar', length: 100 })
  exercise: string;

  @Column({ type: 'varchar', length: 30, nullable: true })
  regime: string | null;

  @Column({ name: 'drp_version', type: 'varchar', length: 20, nullable: true })
  drpVersion: string | null;

  @Column({ name: 'status_callback', type: 'varchar', length: 2000, nullable: true })
  statusCallback: string | null;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  /** The status when there is no Lethe request behind it. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  status: DrpStatus | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  reason: DrpReason | null;

  @Column({ name: 'processing_details', type: 'varchar', length: 1000, nullable: true })
  processingDetails: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * One status callback to send (DRP §2.03): the status object as it stood when the change committed.
 * An agent's callbacks go out in order, each once it is delivered (at least once), or given up on.
 */
@Entity('drp_callback')
@Index('idx_drp_callback_request', ['drpRequestId', 'id'])
export class DrpCallbackEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_drp_callback' })
  id: string;

  @Column({ name: 'drp_request_id', type: 'uuid' })
  drpRequestId: string;

  @Column({ type: 'jsonb' })
  body: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt: Date | null;
}
