import { Module } from '@nestjs/common';
import { IntakeRateLimit } from '../../infrastructure/http/rate-limit.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { OpsModule } from '../ops/ops.module.js';
import { IamTokenVerifier } from './iam-token.js';
import { RequestsController } from './requests.controller.js';
import { RequestBoardService } from './request-board.service.js';
import { RequestsRepository } from './requests.repository.js';
import { CounselActions } from './request.counsel.js';
import { RequestIntake } from './request.intake.js';
import { RequestJobs } from './request.jobs.js';
import { RequestLifecycle } from './request.lifecycle.js';
import { RequestMetrics } from './request.metrics.js';
import { RequestVerification } from './request.verification.js';
import { RequestsService } from './requests.service.js';
import { SubjectIdConfirmation } from './subject-id.confirmation.js';

@Module({
  imports: [DeadlinesModule, OpsModule],
  controllers: [RequestsController],
  providers: [RequestsService, RequestsRepository, RequestLifecycle, RequestIntake, RequestVerification, CounselActions, RequestJobs, RequestBoardService, SubjectIdConfirmation, IamTokenVerifier, IntakeRateLimit, RequestMetrics],
  exports: [RequestsService, IntakeRateLimit],
})
export class RequestsModule {}
