import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HttpObservabilityMiddleware } from './http-observability.middleware.js';
import { MetricsService } from './metrics.service.js';
import { OpsController } from './ops.controller.js';

@Module({ controllers: [OpsController], providers: [MetricsService], exports: [MetricsService] })
export class OpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpObservabilityMiddleware).forRoutes('*path');
  }
}
