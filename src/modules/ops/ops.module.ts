import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { BackupController } from './backup.controller.js';
import { BackupService } from './backup.service.js';
import { ChainCheck } from './chain.check.js';
import { HttpObservability } from './http-observability.js';
import { MetricsService } from './metrics.service.js';
import { OpsController } from './ops.controller.js';
import { OpsRepository } from './ops.repository.js';

@Module({
  imports: [ConsentModule],
  controllers: [OpsController, BackupController],
  providers: [MetricsService, HttpObservability, OpsRepository, ChainCheck, BackupService],
  exports: [MetricsService, HttpObservability],
})
export class OpsModule {}
