import type { Capability } from '../data-stores/data-store.port.js';
import type { RequestType } from '../requests/request.types.js';
import type { RequestStatus } from '../requests/request.state.js';

/**
 * What a request's workflow does, as one pure function of its type, its status and the steps so far.
 * Steps run in phases; a phase starts once every step of the one before succeeded or was waived.
 *
 *   access, portability  export(each store) → package
 *   rectification        rectify(each store) → check (every field changed somewhere, else counsel) → notify
 *   erasure              plan(each store, the dry run) ┆ approval ┆ erase(each) → consent → verify(each) → certificate → notify
 *   restriction          restrict(each store) → notify
 *   objection            object (recorded in the consent ledger as a withdrawal for each purpose)
 *
 * Lifting a restriction is counsel's decision after completion: a `notice` step tells the requester
 * (Art 18(3)) and only once it succeeded do the `lift` steps run on each store.
 *
 * The erasure dry run already runs while the request awaits counsel's approval, so counsel approves
 * a plan. An access request awaiting approval is reviewed after the fact: its package is built and
 * counsel approves its release (the requester gets the link on completion). Everything else waits
 * for the request to be in progress.
 */
export const STEP_NAMES = ['export', 'package', 'rectify', 'check', 'plan', 'erase', 'consent', 'verify', 'certificate', 'restrict', 'object', 'notify', 'notice', 'lift'] as const;
export type StepName = (typeof STEP_NAMES)[number];
export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'waived', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** The store id of steps that touch no data store. */
export const NO_STORE = '-';

export interface StoreCapabilities {
  id: string;
  capabilities: ReadonlySet<Capability>;
}

export interface StepRef {
  step: StepName;
  storeId: string;
}

export interface PlanInput {
  type: RequestType;
  status: RequestStatus;
  stores: readonly StoreCapabilities[];
  steps: readonly (StepRef & { status: StepStatus })[];
}

export type PlanDecision = { kind: 'create'; steps: StepRef[] } | { kind: 'wait' } | { kind: 'complete' };

type Phase = { step: StepName; needs?: Capability[] } & ({ perStore: true } | { perStore: false });

const PHASES: Record<RequestType, Phase[]> = {
  access: [{ step: 'export', perStore: true, needs: ['export'] }, { step: 'package', perStore: false }],
  portability: [{ step: 'export', perStore: true, needs: ['export'] }, { step: 'package', perStore: false }],
  rectification: [{ step: 'rectify', perStore: true, needs: ['rectify'] }, { step: 'check', perStore: false }, { step: 'notify', perStore: false }],
  erasure: [
    { step: 'plan', perStore: true, needs: ['erase'] },
    { step: 'erase', perStore: true, needs: ['erase'] },
    { step: 'consent', perStore: false },
    { step: 'verify', perStore: true, needs: ['erase', 'export'] },
    { step: 'certificate', perStore: false },
    { step: 'notify', perStore: false },
  ],
  restriction: [{ step: 'restrict', perStore: true, needs: ['restrict'] }, { step: 'notify', perStore: false }],
  objection: [{ step: 'object', perStore: false }],
};

const FINISHED: ReadonlySet<StepStatus> = new Set(['succeeded', 'waived']);

/** May the phase at `index` start while the request is in `status`? */
function mayStart(type: RequestType, index: number, status: RequestStatus): boolean {
  if (status === 'in_progress') return true;
  if (status !== 'awaiting_approval') return false;
  return type === 'access' || (type === 'erasure' && index === 0);
}

export function phasesOf(type: RequestType): readonly Phase[] {
  return PHASES[type];
}

/** The next thing to do: create the steps of the next phase, wait, or complete the request. */
export function nextSteps(input: PlanInput): PlanDecision {
  const phases = PHASES[input.type];
  for (const [index, phase] of phases.entries()) {
    const expected: StepRef[] = phase.perStore
      ? input.stores.filter((s) => (phase.needs ?? []).every((c) => s.capabilities.has(c))).map((s) => ({ step: phase.step, storeId: s.id }))
      : [{ step: phase.step, storeId: NO_STORE }];
    const existing = input.steps.filter((s) => s.step === phase.step);
    const missing = expected.filter((e) => !existing.some((s) => s.storeId === e.storeId));
    if (missing.length > 0) return mayStart(input.type, index, input.status) ? { kind: 'create', steps: missing } : { kind: 'wait' };
    if (!existing.every((s) => FINISHED.has(s.status))) return { kind: 'wait' };
  }
  return input.status === 'in_progress' ? { kind: 'complete' } : { kind: 'wait' };
}

/** Steps not finished: what stands between a request and its completion. */
export function unfinished(steps: readonly (StepRef & { status: StepStatus })[]): StepRef[] {
  return steps.filter((s) => !FINISHED.has(s.status) && s.status !== 'cancelled');
}

export function stepKey(requestId: string, step: StepName, storeId: string): string {
  return `${requestId}:${step}:${storeId}`;
}

export const STEP_ACTIONS = ['retry', 'waive'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Steps still to do: they may be waived, and a failed one retried. */
export const STEP_OPEN: ReadonlySet<StepStatus> = new Set(['pending', 'running', 'failed']);

/**
 * What counsel may do to a step: retry a failed one, waive one still to do — while the request is
 * open, or at any time for the steps that lift a restriction after completion.
 */
export function stepActions(step: { step: StepName; status: StepStatus }, requestOpen: boolean): StepAction[] {
  const live = requestOpen || step.step === 'notice' || step.step === 'lift';
  if (!live) return [];
  return STEP_ACTIONS.filter((a) => (a === 'retry' ? step.status === 'failed' : STEP_OPEN.has(step.status)));
}
