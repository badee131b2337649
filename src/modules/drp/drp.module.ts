import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { DrpCallbacks } from './drp.callbacks.js';
import { DrpController } from './drp.controller.js';
import { DrpRepository } from './drp.repository.js';
import { DrpService } from './drp.service.js';
import { DrpStatuses } from './drp.status.js';

/** The Data Rights Protocol: authorized agents file and follow requests (owns drp_agent_token, drp_request). */
@Module({
  imports: [RequestsModule, PurposesModule],
  controllers: [DrpController],
  providers: [DrpService, DrpStatuses, DrpCallbacks, DrpRepository],
})
export class DrpModule {}
