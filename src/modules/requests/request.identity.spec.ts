import { actionableSubjectId, subjectIdStanding, whyNotConfirmable, whyNotLinkable } from './request.identity.js';

describe('subject id standing', () => {
  const at = new Date('2026-01-05T10:00:00Z');
  it.each<[string | null, string | null, Date | null, string, string | null, string]>([
    [null, null, null, 'none', null, 'no subject id given: nothing to prove'],
    ['usr_123', null, null, 'unproven', null, 'typed on the public form: only the email was verified'],
    ['usr_123', 'iam_token', at, 'proven', 'usr_123', 'came from a signed IAM token at intake'],
    ['usr_123', 'counsel:existing_account', at, 'proven', 'usr_123', 'counsel confirmed it with a recorded method'],
    [null, 'iam_token', at, 'none', null, 'a proof without an id (identity purged) acts on nothing'],
  ])('id %s, proof %s → %s, acted on as %s — %s', (subjectId, proof, confirmedAt, status, actionable) => {
    expect(subjectIdStanding(subjectId, proof, confirmedAt).status).toBe(status);
    expect(actionableSubjectId(subjectId, proof)).toBe(actionable);
  });

  it.each<[boolean, boolean, string | null, boolean, string | null, string]>([
    [true, true, null, false, null, 'an open request with an unproven id may be confirmed'],
    [false, true, null, false, 'request_closed', 'too late once closed'],
    [true, false, null, false, 'no_subject_id', 'nothing to confirm'],
    [true, true, 'iam_token', false, 'subject_id_already_proven', 'an IAM-proven id needs no confirmation'],
    [true, true, null, true, 'workflow_started', 'once work on the stores began (beyond a dry run), the id would act outside it'],
  ])('open %s, has id %s, proof %s, workflow started %s → %s — %s', (open, hasSubjectId, proof, workflowStarted, code) => {
    expect(whyNotConfirmable({ open, hasSubjectId, proof, workflowStarted })?.code ?? null).toBe(code);
  });

  it.each<[boolean, boolean, boolean, boolean, string | null, string]>([
    [true, false, true, false, null, 'an open, verified request naming no id: counsel may link the account'],
    [false, false, true, false, 'request_closed', 'too late once closed'],
    [true, true, true, false, 'subject_id_named', 'a named id is confirmed, not replaced'],
    [true, false, false, false, 'not_verified', 'the account is found by the verified email: not before'],
    [true, false, true, true, 'workflow_started', 'once work on the stores began on the email alone'],
  ])('link: open %s, has id %s, verified %s, workflow started %s → %s — %s', (open, hasSubjectId, verified, workflowStarted, code) => {
    expect(whyNotLinkable({ open, hasSubjectId, verified, workflowStarted })?.code ?? null).toBe(code);
  });
});
