import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditExporter } from './audit.export.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({ controllers: [AuditController], providers: [AuditService, AuditRepository, AuditExporter], exports: [AuditService, AuditExporter] })
export class AuditModule {}
