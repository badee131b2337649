import { ConflictError } from '../../common/errors/domain.error.js';
import type { RequestAction } from '../requests/request.state.js';
import type { RequestType } from '../requests/request.types.js';
import { type StepName, type StepStatus, unfinished } from './workflow.plan.js';

export interface GuardFacts {
  type: RequestType;
  steps: readonly { step: StepName; storeId: string; status: StepStatus }[];
  /** Art 19 notices of the request still being delivered. */
  noticesInFlight: boolean;
}

/**
 * The workflows' conditions on the request's state machine (request.state.ts), named by the action
 * they guard: why `action` may not be taken now, or null. Checked inside the transition's transaction.
 */
export function workflowGuard(action: RequestAction, facts: GuardFacts): ConflictError | null {
  const names = (steps: readonly { step: StepName; storeId: string }[]) => steps.map((s) => `${s.step}:${s.storeId}`);
  if (action === 'complete') {
    const open = unfinished(facts.steps.filter((s) => s.step !== 'lift' && s.step !== 'notice'));
    if (open.length > 0) return new ConflictError('steps_unfinished', 'Steps of this request have not succeeded: retry or waive them first', { steps: names(open) });
    // Completing by hand while Art 19 notices are still in flight would tell the requester nothing of them.
    if (facts.noticesInFlight) return new ConflictError('notices_in_flight', 'Art 19 notices of this request are still being delivered: complete it once they have gone or failed');
  }
  if (action === 'approve' && facts.type === 'erasure') {
    const open = unfinished(facts.steps.filter((s) => s.step === 'plan'));
    if (open.length > 0) return new ConflictError('dry_run_unfinished', 'The erasure dry run has not finished on every store: approve once counsel can see the whole plan', { steps: names(open) });
  }
  if (action === 'approve' && facts.type === 'access') {
    // Approving an access request releases its package: counsel approves what they could review. (A
    // request with no steps yet, from before packages were built for review, runs as approved.)
    const built = facts.steps.some((s) => s.step === 'package' && (s.status === 'succeeded' || s.status === 'waived'));
    if (!built && facts.steps.length > 0) {
      return new ConflictError('package_unfinished', 'The access package is not built yet: approve its release once counsel can see its manifest', { steps: names(unfinished(facts.steps)) });
    }
  }
  return null;
}
