import { allowedActions, isOpen, REQUEST_ACTIONS, REQUEST_STATUSES, RequestAction, RequestStatus, transition } from './request.state.js';

describe('request state machine', () => {
  it.each<[RequestStatus, RequestAction, RequestStatus, string]>([
    ['received', 'request_verification', 'awaiting_verification', 'an email code is sent'],
    ['received', 'verify', 'verified', 'verified at intake (IAM token, or counsel)'],
    ['awaiting_verification', 'verify', 'verified', 'the right code, or manual verification'],
    ['verified', 'submit_for_approval', 'awaiting_approval', 'types that need counsel’s approval'],
    ['verified', 'start', 'in_progress', 'types that need none'],
    ['awaiting_approval', 'approve', 'in_progress', 'counsel approves'],
    ['in_progress', 'complete', 'completed', 'the work is done'],
    ['awaiting_verification', 'expire_unverified', 'expired_unverified', 'identity never proved'],
    ['in_progress', 'refuse', 'refused', 'Art 12(5) refusal while in progress'],
    ['received', 'refuse', 'refused', 'refusal on receipt'],
    ['paused_for_clarification', 'refuse', 'refused', 'refusal while paused'],
    ['awaiting_approval', 'withdraw', 'withdrawn', 'the requester withdraws'],
    ['paused_for_clarification', 'withdraw', 'withdrawn', 'withdrawn while paused'],
    ['verified', 'pause_for_clarification', 'paused_for_clarification', 'counsel asks for clarification'],
    ['in_progress', 'pause_for_clarification', 'paused_for_clarification', 'clarification mid-way'],
  ])('%s --%s--> %s (%s)', (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, to });
  });

  it.each<[RequestStatus, RequestAction]>([
    ['completed', 'refuse'],
    ['refused', 'withdraw'],
    ['withdrawn', 'approve'],
    ['expired_unverified', 'verify'],
    ['received', 'approve'],
    ['awaiting_approval', 'complete'],
    ['in_progress', 'verify'],
    ['verified', 'expire_unverified'],
    ['paused_for_clarification', 'pause_for_clarification'],
    ['in_progress', 'resume'],
  ])('%s refuses %s and names what it allows', (from, action) => {
    const result = transition(from, action);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.allowed).toEqual(allowedActions(from));
  });

  it('resume returns to the state the pause began in', () => {
    expect(transition('paused_for_clarification', 'resume', 'awaiting_approval')).toEqual({ ok: true, to: 'awaiting_approval' });
    expect(transition('paused_for_clarification', 'resume', 'in_progress')).toEqual({ ok: true, to: 'in_progress' });
    expect(transition('paused_for_clarification', 'resume', null).ok).toBe(false);
  });

  it('closed states allow nothing; every open state allows refuse and withdraw', () => {
    for (const status of REQUEST_STATUSES) {
      const allowed = allowedActions(status);
      if (isOpen(status)) expect(allowed).toEqual(expect.arrayContaining(['refuse', 'withdraw']));
      else expect(allowed).toEqual([]);
    }
  });

  it('every action is reachable from some state', () => {
    for (const action of REQUEST_ACTIONS) expect(REQUEST_STATUSES.some((s) => transition(s, action, 'verified').ok)).toBe(true);
  });
});
