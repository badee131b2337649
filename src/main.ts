import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { closeOnSignal, configFromEnvironment } from './config/from-environment.js';

/** The HTTP API. It also runs the job handlers unless LETHE_WORKERS=off. */
async function main(): Promise<void> {
  const { config, logger } = configFromEnvironment();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger, bodyParser: false });
  configureApp(app, config);
  closeOnSignal(app, config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.log(`Lethe listening on http://${config.http.host}:${config.http.port} (API docs at /docs)`, 'Lifecycle');
}

main().catch((error: unknown) => {
  process.stderr.write(`lethe: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
