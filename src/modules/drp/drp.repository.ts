import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DrpAgentTokenEntity, DrpCallbackEntity, DrpRequestEntity } from './drp.entity.js';

/** The DRP module's SQL: drp_agent_token and drp_request. */
@Injectable()
export class DrpRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pairing: the agent's token is replaced (the previous one stops working in the same statement). */
  async saveToken(m: EntityManager, token: DrpAgentTokenEntity): Promise<void> {
    await m.getRepository(DrpAgentTokenEntity).upsert(token, ['agentId']);
  }

  /** Records a setup message as used; false when it already was. Uses older than `forgetBefore` are dropped (their messages have expired). */
  async usePairing(m: EntityManager, messageHash: string, agentId: string, at: Date, forgetBefore: Date): Promise<boolean> {
    await m.query(`DELETE FROM drp_pairing WHERE used_at < $1`, [forgetBefore]);
    const rows = (await m.query(`INSERT INTO drp_pairing (message_hash, agent_id, used_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING message_hash`, [messageHash, agentId, at])) as unknown[];
    return rows.length === 1;
  }

  tokenByHash(tokenHash: string): Promise<DrpAgentTokenEntity | null> {
    return this.dataSource.getRepository(DrpAgentTokenEntity).findOneBy({ tokenHash });
  }

  async insertRequest(m: EntityManager, request: DrpRequestEntity): Promise<void> {
    await m.getRepository(DrpRequestEntity).insert(request);
  }

  async saveRequest(m: EntityManager, request: DrpRequestEntity): Promise<void> {
    await m.getRepository(DrpRequestEntity).save(request);
  }

  byId(id: string, m?: EntityManager): Promise<DrpRequestEntity | null> {
    return (m ?? this.dataSource.manager).getRepository(DrpRequestEntity).findOneBy({ id });
  }

  /** Locked for update in `m`'s transaction (a revoke against a status change). */
  lock(m: EntityManager, id: string): Promise<DrpRequestEntity | null> {
    return m.getRepository(DrpRequestEntity).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
  }

  byBodyHash(bodyHash: string, m?: EntityManager): Promise<DrpRequestEntity | null> {
    return (m ?? this.dataSource.manager).getRepository(DrpRequestEntity).findOneBy({ bodyHash });
  }

  /** A callback to send; the returned entity carries its id. */
  async insertCallback(m: EntityManager, drpRequestId: string, body: Record<string, unknown>, at: Date): Promise<DrpCallbackEntity> {
    const [row] = (await m.query(`INSERT INTO drp_callback (drp_request_id, body, created_at) VALUES ($1, $2::jsonb, $3) RETURNING id`, [drpRequestId, JSON.stringify(body), at])) as { id: string }[];
    return Object.assign(new DrpCallbackEntity(), { id: String(row!.id), drpRequestId, body, createdAt: at, deliveredAt: null, failedAt: null });
  }

  /** The last callback made for an agent request, sent or not. */
  lastCallback(m: EntityManager, drpRequestId: string): Promise<DrpCallbackEntity | null> {
    return m.getRepository(DrpCallbackEntity).findOne({ where: { drpRequestId }, order: { id: 'DESC' } });
  }

  callback(id: string): Promise<DrpCallbackEntity | null> {
    return this.dataSource.getRepository(DrpCallbackEntity).findOneBy({ id });
  }

  /** The callbacks of an agent request still to send, up to `uptoId`, oldest first. */
  unsent(m: EntityManager, drpRequestId: string, uptoId: string): Promise<DrpCallbackEntity[]> {
    return m
      .getRepository(DrpCallbackEntity)
      .createQueryBuilder('c')
      .where('c.drpRequestId = :drpRequestId AND c.id <= :uptoId AND c.deliveredAt IS NULL AND c.failedAt IS NULL', { drpRequestId, uptoId })
      .orderBy('c.id')
      .getMany();
  }

  async markCallback(m: EntityManager, id: string, field: 'deliveredAt' | 'failedAt', at: Date): Promise<void> {
    await m.getRepository(DrpCallbackEntity).update({ id }, { [field]: at });
  }

  /** The agents' requests a Lethe request answers (usually one; a duplicate filed again links to the same). */
  byRequestId(m: EntityManager, requestId: string): Promise<DrpRequestEntity[]> {
    return m.getRepository(DrpRequestEntity).findBy({ requestId });
  }
}
