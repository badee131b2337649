import type { RequestAction } from '../requests/request.state.js';
import { type GuardFacts, workflowGuard } from './workflow.guards.js';

const step = (step: string, status: string, storeId = 'crm') => ({ step, storeId, status }) as GuardFacts['steps'][number];

describe('workflowGuard', () => {
  it.each<[string, RequestAction, Partial<GuardFacts>, string | null]>([
    ['complete with every step done', 'complete', { steps: [step('export', 'succeeded'), step('package', 'waived', '-')] }, null],
    ['complete with a failed step', 'complete', { steps: [step('export', 'failed')] }, 'steps_unfinished'],
    ['complete: a pending lift does not hold it up', 'complete', { steps: [step('restrict', 'succeeded'), step('lift', 'pending')] }, null],
    ['complete while Art 19 notices are in flight', 'complete', { steps: [], noticesInFlight: true }, 'notices_in_flight'],
    ['approve an erasure whose dry run is still running', 'approve', { type: 'erasure', steps: [step('plan', 'running')] }, 'dry_run_unfinished'],
    ['approve an erasure whose dry run finished', 'approve', { type: 'erasure', steps: [step('plan', 'succeeded')] }, null],
    ['approve an access request before its package is built', 'approve', { type: 'access', steps: [step('export', 'succeeded'), step('package', 'pending', '-')] }, 'package_unfinished'],
    ['approve an access request with its package built', 'approve', { type: 'access', steps: [step('package', 'succeeded', '-')] }, null],
    ['approve an access request from before packages were reviewed (no steps)', 'approve', { type: 'access', steps: [] }, null],
    ['refuse is never held up by the workflow', 'refuse', { steps: [step('export', 'failed')], noticesInFlight: true }, null],
  ])('%s', (_case, action, facts, code) => {
    const error = workflowGuard(action, { type: 'erasure', steps: [], noticesInFlight: false, ...facts });
    expect(error?.code ?? null).toBe(code);
  });
});
