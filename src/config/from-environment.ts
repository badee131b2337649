import { LoggerService } from '@nestjs/common';
import { ConfigError, LetheConfig, loadConfig } from './config.schema.js';
import { createPino, PinoNestLogger } from '../common/logging/logger.js';

/**
 * Reads the configuration for a process entry point. A bad value ends the process with a message
 * naming the variable; the rest of the code never reads process.env.
 */
export function configFromEnvironment(): { config: LetheConfig; logger: LoggerService } {
  try {
    const config = loadConfig(configSource());
    return { config, logger: new PinoNestLogger(createPino(config.log.level)) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lethe: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * On SIGTERM or SIGINT: close the app (stop taking requests and jobs, let running jobs finish, close
 * the database), then exit 0; exit 1 if that takes longer than the grace period.
 */
export function closeOnSignal(app: { close(): Promise<void> }, config: LetheConfig, logger: LoggerService): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down (at most ${config.shutdownGraceSeconds}s)`, 'Lifecycle');
      setTimeout(() => {
        logger.error('graceful shutdown took too long; exiting', 'Lifecycle');
        process.exit(1);
      }, config.shutdownGraceSeconds * 1000).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`, 'Lifecycle');
          process.exit(1);
        },
      );
    });
  }
}

/** The environment, for tools that parse it with loadConfig themselves. */
export function configSource(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
