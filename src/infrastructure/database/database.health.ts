import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The readiness probe's database check, kept here so that controllers never query. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  /** Resolves when the database answers a trivial query; rejects when it does not. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
