import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { OpsModule } from '../ops/ops.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RegisterModule } from '../register/register.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { SubprocessorsModule } from '../subprocessors/subprocessors.module.js';
import { RecipientNotices } from './recipient.notices.js';
import { PackageLinks } from './package.links.js';
import { STEP_PROVIDERS, StepRegistry } from './steps/step.registry.js';
import { WorkflowCounsel } from './workflow.counsel.js';
import { WorkflowEngine } from './workflow.engine.js';
import { WorkflowMetrics } from './workflow.metrics.js';
import { WorkflowsRepository } from './workflows.repository.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

@Module({
  imports: [RequestsModule, RegisterModule, ConsentModule, PurposesModule, SubprocessorsModule, OpsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowsRepository, WorkflowEngine, WorkflowCounsel, PackageLinks, RecipientNotices, StepRegistry, WorkflowMetrics, ...STEP_PROVIDERS],
})
export class WorkflowsModule {}
