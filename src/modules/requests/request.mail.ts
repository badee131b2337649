import { render, Rendered } from '../../infrastructure/mail/templates.js';
import type { Channel, RefusalGround, RequestType } from './request.entity.js';

/**
 * Every message Lethe sends about a request. Requester messages may use the requester's name;
 * counsel messages carry ids, types and dates only.
 */
const TYPE_NAMES: Record<RequestType, string> = {
  access: 'access to your personal data',
  portability: 'a copy of your data to take elsewhere',
  rectification: 'correction of your personal data',
  erasure: 'erasure of your personal data',
  restriction: 'restriction of processing',
  objection: 'objection to processing',
};

const GROUND_TEXT: Record<RefusalGround, string> = {
  manifestly_unfounded: 'the request is manifestly unfounded (Art 12(5))',
  excessive: 'the request is excessive, in particular because of its repetitive character (Art 12(5))',
  identity_not_verified: 'we could not verify your identity (Art 12(2), 12(6))',
  exemption: 'an exemption provided by law applies',
};

const RECORDED_FROM: Record<Channel, string> = { post: 'by post', phone: 'by phone', email: 'by email', in_person: 'in person', web: 'online', iam: 'online' };

export interface MailContext {
  controller: string;
  contact: string;
  requestId: string;
  type: RequestType;
  name: string | null;
}

const IDENTITY_TEXT: Record<'confirmed' | 'code' | 'with_counsel', (c: MailContext) => string> = {
  confirmed: () => 'Your identity is confirmed.',
  code: () => 'To protect your data we first need to confirm it is you: we are sending a verification code in a separate email.',
  with_counsel: (c) => `To protect your data we first need to confirm it is you. Our privacy team will contact you to do that; you can also contact us at ${c.contact}, quoting the reference.`,
};

const hello = (c: MailContext) => (c.name ? `Dear ${c.name},` : 'Hello,');
const ref = (c: MailContext) => `Reference: ${c.requestId}`;
const footer = (c: MailContext) => `${c.controller} — privacy contact: ${c.contact}`;

export const requesterMail = {
  /** `identity`: confirmed (signed in), code (sent in a separate mail), or with_counsel (a request counsel recorded). */
  received: (c: MailContext, dueOn: string, identity: 'confirmed' | 'code' | 'with_counsel', follow?: { statusToken: string; statusUrl: string }): Rendered =>
    render(
      `We received your request (${c.type})`,
      [
        hello(c),
        `We received your request for ${TYPE_NAMES[c.type]}. ${ref(c)}.`,
        IDENTITY_TEXT[identity](c),
        `We will answer by ${dueOn} at the latest.`,
        ...(follow
          ? [
              `To follow your request, keep this status key: ${follow.statusToken}`,
              `With it you (or an app you trust) can see where your request stands at ${follow.statusUrl}, sending the key in the X-Request-Token header, and withdraw the request. Anyone with this email can do the same, so keep it private; you can also simply reply to us and quote the reference.`,
            ]
          : []),
      ],
      footer(c),
    ),
  code: (c: MailContext, code: string, minutes: number): Rendered =>
    render(
      `Your verification code: ${code}`,
      [hello(c), `Your code to confirm your request ${c.requestId} is:`, code, `It is valid for ${minutes} minutes. If you did not make this request, ignore this email.`],
      footer(c),
    ),
  verified: (c: MailContext, dueOn: string): Rendered =>
    render(`Your identity is confirmed`, [hello(c), `Thank you: your identity is confirmed and we are working on your request. ${ref(c)}.`, `We will answer by ${dueOn}.`], footer(c)),
  extended: (c: MailContext, reason: string, originalDueOn: string, extendedDueOn: string): Rendered =>
    render(
      `We need more time for your request`,
      [
        hello(c),
        `Under Article 12(3) of the GDPR we are extending the time to answer your request (${ref(c)}) from ${originalDueOn} to ${extendedDueOn}.`,
        `The reason: ${reason}`,
      ],
      footer(c),
    ),
  refused: (c: MailContext, ground: RefusalGround, explanation: string, authority: string): Rendered =>
    render(
      `Your request: our decision`,
      [
        hello(c),
        `We are not taking action on your request for ${TYPE_NAMES[c.type]} (${ref(c)}), because ${GROUND_TEXT[ground]}.`,
        `Our reasons: ${explanation}`,
        `You have the right to lodge a complaint with a supervisory authority (${authority}), and the right to seek a judicial remedy before the courts (Articles 12(4), 77 and 79 GDPR).`,
      ],
      footer(c),
    ),
  clarification: (c: MailContext, message: string): Rendered =>
    render(
      `About your request: we need more information`,
      [hello(c), `To answer your request (${ref(c)}) we need more information:`, message, 'The time we have to answer is paused until we hear from you.'],
      footer(c),
    ),
  completed: (c: MailContext, outcome: string, more: string[] = []): Rendered =>
    render(`Your request is complete`, [hello(c), `We have completed your request for ${TYPE_NAMES[c.type]} (${ref(c)}).`, 'What we did:', outcome, ...more], footer(c)),
  withdrawn: (c: MailContext): Rendered =>
    render(`Your request is withdrawn`, [hello(c), `As you asked, we have closed your request (${ref(c)}).`], footer(c)),
  duplicate: (c: MailContext): Rendered =>
    render(
      `You already have an open request`,
      [hello(c), `We received another request for ${TYPE_NAMES[c.type]} from you. Your earlier request (${ref(c)}) is still open, so we are answering that one; you do not need to do anything.`],
      footer(c),
    ),
  /** `recordedFrom`: the channel counsel recorded the request from, or null when the requester made it on our page. */
  unverifiedReminder: (c: MailContext, expiresOn: string, recordedFrom: Channel | null): Rendered =>
    render(
      `Please confirm your request`,
      [
        hello(c),
        recordedFrom
          ? `We recorded the request you sent us ${RECORDED_FROM[recordedFrom]} (${ref(c)}). Before we act on it we need to confirm it is you: please contact us at ${c.contact}, quoting the reference, and we will confirm your identity with you.`
          : `Your request (${ref(c)}) is waiting for you to confirm your identity. Ask for a new code from the page where you made it.`,
        `If it is not confirmed by ${expiresOn}, we will close it and delete the details you gave us.`,
      ],
      footer(c),
    ),
};

export const counselMail = {
  reminder: (requestId: string, type: RequestType, status: string, dueOn: string, which: string): Rendered =>
    render(
      which === 'overdue' ? `OVERDUE: ${type} request ${requestId.slice(0, 8)} was due ${dueOn}` : `Reminder: ${type} request ${requestId.slice(0, 8)} is due ${dueOn}`,
      [`Request ${requestId} (${type}) is ${status}.`, which === 'overdue' ? `It was due on ${dueOn} and is still open.` : `It is due on ${dueOn} (${which === 'due' ? 'today' : `in ${which.replace('d', '')} days`}).`],
      'Lethe',
    ),
  acknowledge: (requestId: string, type: RequestType, acknowledgeBy: string): Rendered =>
    render(
      `Acknowledge ${type} request ${requestId.slice(0, 8)} by ${acknowledgeBy}`,
      [`Request ${requestId} (${type}) arrived with no email address to confirm receipt to. Confirm receipt to the requester by ${acknowledgeBy} (11 CCR § 7021(a)).`],
      'Lethe',
    ),
  digest: (lines: string[], counts: Record<string, number>): Rendered =>
    render(
      `Lethe daily digest: ${counts.overdue ?? 0} overdue, ${counts.dueSoon ?? 0} due within 7 days`,
      [`Open requests: ${counts.open ?? 0}. Overdue: ${counts.overdue ?? 0}. Due within 7 days: ${counts.dueSoon ?? 0}.`, ...(lines.length ? lines : ['Nothing due within 7 days.'])],
      'Lethe',
    ),
};
