import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ConsentAction } from './consent.entity.js';
import { ConsentRepository, OutboxRow } from './consent.repository.js';

export type { OutboxRow };

/** A recorded consent event as other systems are told of it. */
export interface ConsentChange {
  id: string;
  subjectId: string | null;
  purpose: string;
  action: ConsentAction;
  noticeVersion: string;
  occurredAt: Date;
  recordedAt: Date;
  seq: number;
}

/**
 * The consent side of the transactional outbox: every accepted event leaves a row in `consent_outbox`
 * (written by the same statement as the event); the webhooks poller claims rows, fans them out and
 * acknowledges them, all in its own transaction, whose manager it passes in.
 */
@Injectable()
export class ConsentOutbox {
  constructor(private readonly repository: ConsentRepository) {}

  /** Claims up to `limit` rows, oldest first, that no other worker holds (FOR UPDATE SKIP LOCKED). */
  claim(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    return this.repository.lockOutboxBatch(manager, limit);
  }

  /** Removes rows that were fanned out. */
  ack(manager: EntityManager, ids: string[]): Promise<void> {
    return this.repository.deleteOutboxRows(manager, ids);
  }

  /** Removes up to `limit` rows nobody will carry (no subscriber): the events stay in the ledger. How many. */
  discard(manager: EntityManager, limit: number): Promise<number> {
    return this.repository.deleteOutboxBatch(manager, limit);
  }

  /** The event an outbox row or a delivery names. */
  event(id: string): Promise<ConsentChange | null> {
    return this.repository.byId(id);
  }
}
