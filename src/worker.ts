import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.module.js';
import { closeOnSignal, configFromEnvironment } from './config/from-environment.js';

/** Job handlers only: run as many as the load needs, next to API processes started with LETHE_WORKERS=off. */
async function main(): Promise<void> {
  const { config, logger } = configFromEnvironment();
  if (config.database.url === undefined) {
    process.stderr.write(
      'lethe-worker: DATABASE_URL is required. The embedded database belongs to one process; ' +
        '`npm start` already runs the job handlers.\n',
    );
    process.exit(78);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });
  closeOnSignal(app, config, logger);
  logger.log('Lethe worker running', 'Lifecycle');
}

main().catch((error: unknown) => {
  process.stderr.write(`lethe-worker: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
