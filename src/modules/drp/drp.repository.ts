import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DrpAgentTokenEntity, DrpRequestEntity } from './drp.entity.js';

/** The DRP module's SQL: drp_agent_token and drp_request. */
@Injectable()
export class DrpRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pairing: the agent's token is replaced (the previous one stops working in the same statement). */
  async saveToken(m: EntityManager, token: DrpAgentTokenEntity): Promise<void> {
    await m.getRepository(DrpAgentTokenEntity).upsert(token, ['agentId']);
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

  /** The agents' requests a Lethe request answers (usually one; a duplicate filed again links to the same). */
  byRequestId(m: EntityManager, requestId: string): Promise<DrpRequestEntity[]> {
    return m.getRepository(DrpRequestEntity).findBy({ requestId });
  }
}
