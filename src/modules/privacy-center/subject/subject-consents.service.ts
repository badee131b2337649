import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { NotFoundError, ValidationFailed } from '../../../common/errors/domain.error.js';
import type { ConsentReceipt } from '../../consent/consent.receipt.js';
import { ConsentService } from '../../consent/consent.service.js';
import { GpcService } from '../../consent/gpc.service.js';
import { noticeInLanguage, PurposeCatalog } from '../../purposes/purpose-catalog.js';
import type { MyConsentDto, MyGpcDto, SetConsentDto } from './subject.dto.js';
import { SubjectSessions, type SubjectSession } from './subject-session.js';

export const PRIVACY_CENTER_SOURCE = 'lethe-privacy-center';

/** What the browser said, kept as the ledger's proof of a choice made on the page (no IP address in full). */
export interface BrowserProof {
  ipAddress?: string;
  userAgent?: string;
}

/**
 * A signed-in data subject's consents: every purpose they can give or refuse consent to (the
 * consent-based ones, and those covered by opt-out signals), its state, the notice in force, and a
 * receipt. Choices go into the ledger as events collected on the `settings_page`.
 */
@Injectable()
export class SubjectConsentsService {
  constructor(
    private readonly consent: ConsentService,
    private readonly gpc: GpcService,
    private readonly catalog: PurposeCatalog,
    private readonly sessions: SubjectSessions,
    private readonly clock: Clock,
  ) {}

  async list(session: SubjectSession, locale: string | undefined): Promise<MyConsentDto[]> {
    const now = this.clock.now();
    const [entries, current, events] = await Promise.all([this.catalog.all(), this.consent.current(session.subjectId), this.consent.stateEvents(session.subjectId)]);
    const states = new Map(current.purposes.map((p) => [p.purpose, p]));
    return entries
      .filter((e) => e.purpose.lawfulBasis === 'consent' || e.purpose.optOutSignal)
      .map((entry) => {
        const state = states.get(entry.purpose.key);
        const notice = noticeInLanguage(entry, now, locale);
        const event = events.get(entry.purpose.key);
        return {
          purpose: entry.purpose.key,
          title: entry.purpose.title,
          description: entry.purpose.description,
          state: state?.state ?? 'none',
          since: state?.since ?? null,
          noticeVersion: state?.noticeVersion ?? null,
          method: event?.method ?? null,
          notice: notice ? { version: notice.version, language: notice.language, text: notice.text, url: notice.url, effectiveFrom: notice.effectiveFrom.toISOString() } : null,
          optOutSignal: entry.purpose.optOutSignal,
          receipt: event !== undefined && state?.state !== 'erased',
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  /** One action, either way (Art 7(3): withdrawing is as easy as giving). */
  async set(session: SubjectSession, purpose: string, dto: SetConsentDto, proof: BrowserProof): Promise<MyConsentDto> {
    const entry = await this.catalog.get(purpose);
    if (!entry || !(entry.purpose.lawfulBasis === 'consent' || entry.purpose.optOutSignal)) throw new NotFoundError('Purpose');
    const now = this.clock.now();
    const notice = noticeInLanguage(entry, now, dto.locale);
    if (!notice) throw new ValidationFailed([{ path: 'purpose', message: 'this purpose has no notice in force yet: consent cannot be given to it' }]);
    await this.consent.record(
      {
        subjectId: session.subjectId,
        purpose,
        action: dto.granted ? 'granted' : 'withdrawn',
        noticeVersion: notice.version,
        noticeLanguage: notice.language,
        occurredAt: now.toISOString(),
        method: 'settings_page',
        sourceSystem: PRIVACY_CENTER_SOURCE,
        proof: { ...proof, ...(dto.locale ? { locale: dto.locale } : {}) },
      },
      undefined,
      this.sessions.caller(session),
    );
    return (await this.list(session, dto.locale)).find((c) => c.purpose === purpose)!;
  }

  async receipt(session: SubjectSession, purpose: string): Promise<ConsentReceipt> {
    const event = (await this.consent.stateEvents(session.subjectId)).get(purpose);
    if (!event) throw new NotFoundError('Consent receipt');
    return this.consent.receipt(event.eventId);
  }

  /** The browser's Global Privacy Control signal, honoured for the signed-in subject (rules: consent/gpc.rules.ts). */
  async honourSignal(session: SubjectSession, header: string | string[] | undefined, proof: BrowserProof & { locale?: string }): Promise<MyGpcDto> {
    const result = await this.gpc.honour(session.subjectId, header, { sourceSystem: PRIVACY_CENTER_SOURCE, proof }, this.sessions.caller(session));
    return { signal: result.signal, optedOut: result.optedOut, overrodeOptIn: result.overrodeOptIn, alreadyOptedOut: result.alreadyOptedOut, reconsented: result.reconsented };
  }
}
