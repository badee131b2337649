import { actorInWords, describeEntry } from './request.timeline.js';

describe('a request’s history in words', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['request.received', { type: 'access', channel: 'web', jurisdiction: 'UK' }, 'Request received (access, by web, UK rules)'],
    ['request.verify', { from: 'awaiting_verification', to: 'verified', method: 'manual:existing_account' }, 'Identity verified (by hand: existing account)'],
    ['request.verify', { method: 'email_code' }, 'Identity verified (email code)'],
    ['request.extended', { from: '2026-12-23', to: '2027-02-23' }, 'Deadline extended from 2026-12-23 to 2027-02-23'],
    ['request.refuse', { ground: 'manifestly_unfounded' }, 'Refused (manifestly unfounded)'],
    ['request.resume', { to: 'in_progress' }, 'Clarification received: the clock runs on (back to in progress)'],
    ['workflow.step_failed', { step: 'export', store: 'crm', attempts: 3 }, 'Step export on crm failed after 3 tries'],
    ['workflow.step_succeeded', { step: 'package', store: '-' }, 'Step package done'],
    ['request.package_link_resent', { link: 2, mailed: false }, 'Download link 2 sent again (no email address: pass it on another way)'],
    ['request.withdraw', {}, 'Withdrawn by the requester'],
    ['request.withdraw', { by: 'authorized_agent' }, 'Withdrawn by the requester’s authorized agent (DRP)'],
    ['request.subject_id_linked', { method: 'existing_account' }, 'Account linked by counsel, found by the verified email (existing account)'],
    ['request.something_new', {}, 'Something new'],
  ])('%s %j reads "%s"', (action, details, expected) => {
    expect(describeEntry(action, details)).toBe(expected);
  });

  it.each([
    ['system', 'Lethe'],
    ['subject:8f0c1f9e-5c1e-4a57-9d0e-1f6f8f3e2a11', 'The requester'],
    ['user:248289761001', 'Console user 248289761001'],
    ['agent:CR_AA_DRP_ID_001', 'Authorized agent CR_AA_DRP_ID_001 (DRP)'],
    ['4b0f7a9e-1111-2222-3333-444455556666', 'API key 4b0f7a9e'],
  ])('actor %s is "%s"', (actor, expected) => {
    expect(actorInWords(actor)).toBe(expected);
  });
});
