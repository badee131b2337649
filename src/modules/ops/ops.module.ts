import { Module } from '@nestjs/common';
import { HttpObservability } from './http-observability.js';
import { MetricsService } from './metrics.service.js';
import { OpsController } from './ops.controller.js';

@Module({ controllers: [OpsController], providers: [MetricsService, HttpObservability], exports: [MetricsService, HttpObservability] })
export class OpsModule {}
