import { DEFAULT_LOCALE, isLocale, type Locale } from '../../common/i18n/locales.js';
import type { Rendered } from '../../infrastructure/mail/templates.js';
import type { ChangeSummary } from '../data-stores/data-store.port.js';
import { CATALOGUES, type Catalogue, type DownloadLink, type Unreached } from '../requests/mail/requester-mail.catalogue.js';
import type { RequestRecord } from '../requests/request.types.js';
import { hasUnprovenSubjectId } from '../requests/request.identity.js';
import { requesterLetter, type MailContext } from '../requests/request.mail.js';
import { humanise } from '../../config/data-stores.config.js';
import type { RecipientNoticeEntity, WorkflowStepEntity } from './workflow.entity.js';

/**
 * What the workflows tell the requester, in the request's language: this file decides what a
 * message says, the catalogues (requests/mail/requester-mail.<locale>.ts) say it.
 */

const catalogue = (locale: Locale): Catalogue => CATALOGUES[isLocale(locale) ? locale : DEFAULT_LOCALE];

/** A typed account id nobody proved: the workflows used the email alone, and the requester is told so. */
const unprovenNote = (t: Catalogue, c: MailContext, request: RequestRecord): string[] => (hasUnprovenSubjectId(request) ? [t.workflow.unprovenSubjectId(c)] : []);

/** A link's expiry as the ISO day the catalogues format. */
const downloadLink = (link: { url: string; expiresAt: string; maxDownloads: number }): DownloadLink => ({ url: link.url, expiresOn: link.expiresAt.slice(0, 10), maxDownloads: link.maxDownloads });

export interface Art19Outcome {
  notices: Pick<RecipientNoticeEntity, 'recipient' | 'channel' | 'status' | 'sentAt'>[];
  notifyStep: Pick<WorkflowStepEntity, 'status'> | null;
}

/**
 * Art 19, as it happened: who was told and when, who could not be reached (and that our privacy team
 * will contact them), or that there was no one to tell. Never a notice that did not go.
 */
export function art19Paragraphs(outcome: Art19Outcome, locale: Locale = DEFAULT_LOCALE): string[] {
  const t = catalogue(locale).workflow.art19;
  if (outcome.notifyStep?.status === 'waived') return [t.waived];
  if (outcome.notices.length === 0) return [t.nobody];
  const told = outcome.notices.filter((n) => n.status === 'sent' && n.sentAt);
  const unreached = outcome.notices.filter((n) => !(n.status === 'sent' && n.sentAt));
  const why = (status: string): Unreached => (status === 'no_contact' ? 'no_contact' : status === 'queued' ? 'queued' : 'failed');
  const out: string[] = [];
  if (told.length) out.push(t.told(told.map((n) => ({ recipient: n.recipient, channel: n.channel, sentAt: new Date(n.sentAt!) }))));
  if (unreached.length) out.push(t.unreached(unreached.map((n) => ({ recipient: n.recipient, why: why(n.status) }))));
  return out;
}

/** The completion email: what was done, per kind of request. */
export function completionMessage(
  c: MailContext,
  request: RequestRecord,
  steps: WorkflowStepEntity[],
  link: { url: string; expiresAt: string; maxDownloads: number } | null,
  art19: Art19Outcome = { notices: [], notifyStep: null },
  storeLabels: Record<string, string> = {},
  fieldLabels: Record<string, string> = {},
): Rendered {
  const field = (name: string) => fieldLabels[name] ?? humanise(name);
  return requesterLetter(c, (t) => {
    const unproven = unprovenNote(t, c, request);
    const told = art19Paragraphs(art19, c.locale);
    switch (request.type) {
      case 'access':
      case 'portability': {
        const draft = t.workflow.exported(c, request.type, link && downloadLink(link));
        return { ...draft, paragraphs: [...draft.paragraphs, ...unproven] };
      }
      case 'rectification': {
        const applied = steps.filter((s) => s.step === 'rectify' && s.status === 'succeeded').flatMap((s) => ((s.result as unknown as ChangeSummary | null)?.applied ?? []).filter((a) => a.rows > 0).map((a) => ({ ...a, store: s.storeId })));
        const fields = [...new Set(applied.map((a) => a.field))];
        const changed = fields.map((f) => ({ field: field(f), stores: [...new Set(applied.filter((a) => a.field === f).map((a) => storeLabels[a.store] ?? a.store))] }));
        // Fields no store changed: none took them, or none found a row of the requester's to change.
        const summaries = steps.filter((s) => s.step === 'rectify').map((s) => s.result as unknown as ChangeSummary | null);
        const untouched = [...new Set(summaries.flatMap((r) => [...(r?.notApplied ?? []), ...(r?.applied ?? []).map((a) => a.field)]))].filter((f) => !fields.includes(f));
        // What counsel did about fields no store could change, as written when waiving the check.
        const handled = steps.find((s) => s.step === 'check' && s.status === 'waived')?.waivedReason?.replace(/[.\s]+$/, '');
        const draft = t.workflow.rectified(c, changed, untouched.map(field), handled);
        return { ...draft, paragraphs: [...draft.paragraphs, ...unproven, ...told] };
      }
      case 'erasure':
      case 'restriction': {
        const draft = request.type === 'erasure' ? t.workflow.erased(c) : t.workflow.restricted(c);
        return { ...draft, paragraphs: [...draft.paragraphs, ...unproven, ...told] };
      }
      case 'objection': {
        const titles = (steps.find((s) => s.step === 'object')?.result as { titles?: Record<string, string> } | null)?.titles ?? {};
        const draft = t.workflow.objected(c, request.purposes.map((key) => titles[key] ?? key), unproven.length > 0);
        return { ...draft, paragraphs: [...draft.paragraphs, ...unproven] };
      }
    }
  });
}

/** A new download link, sent by counsel (the first mail was lost, or the requester asked again). */
export function packageLinkMessage(c: MailContext, type: RequestRecord['type'], link: { url: string; expiresAt: string; maxDownloads: number }, downloads: number): Rendered {
  return requesterLetter(c, (t) => t.workflow.packageLink(c, type, downloadLink(link), link.maxDownloads - downloads));
}

export function certificateMessage(c: MailContext, html: string, json: string): Rendered {
  const message = requesterLetter(c, (t) => t.workflow.certificate(c));
  return {
    ...message,
    attachments: [
      { filename: `erasure-certificate-${c.requestId}.html`, content: html, contentType: 'text/html; charset=utf-8' },
      { filename: `erasure-certificate-${c.requestId}.json`, content: json, contentType: 'application/json' },
    ],
  };
}

export function liftNoticeMessage(c: MailContext, reason: string): Rendered {
  return requesterLetter(c, (t) => t.workflow.liftNotice(c, reason));
}

/** The paragraph that goes with the Art 15 information attached to an access request completed by hand. */
export function art15AttachedParagraph(locale: Locale): string {
  return catalogue(locale).workflow.art15Attached;
}
