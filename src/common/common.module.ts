import { Global, Module } from '@nestjs/common';
import { CONFIG } from '../config/config.module.js';
import type { LetheConfig } from '../config/config.schema.js';
import { Clock, SystemClock } from './clock.js';
import { Keyring } from './keyring.js';

@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: Keyring, inject: [CONFIG], useFactory: (config: LetheConfig) => Keyring.fromConfig(config) },
  ],
  exports: [Clock, Keyring],
})
export class CommonModule {}
