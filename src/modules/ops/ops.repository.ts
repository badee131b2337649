import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ChainCheckEntity } from './chain-check.entity.js';

/** The ops module's SQL: chain_check. */
@Injectable()
export class OpsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every chain's last verification (at most two rows: read on every scrape). */
  chainChecks(m: EntityManager = this.dataSource.manager): Promise<ChainCheckEntity[]> {
    return m.getRepository(ChainCheckEntity).find({ order: { chain: 'ASC' } });
  }

  /** The chains' rows, locked until `m`'s transaction ends. */
  lockChainChecks(m: EntityManager): Promise<ChainCheckEntity[]> {
    return m.getRepository(ChainCheckEntity).find({ lock: { mode: 'pessimistic_write' } });
  }

  /** Writes every changed page to the data files (before a snapshot, so a restore replays little of the log). */
  async checkpoint(): Promise<void> {
    await this.dataSource.query('CHECKPOINT');
  }

  async saveChainCheck(m: EntityManager, row: ChainCheckEntity): Promise<void> {
    await m.getRepository(ChainCheckEntity).save(row);
  }
}
