import { Module } from '@nestjs/common';
import { IntakeRateLimit } from '../../infrastructure/http/rate-limit.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { DeadlineFeedController } from './deadline-feed.controller.js';
import { DeadlineFeedService } from './deadline-feed.service.js';
import { IamTokenVerifier } from './iam-token.js';
import { RequestsController } from './requests.controller.js';
import { RequestBoardService } from './request-board.service.js';
import { RequestsRepository } from './requests.repository.js';
import { RequestsService } from './requests.service.js';
import { SubjectIdConfirmation } from './subject-id.confirmation.js';

@Module({
  imports: [DeadlinesModule],
  controllers: [RequestsController, DeadlineFeedController],
  providers: [RequestsService, RequestsRepository, RequestBoardService, SubjectIdConfirmation, DeadlineFeedService, IamTokenVerifier, IntakeRateLimit],
  exports: [RequestsService, IntakeRateLimit],
})
export class RequestsModule {}
