import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { createDataSource, runMigrations } from './data-source.js';
import { DatabaseHealth } from './database.health.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { join } from 'node:path';

/** Where the database is, once it is up: the configured server, or the embedded PGlite. */
export class DatabaseEndpoint {
  constructor(
    readonly url: string,
    readonly embedded: EmbeddedPostgres | undefined,
  ) {}
}

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoint: DatabaseEndpoint,
  ) {}

  /** Runs after every `beforeApplicationShutdown` hook, so workers have drained by now. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.endpoint.embedded) {
      await this.endpoint.embedded.stop();
      this.logger.log('embedded database closed');
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DatabaseEndpoint,
      inject: [CONFIG],
      useFactory: async (config: LetheConfig): Promise<DatabaseEndpoint> => {
        if (config.database.url !== undefined) return new DatabaseEndpoint(config.database.url, undefined);
        const embedded = await EmbeddedPostgres.start({
          dataDir: config.database.embeddedPersist ? join(config.dataDir) : undefined,
          port: config.database.embeddedPort,
          template: config.database.embeddedTemplate,
        });
        new Logger('Database').log(
          config.database.embeddedPersist
            ? `embedded Postgres (PGlite) on ${embedded.url.replace(/^postgres:\/\/[^@]*@/, '')}, data in ${config.dataDir}`
            : 'embedded Postgres (PGlite) in memory',
        );
        return new DatabaseEndpoint(embedded.url, embedded);
      },
    },
    {
      provide: DataSource,
      inject: [CONFIG, DatabaseEndpoint],
      useFactory: async (config: LetheConfig, endpoint: DatabaseEndpoint): Promise<DataSource> => {
        const dataSource = createDataSource(endpoint.url, config.database.poolSize);
        await dataSource.initialize();
        const applied = await runMigrations(dataSource);
        if (applied > 0) new Logger('Database').log(`applied ${applied} migration(s)`);
        return dataSource;
      },
    },
    DatabaseLifecycle,
    DatabaseHealth,
  ],
  exports: [DataSource, DatabaseEndpoint, DatabaseHealth],
})
export class DatabaseModule {}
