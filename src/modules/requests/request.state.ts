/**
 * The lifecycle of a data-subject request, as one pure transition table.
 *
 *   received → awaiting_verification → verified → awaiting_approval → in_progress → completed
 *                                          └──────────(no approval needed)──┘
 *   any open state → refused | withdrawn;  awaiting_verification → expired_unverified
 *   paused_for_clarification sits beside the open states and returns to the one it left.
 */
export const REQUEST_STATUSES = [
  'received',
  'awaiting_verification',
  'verified',
  'awaiting_approval',
  'in_progress',
  'paused_for_clarification',
  'completed',
  'refused',
  'withdrawn',
  'expired_unverified',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_ACTIONS = [
  'request_verification',
  'verify',
  'submit_for_approval',
  'start',
  'approve',
  'complete',
  'refuse',
  'withdraw',
  'expire_unverified',
  'pause_for_clarification',
  'resume',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

export const CLOSED: ReadonlySet<RequestStatus> = new Set(['completed', 'refused', 'withdrawn', 'expired_unverified']);
const OPEN: RequestStatus[] = REQUEST_STATUSES.filter((s) => !CLOSED.has(s));
const ACTIVE: RequestStatus[] = ['received', 'awaiting_verification', 'verified', 'awaiting_approval', 'in_progress'];

/** From which states each action may be taken, and where it leads ('resume' goes back to where the pause began). */
const TABLE: Record<RequestAction, { from: readonly RequestStatus[]; to: RequestStatus | 'previous' }> = {
  request_verification: { from: ['received'], to: 'awaiting_verification' },
  verify: { from: ['received', 'awaiting_verification'], to: 'verified' },
  submit_for_approval: { from: ['verified'], to: 'awaiting_approval' },
  start: { from: ['verified'], to: 'in_progress' },
  approve: { from: ['awaiting_approval'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'completed' },
  refuse: { from: OPEN, to: 'refused' },
  withdraw: { from: OPEN, to: 'withdrawn' },
  expire_unverified: { from: ['awaiting_verification'], to: 'expired_unverified' },
  pause_for_clarification: { from: ACTIVE, to: 'paused_for_clarification' },
  resume: { from: ['paused_for_clarification'], to: 'previous' },
};

export type Transition = { ok: true; to: RequestStatus } | { ok: false; allowed: RequestAction[] };

/** Where `action` leads from `status`, or which actions `status` allows instead. */
export function transition(status: RequestStatus, action: RequestAction, pausedFrom: RequestStatus | null = null): Transition {
  const rule = TABLE[action];
  if (!rule.from.includes(status)) return { ok: false, allowed: allowedActions(status) };
  if (rule.to === 'previous') {
    if (pausedFrom === null || !ACTIVE.includes(pausedFrom)) return { ok: false, allowed: allowedActions(status).filter((a) => a !== 'resume') };
    return { ok: true, to: pausedFrom };
  }
  return { ok: true, to: rule.to };
}

export function allowedActions(status: RequestStatus): RequestAction[] {
  return REQUEST_ACTIONS.filter((action) => TABLE[action].from.includes(status));
}

export function isOpen(status: RequestStatus): boolean {
  return !CLOSED.has(status);
}
