import { DEFAULT_LOCALE, isLocale, type Locale } from '../../common/i18n/locales.js';
import { render, Rendered } from '../../infrastructure/mail/templates.js';
import { CATALOGUES, type Catalogue, type Draft, type Identity } from './mail/requester-mail.catalogue.js';
import type { Channel, RefusalGround, RequestType } from './request.types.js';

/**
 * Every message Lethe sends about a request. Requester messages may use the requester's name and
 * are written in the request's language (the words live in mail/requester-mail.<locale>.ts);
 * counsel messages carry ids, types and dates only, in English.
 */

export interface MailContext {
  controller: string;
  contact: string;
  requestId: string;
  type: RequestType;
  name: string | null;
  locale: Locale;
}

/** A requester message in the request's language: greeting, the draft's paragraphs, footer. */
export function requesterLetter(c: MailContext, draft: (t: Catalogue) => Draft): Rendered {
  const locale = isLocale(c.locale) ? c.locale : DEFAULT_LOCALE;
  const t = CATALOGUES[locale];
  const { subject, paragraphs } = draft(t);
  return render(subject, [t.hello(c.name), ...paragraphs], t.footer(c.controller, c.contact), { lang: locale });
}

export const requesterMail = {
  /** `identity`: confirmed (signed in), code (sent in a separate mail), or with_counsel (a request counsel recorded). */
  received: (c: MailContext, dueOn: string, identity: Identity, follow?: { statusToken: string; statusUrl: string; pageUrl: string }): Rendered =>
    requesterLetter(c, (t) => t.request.received(c, dueOn, identity, follow)),
  code: (c: MailContext, code: string, minutes: number): Rendered => requesterLetter(c, (t) => t.request.code(c, code, minutes)),
  verified: (c: MailContext, dueOn: string): Rendered => requesterLetter(c, (t) => t.request.verified(c, dueOn)),
  extended: (c: MailContext, reason: string, originalDueOn: string, extendedDueOn: string): Rendered =>
    requesterLetter(c, (t) => t.request.extended(c, reason, originalDueOn, extendedDueOn)),
  refused: (c: MailContext, ground: RefusalGround, explanation: string, authority: string): Rendered =>
    requesterLetter(c, (t) => t.request.refused(c, ground, explanation, authority)),
  clarification: (c: MailContext, message: string): Rendered => requesterLetter(c, (t) => t.request.clarification(c, message)),
  /** `outcome` and `more` are inserted as written. */
  completed: (c: MailContext, outcome: string, more: string[] = []): Rendered => requesterLetter(c, (t) => t.request.completed(c, outcome, more)),
  withdrawn: (c: MailContext): Rendered => requesterLetter(c, (t) => t.request.withdrawn(c)),
  duplicate: (c: MailContext): Rendered => requesterLetter(c, (t) => t.request.duplicate(c)),
  /** `recordedFrom`: the channel counsel recorded the request from, or null when the requester made it on our page. */
  unverifiedReminder: (c: MailContext, expiresOn: string, recordedFrom: Channel | null): Rendered =>
    requesterLetter(c, (t) => t.request.unverifiedReminder(c, expiresOn, recordedFrom)),
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
