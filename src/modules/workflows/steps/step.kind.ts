import type { EntityManager } from 'typeorm';
import type { SubjectIdentity } from '../../data-stores/data-store.port.js';
import type { RequestRecord } from '../../requests/request.types.js';
import type { SubjectOfRequest } from '../../requests/requests.service.js';
import type { WorkflowStepEntity } from '../workflow.entity.js';
import type { StepName } from '../workflow.plan.js';

/** What a step runs with: its row, the request, and the subject as the adapters may see them. */
export interface StepInput {
  step: WorkflowStepEntity;
  request: RequestRecord;
  subject: SubjectOfRequest;
  identity: SubjectIdentity;
  /** What an earlier try of this step recorded before it could report success. */
  previous: Record<string, unknown> | null;
  /** This run's id (it holds the step's lease): what a run writes to disk goes under it, never where another run writes. */
  attempt: string;
}

/** What a step did: its result (no personal data), and the writes that commit with its success. */
export interface StepOutcome {
  result: Record<string, unknown>;
  /** Runs in the transaction that records the success, with the request locked. */
  commit?: (m: EntityManager, request: RequestRecord) => Promise<void>;
  afterCommit?: () => Promise<void>;
}

/**
 * One kind of workflow step. Every kind is idempotent: running it again after a crash gives the
 * same outcome (each export stages into a folder of its own run, erasure and restriction are idempotent in the
 * adapters, commits are guarded by unique keys).
 */
export interface StepKind {
  readonly name: StepName;
  run(input: StepInput): Promise<StepOutcome>;
}

/** A step that cannot run yet (a lift waits until the requester has been told). Retried. */
export class WaitingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitingError';
  }
}

/**
 * A step that only counsel can settle (a correction no store can make): it fails at once, without
 * retries, and counsel waives it saying what was done.
 */
export class NeedsCounselError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeedsCounselError';
  }
}
