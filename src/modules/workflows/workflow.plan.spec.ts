import type { Capability } from '../data-stores/data-store.port.js';
import type { RequestType } from '../requests/request.types.js';
import type { RequestStatus } from '../requests/request.state.js';
import { nextSteps, PlanDecision, StepAction, stepActions, StepName, StepStatus, unfinished } from './workflow.plan.js';

const store = (id: string, ...caps: Capability[]) => ({ id, capabilities: new Set(caps) });
const STORES = [store('crm', 'export', 'rectify', 'erase', 'restrict'), store('billing', 'export', 'erase'), store('search', 'export')];
type S = [StepName, string, StepStatus];
const steps = (...list: S[]) => list.map(([step, storeId, status]) => ({ step, storeId, status }));
const create = (...refs: [StepName, string][]): PlanDecision => ({ kind: 'create', steps: refs.map(([step, storeId]) => ({ step, storeId })) });
const WAIT: PlanDecision = { kind: 'wait' };
const COMPLETE: PlanDecision = { kind: 'complete' };

describe('nextSteps', () => {
  it.each<[string, RequestType, RequestStatus, S[], PlanDecision]>([
    ['access starts by exporting from every store that can', 'access', 'in_progress', [], create(['export', 'crm'], ['export', 'billing'], ['export', 'search'])],
    ['access waits while an export runs', 'access', 'in_progress', [['export', 'crm', 'succeeded'], ['export', 'billing', 'running'], ['export', 'search', 'succeeded']], WAIT],
    ['a failed store holds the request', 'access', 'in_progress', [['export', 'crm', 'succeeded'], ['export', 'billing', 'failed'], ['export', 'search', 'succeeded']], WAIT],
    ['a waived store lets it go on', 'access', 'in_progress', [['export', 'crm', 'succeeded'], ['export', 'billing', 'waived'], ['export', 'search', 'succeeded']], create(['package', '-'])],
    ['access completes after the package', 'access', 'in_progress', [['export', 'crm', 'succeeded'], ['export', 'billing', 'succeeded'], ['export', 'search', 'succeeded'], ['package', '-', 'succeeded']], COMPLETE],
    ['nothing runs before the request is in progress', 'access', 'verified', [], WAIT],
    ['a paused request starts nothing new', 'access', 'paused_for_clarification', [['export', 'crm', 'succeeded'], ['export', 'billing', 'succeeded'], ['export', 'search', 'succeeded']], WAIT],
    ['portability is the same workflow', 'portability', 'in_progress', [], create(['export', 'crm'], ['export', 'billing'], ['export', 'search'])],
    ['rectification goes to stores that may rectify', 'rectification', 'in_progress', [], create(['rectify', 'crm'])],
    ['rectification then checks every field was changed somewhere', 'rectification', 'in_progress', [['rectify', 'crm', 'succeeded']], create(['check', '-'])],
    ['a field no store took holds the request for counsel', 'rectification', 'in_progress', [['rectify', 'crm', 'succeeded'], ['check', '-', 'failed']], WAIT],
    ['rectification then notifies recipients', 'rectification', 'in_progress', [['rectify', 'crm', 'succeeded'], ['check', '-', 'succeeded']], create(['notify', '-'])],
    ['counsel’s waiver of the check lets it go on', 'rectification', 'in_progress', [['rectify', 'crm', 'succeeded'], ['check', '-', 'waived']], create(['notify', '-'])],
    ['access under review exports while counsel waits', 'access', 'awaiting_approval', [], create(['export', 'crm'], ['export', 'billing'], ['export', 'search'])],
    ['access under review builds the package', 'access', 'awaiting_approval', [['export', 'crm', 'succeeded'], ['export', 'billing', 'succeeded'], ['export', 'search', 'succeeded']], create(['package', '-'])],
    [
      'a reviewed package waits for counsel to release it',
      'access',
      'awaiting_approval',
      [['export', 'crm', 'succeeded'], ['export', 'billing', 'succeeded'], ['export', 'search', 'succeeded'], ['package', '-', 'succeeded']],
      WAIT,
    ],
    ['portability awaiting approval starts nothing', 'portability', 'awaiting_approval', [], WAIT],
    ['the erasure dry run runs while counsel decides', 'erasure', 'awaiting_approval', [], create(['plan', 'crm'], ['plan', 'billing'])],
    ['erasure executes only once approved', 'erasure', 'awaiting_approval', [['plan', 'crm', 'succeeded'], ['plan', 'billing', 'succeeded']], WAIT],
    ['approved erasure executes on every erasing store', 'erasure', 'in_progress', [['plan', 'crm', 'succeeded'], ['plan', 'billing', 'succeeded']], create(['erase', 'crm'], ['erase', 'billing'])],
    ['without approval the dry run still comes first', 'erasure', 'in_progress', [], create(['plan', 'crm'], ['plan', 'billing'])],
    [
      'erasure pseudonymises the consent ledger after the stores',
      'erasure',
      'in_progress',
      [['plan', 'crm', 'succeeded'], ['plan', 'billing', 'succeeded'], ['erase', 'crm', 'succeeded'], ['erase', 'billing', 'succeeded']],
      create(['consent', '-']),
    ],
    [
      'then verifies every store it erased that can export',
      'erasure',
      'in_progress',
      [['plan', 'crm', 'succeeded'], ['plan', 'billing', 'succeeded'], ['erase', 'crm', 'succeeded'], ['erase', 'billing', 'succeeded'], ['consent', '-', 'succeeded']],
      create(['verify', 'crm'], ['verify', 'billing']),
    ],
    [
      'then certifies',
      'erasure',
      'in_progress',
      [['plan', 'crm', 'succeeded'], ['plan', 'billing', 'succeeded'], ['erase', 'crm', 'succeeded'], ['erase', 'billing', 'succeeded'], ['consent', '-', 'succeeded'], ['verify', 'crm', 'succeeded'], ['verify', 'billing', 'succeeded']],
      create(['certificate', '-']),
    ],
    [
      'and completes after the Art 19 notices',
      'erasure',
      'in_progress',
      [
        ['plan', 'crm', 'succeeded'],
        ['plan', 'billing', 'succeeded'],
        ['erase', 'crm', 'succeeded'],
        ['erase', 'billing', 'succeeded'],
        ['consent', '-', 'succeeded'],
        ['verify', 'crm', 'succeeded'],
        ['verify', 'billing', 'succeeded'],
        ['certificate', '-', 'succeeded'],
        ['notify', '-', 'succeeded'],
      ],
      COMPLETE,
    ],
    ['restriction marks every store that can restrict', 'restriction', 'in_progress', [], create(['restrict', 'crm'])],
    ['objection is recorded', 'objection', 'in_progress', [], create(['object', '-'])],
    ['objection completes once recorded', 'objection', 'in_progress', [['object', '-', 'succeeded']], COMPLETE],
  ])('%s', (_name, type, status, done, expected) => {
    expect(nextSteps({ type, status, stores: STORES, steps: steps(...done) })).toEqual(expected);
  });

  it('with no store able to export, an access request goes straight to its package', () => {
    expect(nextSteps({ type: 'access', status: 'in_progress', stores: [store('crm', 'erase')], steps: [] })).toEqual(create(['package', '-']));
  });

  it('a store added after its phase began joins that phase', () => {
    const done = steps(['export', 'crm', 'succeeded'], ['export', 'billing', 'succeeded']);
    expect(nextSteps({ type: 'access', status: 'in_progress', stores: STORES, steps: done })).toEqual(create(['export', 'search']));
  });

  it('unfinished lists what stands between a request and completion', () => {
    expect(unfinished(steps(['export', 'crm', 'succeeded'], ['export', 'billing', 'failed'], ['export', 'search', 'waived'], ['package', '-', 'pending'], ['lift', 'crm', 'cancelled']))).toEqual([
      { step: 'export', storeId: 'billing', status: 'failed' },
      { step: 'package', storeId: '-', status: 'pending' },
    ]);
  });
});

describe('stepActions', () => {
  it.each<[string, StepName, StepStatus, boolean, StepAction[]]>([
    ['a failed step of an open request: retry or waive', 'export', 'failed', true, ['retry', 'waive']],
    ['a pending or running step: waive only', 'plan', 'running', true, ['waive']],
    ['a step that succeeded: nothing', 'erase', 'succeeded', true, []],
    ['a waived step: nothing', 'export', 'waived', true, []],
    ['a cancelled step: nothing', 'export', 'cancelled', true, []],
    ['a closed request: its steps are settled', 'export', 'failed', false, []],
    ['lifting a restriction happens after completion', 'notice', 'failed', false, ['retry', 'waive']],
    ['a lift still to do after completion', 'lift', 'pending', false, ['waive']],
  ])('%s', (_rule, step, status, open, expected) => {
    expect(stepActions({ step, status }, open)).toEqual(expected);
  });
});
