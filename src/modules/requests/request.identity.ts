/**
 * Which of a requester's identifiers Lethe may act on. Only the email is proven by the code flow; a
 * subject id (an account id at the IAM platform) is whatever was typed unless it came from a signed
 * IAM token at intake or counsel confirmed it with a recorded method. The workflows never reach the
 * consent ledger or a store by an unproven subject id: they use the verified email only.
 */
export const SUBJECT_ID_STATUSES = ['none', 'proven', 'unproven'] as const;
export type SubjectIdStatus = (typeof SUBJECT_ID_STATUSES)[number];

/** How a subject id was proven: `iam_token` at intake, or `counsel:<method>`. */
export type SubjectIdProof = 'iam_token' | `counsel:${string}`;

export interface SubjectIdStanding {
  status: SubjectIdStatus;
  proof: string | null;
  confirmedAt: string | null;
}

export function subjectIdStanding(subjectId: string | null, proof: string | null, confirmedAt: Date | null): SubjectIdStanding {
  if (!subjectId) return { status: 'none', proof: null, confirmedAt: null };
  if (!proof) return { status: 'unproven', proof: null, confirmedAt: null };
  return { status: 'proven', proof, confirmedAt: confirmedAt?.toISOString() ?? null };
}

/** The subject id the workflows may use: the proven one, or none. */
export function actionableSubjectId(subjectId: string | null, proof: string | null): string | null {
  return subjectId && proof ? subjectId : null;
}

/** A request names a subject id nobody proved (by its keyed reference, so without unsealing it). */
export function hasUnprovenSubjectId(request: { subjectRef: string | null; subjectIdProof: string | null }): boolean {
  return request.subjectRef !== null && request.subjectIdProof === null;
}

/** What a step says when it left a typed subject id aside (no personal data). */
export const UNPROVEN_SUBJECT_ID = 'the subject id given was not proven (no IAM sign-in, not confirmed by counsel): only the verified email was used';

/**
 * Why counsel may not link an account to this request now, or null if they may: a request that names
 * no subject id (an authorized agent's, or one made by email alone), once the requester's email is
 * verified, before any work on the stores. Counsel finds the account by that verified email at the
 * IAM platform; from then on the workflows act on it too (an objection reaches the consent ledger).
 */
export function whyNotLinkable(input: { open: boolean; hasSubjectId: boolean; verified: boolean; workflowStarted: boolean }): { code: string; detail: string } | null {
  if (!input.open) return { code: 'request_closed', detail: 'The request is closed' };
  if (input.hasSubjectId) return { code: 'subject_id_named', detail: 'This request names a subject id: confirm that one instead' };
  if (!input.verified) return { code: 'not_verified', detail: 'Verify the requester’s email first: the account is found by it' };
  if (input.workflowStarted) {
    return { code: 'workflow_started', detail: 'The workflow already started on the verified email only; record a new request to act on the account' };
  }
  return null;
}

/** Why counsel may not confirm this request's subject id now, or null if they may. */
export function whyNotConfirmable(input: { open: boolean; hasSubjectId: boolean; proof: string | null; workflowStarted: boolean }): { code: string; detail: string } | null {
  if (!input.open) return { code: 'request_closed', detail: 'The request is closed' };
  if (!input.hasSubjectId) return { code: 'no_subject_id', detail: 'This request names no subject id' };
  if (input.proof) return { code: 'subject_id_already_proven', detail: `The subject id is already proven (${input.proof})` };
  // Work on the stores began on the email alone: the id would act outside what was done and approved.
  if (input.workflowStarted) {
    return { code: 'workflow_started', detail: 'The workflow already started on the verified email only; record a new request to act on the subject id' };
  }
  return null;
}
