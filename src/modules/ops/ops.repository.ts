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

  async saveChainCheck(m: EntityManager, row: ChainCheckEntity): Promise<void> {
    await m.getRepository(ChainCheckEntity).save(row);
  }
}
