import 'reflect-metadata';
import { DynamicModule, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, WorkerModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { createHttpAdapter, type LetheHttpApp } from './infrastructure/http/http-adapter.js';
import { closeOnSignal, configFromEnvironment } from './config/from-environment.js';

/**
 * Lethe's entry points, for `npm start` / `npm run start:worker` and for deployments that add their
 * own modules — a custom data-store adapter is a @Global() module providing DATA_STORE_FACTORIES:
 *
 *   await runApi({ modules: [SalesforceStoreModule] });
 */
export interface LetheOptions {
  /** Modules added to the application, e.g. custom data-store adapters. */
  modules?: Array<Type<unknown> | DynamicModule>;
}

/** The HTTP API. It also runs the job handlers unless LETHE_WORKERS=off. */
export async function runApi(options: LetheOptions = {}): Promise<void> {
  const { config, logger } = configFromEnvironment();
  const booting = exitWhileBooting(config.bootTimeoutSeconds, logger);
  const app = await NestFactory.create<LetheHttpApp>(AppModule.forRoot(config, options.modules), createHttpAdapter(config.http), { logger, bodyParser: false });
  configureApp(app, config);
  await app.listen(config.http.port, config.http.host);
  booting.done();
  closeOnSignal(app, config, logger);
  logger.log(`Lethe listening on http://${config.http.host}:${config.http.port} (API docs at /docs)`, 'Lifecycle');
  logger.log(`links in mail and calendar feeds point at ${config.publicUrl} (LETHE_PUBLIC_URL)`, 'Lifecycle');
}

/** Job handlers only: run as many as the load needs, next to API processes started with LETHE_WORKERS=off. */
export async function runWorker(options: LetheOptions = {}): Promise<void> {
  const { config, logger } = configFromEnvironment();
  if (config.database.url === undefined) {
    process.stderr.write('lethe-worker: DATABASE_URL is required. The embedded database belongs to one process; `npm start` already runs the job handlers.\n');
    process.exit(78);
  }
  if (config.queue.redisUrl === undefined) {
    process.stderr.write(
      'lethe-worker: REDIS_URL is required. Without it jobs run on BullMQ\'s Postgres backend, which serves one process per database: ' +
        'run the API alone (its job handlers are on by default), or set REDIS_URL on every API and worker process.\n',
    );
    process.exit(78);
  }
  const booting = exitWhileBooting(config.bootTimeoutSeconds, logger);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options.modules), { logger });
  booting.done();
  closeOnSignal(app, config, logger);
  logger.log('Lethe worker running', 'Lifecycle');
}

/**
 * Until the process is ready: SIGTERM or SIGINT ends it at once (there is nothing to drain yet), and
 * a start that takes longer than LETHE_BOOT_TIMEOUT_SECONDS (a database or queue store that accepts
 * connections but never answers) ends it with an error, for the supervisor to restart it.
 */
function exitWhileBooting(seconds: number, logger: LoggerService): { done(): void } {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.log(`${signal} while starting: exiting`, 'Lifecycle');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const timer = setTimeout(() => {
    logger.error(`not ready within ${seconds} s (LETHE_BOOT_TIMEOUT_SECONDS): exiting`, 'Lifecycle');
    process.exit(1);
  }, seconds * 1000);
  timer.unref();
  return {
    done() {
      clearTimeout(timer);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

export { DATA_STORE_FACTORIES, type DataStoreFactory } from './modules/data-stores/data-store.registry.js';
export * from './modules/data-stores/data-store.port.js';
export type { StoreConfig, TableConfig } from './config/data-stores.config.js';
