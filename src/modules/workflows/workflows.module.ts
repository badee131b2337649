import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RegisterModule } from '../register/register.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { SubprocessorsModule } from '../subprocessors/subprocessors.module.js';
import { RecipientNotices } from './recipient.notices.js';
import { StepRunners } from './step.runners.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

@Module({
  imports: [RequestsModule, RegisterModule, ConsentModule, PurposesModule, SubprocessorsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, StepRunners, RecipientNotices],
})
export class WorkflowsModule {}
