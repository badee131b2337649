import { whyNotConfirmable, whyNotLinkable } from './request.identity.js';
import type { RequestType } from './request.types.js';
import { isOpen, type RequestStatus, transition } from './request.state.js';
import { type StepName, type StepStatus, unfinished } from '../workflows/workflow.plan.js';

/**
 * What counsel may do to a request now, as one pure function of the state machine and the request's
 * facts. The console offers exactly these; the services still refuse anything else (409).
 */
export const COUNSEL_ACTIONS = [
  'verify',
  'unlock_verification',
  'confirm_subject_id',
  'link_subject_id',
  'assign',
  'extend',
  'ask_clarification',
  'clarification_received',
  'approve',
  'refuse',
  'complete',
  'lift_restriction',
  'add_note',
] as const;
export type CounselAction = (typeof COUNSEL_ACTIONS)[number];

export interface RequestFacts {
  type: RequestType;
  status: RequestStatus;
  pausedFrom: RequestStatus | null;
  /** Today in the request's jurisdiction (YYYY-MM-DD). */
  today: string;
  extended: boolean;
  /** Null when the jurisdiction allows no extension. */
  extendedDueOn: string | null;
  extensionNoticeBy: string | null;
  codeLocked: boolean;
  hasSubjectId: boolean;
  subjectIdProof: string | null;
  steps: readonly { step: StepName; storeId: string; status: StepStatus }[];
  /** Art 19 notices still being delivered. */
  noticesInFlight: boolean;
}

const FINISHED: ReadonlySet<StepStatus> = new Set(['succeeded', 'waived']);
/** Before the requester's email is verified (a paused request is where its pause began). */
const UNVERIFIED: ReadonlySet<RequestStatus> = new Set(['received', 'awaiting_verification']);

export function counselActions(f: RequestFacts): CounselAction[] {
  const open = isOpen(f.status);
  const may = (action: Parameters<typeof transition>[1]) => transition(f.status, action, f.pausedFrom).ok;
  const work = f.steps.filter((s) => s.step !== 'lift' && s.step !== 'notice');
  const rules: Record<CounselAction, boolean> = {
    verify: may('verify'),
    unlock_verification: f.status === 'awaiting_verification' && f.codeLocked,
    confirm_subject_id: whyNotConfirmable({ open, hasSubjectId: f.hasSubjectId, proof: f.subjectIdProof, workflowStarted: f.steps.some((s) => s.step !== 'plan') }) === null,
    link_subject_id: whyNotLinkable({ open, hasSubjectId: f.hasSubjectId, verified: !UNVERIFIED.has(f.status === 'paused_for_clarification' && f.pausedFrom ? f.pausedFrom : f.status), workflowStarted: f.steps.some((s) => s.step !== 'plan') }) === null,
    assign: open,
    extend: open && !f.extended && f.extendedDueOn !== null && f.extensionNoticeBy !== null && f.today <= f.extensionNoticeBy,
    ask_clarification: may('pause_for_clarification'),
    clarification_received: may('resume'),
    approve: may('approve') && approvable(f),
    refuse: may('refuse'),
    complete: may('complete') && unfinished(work).length === 0 && !f.noticesInFlight,
    lift_restriction:
      f.type === 'restriction' && f.status === 'completed' && f.steps.some((s) => s.step === 'restrict' && s.status === 'succeeded') && !f.steps.some((s) => s.step === 'notice' || s.step === 'lift'),
    add_note: true,
  };
  return COUNSEL_ACTIONS.filter((action) => rules[action]);
}

/** An erasure is approved once its dry run finished on every store; an access request once its package is built. */
function approvable(f: RequestFacts): boolean {
  if (f.type === 'erasure') return unfinished(f.steps.filter((s) => s.step === 'plan')).length === 0;
  if (f.type === 'access') return f.steps.length === 0 || f.steps.some((s) => s.step === 'package' && FINISHED.has(s.status));
  return true;
}
