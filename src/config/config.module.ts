import { DynamicModule, Global, Module } from '@nestjs/common';
import { LetheConfig } from './config.schema.js';

export const CONFIG = Symbol('LetheConfig');

/** Makes the config parsed at boot injectable as `@Inject(CONFIG) config: LetheConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: LetheConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
