import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles.js';
import { ConsoleSessionEntity, ConsoleUserEntity } from './session.entity.js';
import { TOUCH_INTERVAL_MS } from './session.rules.js';

export type NewSession = Omit<ConsoleSessionEntity, 'id' | 'endedAt' | 'endReason'>;

export interface UserSignIn {
  sub: string;
  displayName: string;
  roles: Role[];
  at: Date;
}

/** The sessions module's SQL: console_session and console_user. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, session: NewSession): Promise<ConsoleSessionEntity> {
    const repo = manager.getRepository(ConsoleSessionEntity);
    return repo.save(repo.create({ ...session, endedAt: null, endReason: null }));
  }

  /** The session behind a cookie, ended or not (the caller decides what an ended one means). */
  byTokenHash(tokenHash: string): Promise<ConsoleSessionEntity | null> {
    return this.dataSource.getRepository(ConsoleSessionEntity).findOneBy({ tokenHash });
  }

  /** Moves last_seen_at forward, unless another request did within the last minute. */
  async touch(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE console_session SET last_seen_at = $2 WHERE id = $1 AND ended_at IS NULL AND last_seen_at <= $3`, [
      id,
      at,
      new Date(at.getTime() - TOUCH_INTERVAL_MS),
    ]);
  }

  /** Ends a session; false when it had ended already (two sign-outs, or a sign-out racing a timeout). */
  async end(manager: EntityManager, id: string, at: Date, reason: string): Promise<boolean> {
    const rows = (await manager.query(`UPDATE console_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL RETURNING id`, [
      id,
      at,
      reason,
    ])) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Ends the live sessions among these token hashes; their ids. */
  async endByTokenHashes(manager: EntityManager, tokenHashes: string[], at: Date, reason: string): Promise<string[]> {
    if (tokenHashes.length === 0) return [];
    const [rows] = (await manager.query(
      `UPDATE console_session SET ended_at = $2, end_reason = $3 WHERE token_hash = ANY($1) AND ended_at IS NULL RETURNING id`,
      [tokenHashes, at, reason],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id).sort();
  }

  /** Deletes sessions that ended, or reached their absolute end, before `cutoff`; how many. */
  async deleteFinishedBefore(manager: EntityManager, cutoff: Date): Promise<number> {
    const result = (await manager.query(`DELETE FROM console_session WHERE COALESCE(ended_at, expires_at) < $1 RETURNING id`, [cutoff])) as [unknown[], number];
    return result[1];
  }

  async upsertUser(manager: EntityManager, user: UserSignIn): Promise<void> {
    await manager.query(
      `INSERT INTO console_user (sub, display_name, roles, first_sign_in_at, last_sign_in_at)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (sub) DO UPDATE
         SET display_name = EXCLUDED.display_name, roles = EXCLUDED.roles, last_sign_in_at = EXCLUDED.last_sign_in_at`,
      [user.sub, user.displayName, user.roles, user.at],
    );
  }

  /** Users ordered by sub, after `afterSub`; `limit + 1` rows so the caller can tell there is more. */
  listUsers(filter: { sub?: string; afterSub?: string }, limit: number): Promise<ConsoleUserEntity[]> {
    const qb = this.dataSource.getRepository(ConsoleUserEntity).createQueryBuilder('u');
    if (filter.sub !== undefined) qb.andWhere('u.sub = :sub', { sub: filter.sub });
    if (filter.afterSub !== undefined) qb.andWhere('u.sub > :after', { after: filter.afterSub });
    return qb.orderBy('u.sub', 'ASC').limit(limit + 1).getMany();
  }
}
