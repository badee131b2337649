import { render, Rendered } from '../../infrastructure/mail/templates.js';
import type { ChangeSummary } from '../data-stores/data-store.port.js';
import type { RequestEntity } from '../requests/request.entity.js';
import { hasUnprovenSubjectId } from '../requests/request.identity.js';
import type { MailContext } from '../requests/request.mail.js';
import { dateInWords, listInWords } from './plain-language.js';
import { humanise } from '../data-stores/data-store.config.js';
import type { RecipientNoticeEntity, WorkflowStepEntity } from './workflow.entity.js';

const hello = (c: MailContext) => (c.name ? `Dear ${c.name},` : 'Hello,');
const footer = (c: MailContext) => `${c.controller} — privacy contact: ${c.contact}`;

/** A typed account id nobody proved: the workflows used the email alone, and the requester is told so. */
const unprovenNote = (c: MailContext, request: RequestEntity): string[] =>
  hasUnprovenSubjectId(request)
    ? [`You gave us an account id that we could not confirm as yours, so we acted on your email address only. If you have an account with us under that id, contact us at ${c.contact} quoting the reference, and we will confirm it with you.`]
    : [];

export interface Art19Outcome {
  notices: Pick<RecipientNoticeEntity, 'recipient' | 'channel' | 'status' | 'sentAt'>[];
  notifyStep: Pick<WorkflowStepEntity, 'status'> | null;
}

/**
 * Art 19, as it happened: who was told and when, who could not be reached (and that our privacy team
 * will contact them), or that there was no one to tell. Never a notice that did not go.
 */
export function art19Paragraphs(outcome: Art19Outcome): string[] {
  if (outcome.notifyStep?.status === 'waived') {
    return ['Our privacy team is telling those to whom we disclosed this data by other means (Art 19); ask us if you want to know who they are and when they were told.'];
  }
  if (outcome.notices.length === 0) {
    return ['Our records show no one outside our organisation to whom we disclosed this data, so there was no one else to tell (Art 19).'];
  }
  const by = (channel: string) => (channel === 'email' ? 'by email' : 'by an automated notice to their systems');
  const told = outcome.notices.filter((n) => n.status === 'sent' && n.sentAt);
  const unreached = outcome.notices.filter((n) => !(n.status === 'sent' && n.sentAt));
  const out: string[] = [];
  if (told.length) out.push(`We told those to whom we disclosed this data (Art 19): ${listInWords(told.map((n) => `${n.recipient}, ${by(n.channel)} on ${dateInWords(n.sentAt!)}`))}.`);
  if (unreached.length) {
    out.push(
      `We could not tell ${listInWords(unreached.map((n) => `${n.recipient} (${n.status === 'no_contact' ? 'we hold no way to reach them automatically' : n.status === 'queued' ? 'our notice has not been delivered yet' : 'our notice could not be delivered'})`))}. ` +
        'Our privacy team will contact them another way; you may ask us when that is done.',
    );
  }
  return out;
}

/** The completion email: what was done, per kind of request. */
export function completionMessage(
  c: MailContext,
  request: RequestEntity,
  steps: WorkflowStepEntity[],
  link: { url: string; expiresAt: string; maxDownloads: number } | null,
  art19: Art19Outcome = { notices: [], notifyStep: null },
  storeLabels: Record<string, string> = {},
  fieldLabels: Record<string, string> = {},
): Rendered {
  const field = (name: string) => fieldLabels[name] ?? humanise(name);
  // Mid-sentence a label reads in lower case ("Delivery address" → "delivery address"), an acronym as written ("IBAN").
  const inSentence = (label: string) => (/^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label);
  const ref = `Reference: ${c.requestId}.`;
  switch (request.type) {
    case 'access':
    case 'portability':
      return render(
        request.type === 'access' ? 'Your personal data is ready' : 'Your data is ready to take with you',
        [
          hello(c),
          request.type === 'access'
            ? `We have completed your request for access (${ref}) The package holds a copy of the personal data we hold about you, and what we do with it: purposes, recipients, how long we keep it, where it came from and your rights.`
            : `We have completed your request for a portable copy of the data you gave us (${ref}) The package holds it as JSON and CSV.`,
          link ? `Download it here: ${link.url}` : 'The package could not be prepared; we will contact you.',
          link ? `The link works until ${link.expiresAt.slice(0, 10)} and for ${link.maxDownloads} downloads; then the file is deleted. Keep this email private: anyone with the link can download the package.` : '',
          ...unprovenNote(c, request),
        ].filter(Boolean),
        footer(c),
      );
    case 'rectification': {
      const applied = steps.filter((s) => s.step === 'rectify' && s.status === 'succeeded').flatMap((s) => ((s.result as unknown as ChangeSummary | null)?.applied ?? []).filter((a) => a.rows > 0).map((a) => ({ ...a, store: s.storeId })));
      const fields = [...new Set(applied.map((a) => a.field))];
      const lines = fields.map((f) => `${field(f)}: corrected in ${[...new Set(applied.filter((a) => a.field === f).map((a) => storeLabels[a.store] ?? a.store))].join(', ')}`);
      // Fields no store changed: none took them, or none found a row of the requester's to change.
      const summaries = steps.filter((s) => s.step === 'rectify').map((s) => s.result as unknown as ChangeSummary | null);
      const untouched = [...new Set(summaries.flatMap((r) => [...(r?.notApplied ?? []), ...(r?.applied ?? []).map((a) => a.field)]))].filter((f) => !fields.includes(f));
      // What counsel did about fields no store could change, as written when waiving the check.
      const handled = steps.find((s) => s.step === 'check' && s.status === 'waived')?.waivedReason?.replace(/[.\s]+$/, '');
      return render(
        'Your data has been corrected',
        [
          hello(c),
          `We have completed your request for correction (${ref})`,
          ...(lines.length ? ['What changed, and where:', ...lines] : []),
          ...(untouched.length ? [`Our systems could not correct ${listInWords(untouched.map((f) => inSentence(field(f))))} automatically; our privacy team handled ${untouched.length > 1 ? 'them' : 'it'}: ${handled ?? 'we will contact you'}.`] : []),
          ...unprovenNote(c, request),
          ...art19Paragraphs(art19),
        ],
        footer(c),
      );
    }
    case 'erasure':
      return render('Your data has been erased', [hello(c), `We have completed your request for erasure (${ref}) Your erasure certificate was sent in a separate email.`, ...unprovenNote(c, request), ...art19Paragraphs(art19)], footer(c));
    case 'restriction':
      return render(
        'Processing of your data is restricted',
        [hello(c), `We have completed your request for restriction (${ref}) Your personal data is now kept but not otherwise processed. We will tell you before we lift the restriction (Art 18(3)).`, ...unprovenNote(c, request), ...art19Paragraphs(art19)],
        footer(c),
      );
    case 'objection': {
      const titles = (steps.find((s) => s.step === 'object')?.result as { titles?: Record<string, string> } | null)?.titles ?? {};
      const purposes = listInWords(request.purposes.map((key) => titles[key] ?? key));
      return render(
        'Your objection is recorded',
        hasUnprovenSubjectId(request)
          ? [hello(c), `We have recorded your objection (${ref}) to processing for: ${purposes}.`, ...unprovenNote(c, request)]
          : [hello(c), `We have recorded your objection (${ref}) and stopped processing your data for: ${purposes}.`],
        footer(c),
      );
    }
  }
}

/** A new download link, sent by counsel (the first mail was lost, or the requester asked again). */
export function packageLinkMessage(c: MailContext, type: RequestEntity['type'], link: { url: string; expiresAt: string; maxDownloads: number }, downloads: number): Rendered {
  const left = link.maxDownloads - downloads;
  return render(
    type === 'access' ? 'A new link to your personal data' : 'A new link to your data',
    [
      hello(c),
      `Here is a new link to the package we prepared for your request (reference: ${c.requestId}): ${link.url}`,
      `It works until ${link.expiresAt.slice(0, 10)} and for ${left} more download${left === 1 ? '' : 's'}; earlier links to the same package count towards the same limit. Keep this email private: anyone with the link can download the package.`,
    ],
    footer(c),
  );
}

export function certificateMessage(c: MailContext, html: string, json: string): Rendered {
  const message = render(
    'Your erasure certificate',
    [hello(c), `We have erased your personal data (reference: ${c.requestId}). Your erasure certificate is attached: what we erased, where and when, and anything we must keep, with the legal ground and until when.`],
    footer(c),
  );
  return {
    ...message,
    attachments: [
      { filename: `erasure-certificate-${c.requestId}.html`, content: html, contentType: 'text/html; charset=utf-8' },
      { filename: `erasure-certificate-${c.requestId}.json`, content: json, contentType: 'application/json' },
    ],
  };
}

export function liftNoticeMessage(c: MailContext, reason: string): Rendered {
  return render(
    'We are going to lift the restriction on your data',
    [hello(c), `You asked us to restrict the processing of your personal data (reference: ${c.requestId}). Before we do so, we are letting you know that this restriction will be lifted (Art 18(3) GDPR).`, `Why: ${reason}`],
    footer(c),
  );
}
