import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../ops/metrics.service.js';
import { WorkflowsRepository } from './workflows.repository.js';

/** Hands /metrics the count of failed workflow steps (lethe_workflow_steps_failed), read from workflow_step here. */
@Injectable()
export class WorkflowMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly repository: WorkflowsRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.provide('failedSteps', () => this.repository.failedStepCount());
  }
}
