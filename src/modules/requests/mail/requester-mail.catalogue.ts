import type { Locale } from '../../../common/i18n/locales.js';
import type { Channel, RefusalGround, RequestType } from '../request.types.js';
import type { MailContext } from '../request.mail.js';
import { de } from './requester-mail.de.js';
import { en } from './requester-mail.en.js';
import { fr } from './requester-mail.fr.js';

/**
 * Every word Lethe writes to a data subject about their request, one catalogue per language. The
 * mail builders (request.mail.ts, workflow.mail.ts) decide what a message says; a catalogue says it.
 * Dates arrive as ISO days ("2026-12-23") and each language writes them its own way. Text counsel
 * wrote (reasons, explanations, outcomes) and names from configuration arrive as they are and are
 * never translated.
 *
 * Adding a language: add it to LOCALES (common/i18n/locales.ts), write `requester-mail.<locale>.ts`
 * and add it to CATALOGUES below — the compiler names whatever is still missing.
 */

/** A message without its greeting and footer: those are the same for every message of a language. */
export interface Draft {
  subject: string;
  paragraphs: string[];
}

/** `not_needed`: an opt-out of sale or sharing, which the law does not let us make depend on verification (11 CCR §7026(d)). */
export type Identity = 'confirmed' | 'code' | 'with_counsel' | 'not_needed';
export interface Follow {
  statusToken: string;
  statusUrl: string;
  pageUrl: string;
}
/** A download link; `expiresOn` is an ISO day. */
export interface DownloadLink {
  url: string;
  expiresOn: string;
  maxDownloads: number;
}
/** Why an Art 19 notice did not reach a recipient. */
export type Unreached = 'no_contact' | 'queued' | 'failed';

export interface Catalogue {
  /** "Dear Jane Doe," — or the greeting for someone whose name we do not have. */
  hello(name: string | null): string;
  footer(controller: string, contact: string): string;

  request: {
    received(c: MailContext, dueOn: string, identity: Identity, follow?: Follow): Draft;
    code(c: MailContext, code: string, minutes: number): Draft;
    verified(c: MailContext, dueOn: string): Draft;
    extended(c: MailContext, reason: string, originalDueOn: string, extendedDueOn: string): Draft;
    refused(c: MailContext, ground: RefusalGround, explanation: string, authority: string): Draft;
    clarification(c: MailContext, message: string): Draft;
    completed(c: MailContext, outcome: string, more: string[]): Draft;
    withdrawn(c: MailContext): Draft;
    duplicate(c: MailContext): Draft;
    /** `recordedFrom`: the channel counsel recorded the request from, or null when the requester made it on our page. */
    unverifiedReminder(c: MailContext, expiresOn: string, recordedFrom: Channel | null): Draft;
  };

  workflow: {
    /** A typed account id nobody proved: we acted on the email address alone. */
    unprovenSubjectId(c: MailContext): string;
    art19: {
      /** Counsel waived the notify step: our privacy team tells the recipients another way. */
      waived: string;
      /** No recipients on record. */
      nobody: string;
      told(notices: { recipient: string; channel: string; sentAt: Date }[]): string;
      unreached(notices: { recipient: string; why: Unreached }[]): string;
    };
    /** Access or portability: the package is ready (or could not be prepared, `link` null). */
    exported(c: MailContext, type: 'access' | 'portability', link: DownloadLink | null): Draft;
    /**
     * `changed`: each field label with the stores (by label) that corrected it; `untouched`: labels
     * of fields no store corrected; `handled`: counsel's words on what they did about those.
     */
    rectified(c: MailContext, changed: { field: string; stores: string[] }[], untouched: string[], handled: string | undefined): Draft;
    erased(c: MailContext): Draft;
    restricted(c: MailContext): Draft;
    /** `purposes`: the purposes' titles; `unproven`: we could not confirm whose account it is, so we recorded it only. */
    objected(c: MailContext, purposes: string[], unproven: boolean): Draft;
    packageLink(c: MailContext, type: RequestType, link: DownloadLink, left: number): Draft;
    certificate(c: MailContext): Draft;
    liftNotice(c: MailContext, reason: string): Draft;
    /** An access request completed by hand: the Art 15 information is attached. */
    art15Attached: string;
  };
}

export const CATALOGUES: Record<Locale, Catalogue> = { en, de, fr };
