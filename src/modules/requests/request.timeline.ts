/**
 * A request's history in words, from its audit entries: who did what, and the facts the entry
 * recorded (ids, dates, methods — never personal data, which the audit trail refuses anyway).
 */
type Details = Record<string, unknown>;

const words = (value: unknown): string => String(value ?? '').replace(/_/g, ' ');
const step = (d: Details) => `${words(d.step)}${d.store && d.store !== '-' ? ` on ${String(d.store)}` : ''}`;

const SUMMARIES: Record<string, (d: Details) => string> = {
  'request.received': (d) => `Request received (${words(d.type)}, by ${words(d.channel)}, ${String(d.jurisdiction)} rules)`,
  'request.duplicate_received': () => 'The same request came again; the open one goes on',
  'request.request_verification': () => 'Waiting for the requester’s identity to be verified',
  'request.verification_failed': (d) => `A wrong or expired code was entered (${String(d.attempts)} so far)`,
  'request.verification_locked': () => 'Verification locked after five wrong codes',
  'request.verification_unlocked': () => 'Verification unlocked',
  'request.verify': (d) => `Identity verified (${words(String(d.method ?? '').replace(/^manual:/, 'by hand: '))})`,
  'request.subject_id_confirmed': (d) => `Subject id confirmed (${words(d.method)})`,
  'request.subject_id_linked': (d) => `Account linked by counsel, found by the verified email (${words(d.method)})`,
  'request.submit_for_approval': () => 'Waiting for counsel’s approval',
  'request.start': () => 'Work started',
  'request.approve': () => 'Approved',
  'request.assigned': () => 'Assigned for reminders',
  'request.extended': (d) => `Deadline extended from ${String(d.from)} to ${String(d.to)}`,
  'request.pause_for_clarification': () => 'Clarification asked for: the clock is paused',
  'request.resume': (d) => `Clarification received: the clock runs on (back to ${words(d.to)})`,
  'request.refuse': (d) => `Refused (${words(d.ground)})`,
  'request.withdraw': (d) => (d.by === 'authorized_agent' ? 'Withdrawn by the requester’s authorized agent (DRP)' : 'Withdrawn by the requester'),
  'request.expire_unverified': () => 'Closed: identity never verified',
  'request.identity_purged': () => 'Identity data deleted',
  'request.complete': () => 'Completed',
  'request.note_added': () => 'Note added',
  'request.package_created': (d) => `Package built (${String(d.bytes)} bytes)`,
  'request.package_link_viewed': (d) => `Download link ${String(d.link)} viewed by counsel`,
  'request.package_link_resent': (d) => `Download link ${String(d.link)} sent again${d.mailed === false ? ' (no email address: pass it on another way)' : ''}`,
  'request.package_downloaded': (d) => `Package downloaded (${String(d.download)} of ${String(d.of)})`,
  'request.package_deleted': () => 'Package deleted (expired)',
  'request.erasure_certified': () => 'Erasure certificate issued and mailed',
  'request.recipients_notified': (d) => `Recipients told (Art 19): ${String(d.recipients)}${Number(d.unreachable) > 0 ? `, ${String(d.unreachable)} without a contact` : ''}`,
  'request.recipient_notified': (d) => `${String(d.recipient)} told (${words(d.channel)})`,
  'request.recipient_unreached': (d) => `${String(d.recipient)} could not be told (${words(d.channel)})`,
  'request.restriction_lift_requested': (d) => `Lifting the restriction on ${String(d.stores)} store(s): the requester is told first`,
  'workflow.step_succeeded': (d) => `Step ${step(d)} done`,
  'workflow.step_failed': (d) => `Step ${step(d)} failed after ${String(d.attempts)} tries`,
  'workflow.step_retried': (d) => `Step ${step(d)} retried`,
  'workflow.step_waived': (d) => `Step ${step(d)} waived`,
};

export function describeEntry(action: string, details: Details): string {
  const summary = SUMMARIES[action];
  return summary ? summary(details) : words(action.replace(/^(request|workflow)\./, '')).replace(/^./, (c) => c.toUpperCase());
}

/** The audit actor in words: the requester, Lethe itself, a console user, or an API key (by short id). */
export function actorInWords(actor: string): string {
  if (actor === 'system') return 'Lethe';
  if (actor.startsWith('subject:')) return 'The requester';
  if (actor.startsWith('user:')) return `Console user ${actor.slice(5)}`;
  if (actor.startsWith('agent:')) return `Authorized agent ${actor.slice(6)} (DRP)`;
  return `API key ${actor.slice(0, 8)}`;
}
