import { CounselAction, counselActions, RequestFacts } from './request.actions.js';

const base: RequestFacts = {
  type: 'access',
  status: 'in_progress',
  pausedFrom: null,
  today: '2026-11-25',
  extended: false,
  extendedDueOn: '2027-02-23',
  extensionNoticeBy: '2026-12-23',
  codeLocked: false,
  hasSubjectId: false,
  subjectIdProof: null,
  steps: [],
  noticesInFlight: false,
};
const step = (name: string, status: string, storeId = 'crm') => ({ step: name, storeId, status }) as RequestFacts['steps'][number];

describe('counsel actions: the state machine and the request’s facts', () => {
  it.each<[string, Partial<RequestFacts>, CounselAction[]]>([
    ['awaiting verification: verify by hand, refuse, clarify', { status: 'awaiting_verification' }, ['verify', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['five wrong codes: unlock too', { status: 'awaiting_verification', codeLocked: true }, ['verify', 'unlock_verification', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['a typed subject id before any work: confirm it', { status: 'awaiting_approval', type: 'rectification', hasSubjectId: true }, ['confirm_subject_id', 'assign', 'extend', 'ask_clarification', 'approve', 'refuse', 'add_note']],
    ['a proven subject id: nothing to confirm', { status: 'awaiting_approval', type: 'rectification', hasSubjectId: true, subjectIdProof: 'iam_token' }, ['assign', 'extend', 'ask_clarification', 'approve', 'refuse', 'add_note']],
    ['erasure: the dry run re-runs with the id, so it may still be confirmed', { status: 'awaiting_approval', type: 'erasure', hasSubjectId: true, steps: [step('plan', 'running')] }, ['confirm_subject_id', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['erasure: no approval before the dry run finished on every store', { status: 'awaiting_approval', type: 'erasure', steps: [step('plan', 'succeeded'), step('plan', 'failed', 'billing')] }, ['link_subject_id', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['erasure: the whole plan is there, approve it', { status: 'awaiting_approval', type: 'erasure', steps: [step('plan', 'succeeded'), step('plan', 'waived', 'billing')] }, ['link_subject_id', 'assign', 'extend', 'ask_clarification', 'approve', 'refuse', 'add_note']],
    ['access under review: no release before the package is built', { status: 'awaiting_approval', steps: [step('export', 'succeeded'), step('package', 'pending', '-')] }, ['assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['access under review: the package is built, release it', { status: 'awaiting_approval', steps: [step('export', 'succeeded'), step('package', 'succeeded', '-')] }, ['assign', 'extend', 'ask_clarification', 'approve', 'refuse', 'add_note']],
    ['in progress with a step unfinished: no completing by hand', { steps: [step('export', 'failed')] }, ['assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['in progress, no workflow: complete by hand', {}, ['link_subject_id', 'assign', 'extend', 'ask_clarification', 'refuse', 'complete', 'add_note']],
    ['Art 19 notices still in flight: not yet', { noticesInFlight: true }, ['link_subject_id', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']],
    ['already extended: no second extension', { extended: true }, ['link_subject_id', 'assign', 'ask_clarification', 'refuse', 'complete', 'add_note']],
    ['past the extension notice date: too late', { today: '2026-12-24' }, ['link_subject_id', 'assign', 'ask_clarification', 'refuse', 'complete', 'add_note']],
    ['a jurisdiction without extension', { extendedDueOn: null, extensionNoticeBy: null }, ['link_subject_id', 'assign', 'ask_clarification', 'refuse', 'complete', 'add_note']],
    ['paused for clarification: the answer arrived, or refuse', { status: 'paused_for_clarification', pausedFrom: 'in_progress' }, ['link_subject_id', 'assign', 'extend', 'clarification_received', 'refuse', 'add_note']],
    ['no account named, email verified, no work yet: link the account (an agent’s request)', { status: 'awaiting_approval', type: 'objection' }, ['link_subject_id', 'assign', 'extend', 'ask_clarification', 'approve', 'refuse', 'add_note']],
    ['paused while awaiting verification: no linking before the email is verified', { status: 'paused_for_clarification', pausedFrom: 'awaiting_verification' }, ['assign', 'extend', 'clarification_received', 'refuse', 'add_note']],
    ['completed: notes only', { status: 'completed' }, ['add_note']],
    ['a completed restriction: lift it', { status: 'completed', type: 'restriction', steps: [step('restrict', 'succeeded'), step('notify', 'succeeded', '-')] }, ['lift_restriction', 'add_note']],
    ['a restriction already being lifted: not again', { status: 'completed', type: 'restriction', steps: [step('restrict', 'succeeded'), step('notice', 'pending', '-')] }, ['add_note']],
    ['refused: notes only', { status: 'refused' }, ['add_note']],
  ])('%s', (_rule, facts, expected) => {
    expect(counselActions({ ...base, ...facts })).toEqual(expected);
  });
});
