/** Writes openapi/openapi.json from the decorators (keys sorted). Boots the app on an in-memory database. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { AppModule } from './app.module.js';
import { buildOpenApi, configureApp, sortKeys } from './app.setup.js';
import { createHttpAdapter, type LetheHttpApp } from './infrastructure/http/http-adapter.js';
import { loadConfig } from './config/config.schema.js';

async function main(): Promise<void> {
  const config = loadConfig({ LETHE_EMBEDDED_PERSIST: 'off', LETHE_WORKERS: 'off', LETHE_LOG_LEVEL: 'warn', LETHE_ADMIN_API_KEY: 'x'.repeat(40) });
  const app = await NestFactory.create<LetheHttpApp>(AppModule.forRoot(config), createHttpAdapter(config.http), { logger: ['error'], bodyParser: false });
  configureApp(app, config);
  await app.init();
  const document = buildOpenApi(app);
  writeFileSync(process.argv[2] ?? 'openapi/openapi.json', `${JSON.stringify(sortKeys(document), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
