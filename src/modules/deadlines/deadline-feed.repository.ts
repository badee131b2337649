import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DeadlineFeedEntity } from './deadline-feed.entity.js';

/** The deadlines module's SQL: counsel's calendar-feed URLs (deadline_feed). */
@Injectable()
export class DeadlineFeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(m: EntityManager, feed: Omit<DeadlineFeedEntity, 'id'>): Promise<DeadlineFeedEntity> {
    const row = m.getRepository(DeadlineFeedEntity).create(feed);
    await m.getRepository(DeadlineFeedEntity).insert(row);
    return row;
  }

  byId(m: EntityManager, id: string): Promise<DeadlineFeedEntity | null> {
    return m.getRepository(DeadlineFeedEntity).findOneBy({ id });
  }

  byTokenHash(tokenHash: string): Promise<DeadlineFeedEntity | null> {
    return this.dataSource.getRepository(DeadlineFeedEntity).findOneBy({ tokenHash });
  }

  async revoke(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.getRepository(DeadlineFeedEntity).update({ id }, { revokedAt: at });
  }

  /** One person's feeds, newest first; `limit + 1` rows for toPage. */
  pageOf(createdBy: string, after: { at: Date; id: string } | undefined, limit: number): Promise<DeadlineFeedEntity[]> {
    const qb = this.dataSource.getRepository(DeadlineFeedEntity).createQueryBuilder('f').where('f.created_by = :actor', { actor: createdBy });
    if (after) qb.andWhere('(f.created_at, f.id) < (:at, :id)', { at: after.at, id: after.id });
    return qb.orderBy('f.created_at', 'DESC').addOrderBy('f.id', 'DESC').limit(limit + 1).getMany();
  }
}
