import { DEFAULT_LOCALE, type Locale } from '../../common/i18n/locales.js';
import { escapeHtml } from '../../infrastructure/mail/templates.js';
import type { ErasurePlan } from '../data-stores/data-store.port.js';
import type { CategoryDisclosure } from '../register/register.service.js';
import { humanise } from '../../config/data-stores.config.js';
import { documentsIn } from './documents/documents.catalogue.js';

/**
 * The documents Lethe hands a data subject: the Art 15 information of an access package, the
 * package's index page, and the erasure certificate. Pure functions of what the workflow gathered,
 * in the request's language: this file decides what a document shows, the catalogues
 * (documents/documents.<locale>.ts) say it. English when no language is given.
 */

export interface Controller {
  name: string;
  contact: string;
  address?: string;
}

export interface Art15Information {
  controller: Controller;
  /** Art 15(1)(a); `title` from the purpose catalogue, `basis` the lawful basis in words (in the information's language) */
  purposes: { purpose: string; title: string | null; lawfulBasis: string; basis: string; activity: string }[];
  /** Art 15(1)(b) */
  categories: { key: string; title: string | null; special: boolean }[];
  /** Art 15(1)(c), by name where the register names them */
  recipients: { name: string; type: string }[];
  /** Art 15(1)(d): `period` in words ("6 years from order shipped"); `duration` as recorded (ISO 8601) */
  retention: { dataCategory: string; period: string; duration?: string; activity: string }[];
  /** Art 15(1)(e) and (f) */
  rights: string[];
  complaint: string;
  /** Art 15(1)(g): where data was not collected from the subject */
  sources: { dataCategory: string; source: string }[];
  /** Art 15(1)(h) */
  automatedDecisionMaking: { logic?: string; significance?: string; activity: string }[];
  /** Art 15(2): transfers to third countries and their safeguards; `safeguard` names the mechanism */
  transfers: { country: string; recipient: string; mechanism: string; safeguard: string }[];
}

const uniq = <T>(items: T[]): T[] => {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify(i);
    return seen.has(key) ? false : (seen.add(key), true);
  });
};

/**
 * The Art 15 information from the register's disclosures. Its words (lawful bases, periods, safeguards,
 * rights, the complaint) are in `locale`: render it with the same locale, and its JSON reads as its page.
 */
export function art15Information(disclosures: CategoryDisclosure[], controller: Controller, complaint: string, locale: Locale = DEFAULT_LOCALE): Art15Information {
  const { t } = documentsIn(locale);
  return {
    controller,
    purposes: uniq(disclosures.flatMap((d) => d.purposes.map((p) => ({ purpose: p.purpose, title: p.title ?? null, lawfulBasis: p.lawfulBasis, basis: t.art15.lawfulBasis(p.lawfulBasis), activity: p.activity })))),
    categories: disclosures.map((d) => ({ key: d.dataCategory, title: d.title, special: d.special })),
    recipients: uniq(disclosures.flatMap((d) => d.recipients.map((r) => ({ name: r.name, type: r.type })))),
    retention: uniq(
      disclosures.flatMap((d) =>
        d.retention.map((r) => ({ dataCategory: d.dataCategory, period: t.art15.retention(r), ...(r.duration ? { duration: r.duration } : {}), activity: r.activity })),
      ),
    ),
    rights: [...t.art15.rights],
    complaint: t.art15.complaint(complaint),
    sources: uniq(disclosures.flatMap((d) => d.sources.map((s) => ({ dataCategory: d.dataCategory, source: s.source })))),
    automatedDecisionMaking: uniq(disclosures.flatMap((d) => d.automatedDecisionMaking)),
    transfers: uniq(disclosures.flatMap((d) => d.transfers.map(({ country, recipient, mechanism }) => ({ country, recipient, mechanism, safeguard: t.art15.safeguard(mechanism) })))),
  };
}

export interface Manifest {
  requestId: string;
  kind: 'access' | 'portability';
  generatedAt: string;
  controller: string;
  stores: { id: string; status: 'exported' | 'waived'; tables: Record<string, number> }[];
  files: { name: string; sha256: string; bytes: number }[];
}

const page = (locale: Locale, title: string, body: string) =>
  `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style>' +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const list = (items: string[], none: string) => (items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : `<p>${escapeHtml(none)}</p>`);
const row = (cells: string[], tag: 'td' | 'th' = 'td') => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;
/** Text around something set as code: `[before, after]` from a catalogue. */
const withCode = ([before, after]: [string, string], code: string) => `${escapeHtml(before)}<code>${escapeHtml(code)}</code>${escapeHtml(after)}`;

/** The Art 15(1) and (2) information as HTML sections, for the package's index and a hand-completed access request. */
export function art15Sections(info: Art15Information, locale: Locale = DEFAULT_LOCALE): string {
  const { art15: t, colon } = documentsIn(locale).t;
  const h = t.headings;
  const categoryTitle = new Map(info.categories.map((c) => [c.key, c.title ?? c.key]));
  const category = (key: string) => categoryTitle.get(key) ?? key;
  const section = (heading: string, items: string[]) => `<h3>${escapeHtml(heading)}</h3>${list(items, t.none)}`;
  return (
    section(h.purposes, info.purposes.map((p) => t.purpose(p.title ?? p.purpose, p.basis))) +
    section(h.categories, info.categories.map((c) => t.category(c.title ?? c.key, c.special))) +
    section(h.recipients, info.recipients.map((r) => `${r.name}${colon}${t.recipientType(r.type)}`)) +
    section(h.retention, info.retention.map((r) => `${category(r.dataCategory)}${colon}${r.period}`)) +
    section(h.sources, info.sources.map((s) => `${category(s.dataCategory)}${colon}${s.source}`)) +
    section(h.automated, info.automatedDecisionMaking.map((a) => [a.activity, a.logic, a.significance].filter(Boolean).join(colon))) +
    section(h.transfers, info.transfers.map((x) => t.transfer(x.recipient, x.country, x.safeguard))) +
    section(h.rights, [...info.rights, info.complaint]) +
    paragraph(t.controller(info.controller.name, info.controller.address, info.controller.contact))
  );
}

/** The Art 15 information on its own page (a hand-completed access request carries it too). */
export function art15Html(info: Art15Information, requestId: string, locale: Locale = DEFAULT_LOCALE): string {
  const { locale: lang, t } = documentsIn(locale);
  return page(lang, t.art15.title, `${paragraph(t.art15.intro(requestId))}${art15Sections(info, lang)}`);
}

/** The package's readable front page. `labels` name the stores as the data subject knows them. */
export function indexHtml(manifest: Manifest, info: Art15Information | null, labels: Record<string, string> = {}, locale: Locale = DEFAULT_LOCALE): string {
  const { locale: lang, t: all } = documentsIn(locale);
  const t = all.index;
  const filesOf = (storeId: string) => manifest.files.filter((f) => f.name.startsWith(`stores/${storeId}/`)).map((f) => f.name);
  const rows = manifest.stores
    .map((s) => {
      const records = Object.values(s.tables).reduce((a, b) => a + b, 0);
      const status = s.status === 'waived' ? t.waived : records ? t.records(records) : t.nothing;
      return row([labels[s.id] ?? s.id, status, filesOf(s.id).join(', ') || t.noFiles]);
    })
    .join('');
  let body =
    paragraph(t.intro(manifest.kind, manifest.controller, manifest.generatedAt, manifest.requestId)) +
    `<p>${withCode(t.filesNote, 'manifest.json')}</p>` +
    `<h2>${escapeHtml(t.where)}</h2><table>${row(t.columns, 'th')}${rows}</table>`;
  if (info) body += `<h2>${escapeHtml(t.about)}</h2>${art15Sections(info, lang)}`;
  return page(lang, t.title(manifest.kind), body);
}

export interface ErasureCertificate {
  certificate: 'lethe.erasure/v1';
  requestId: string;
  controller: Controller;
  issuedAt: string;
  stores: {
    id: string;
    status: 'erased' | 'waived';
    erasedAt: string | null;
    waivedReason?: string;
    items: ErasurePlan['items'];
    verifiedAt: string | null;
  }[];
  consentLedger: { pseudonymisedEvents: number };
  /** Present when the account id the requester gave was never proven: stores and the ledger were searched by email only. */
  searchedBy?: 'email';
}

export function certificateHtml(c: ErasureCertificate, sha256: string, labels: Record<string, string> = {}, locale: Locale = DEFAULT_LOCALE): string {
  const { locale: lang, t: all } = documentsIn(locale);
  const t = all.certificate;
  const label = (id: string) => labels[id] ?? id;
  const when = (s: ErasureCertificate['stores'][number]) => (s.erasedAt ? all.moment(s.erasedAt) : '');
  const rows = c.stores
    .flatMap((s) =>
      s.items.length
        ? s.items.map((i) => [
            label(s.id),
            t.records(i.rows, humanise(i.table)),
            t.action(i.action),
            i.action === 'retain' ? t.kept(i.ground, i.retainUntil, s.erasedAt ? new Date(s.erasedAt) : undefined) : i.action === 'anonymise' ? t.overwritten((i.columns ?? []).map(humanise)) : t.deleted,
            when(s),
          ])
        : [[label(s.id), t.nothing, s.status === 'waived' ? t.notErased : t.nothingToErase, s.waivedReason ?? '', when(s)]],
    )
    .map((cells) => row(cells))
    .join('');
  return page(
    lang,
    t.title,
    paragraph(t.intro(c.controller.name, c.issuedAt, c.requestId)) +
      `<table>${row(t.columns, 'th')}${rows}</table>` +
      paragraph(c.searchedBy === 'email' ? t.searchedByEmail(c.controller.contact) : t.consentHistory(c.consentLedger.pseudonymisedEvents)) +
      paragraph(verificationSentence(c, label, t)) +
      paragraph(t.keptOnly) +
      `<p style="font-size:85%;color:#555">${withCode(t.seal(c.controller.name), sha256)}</p>`,
  );
}

function verificationSentence(c: ErasureCertificate, label: (id: string) => string, t: { checked(stores: string[]): string; unchecked(stores: string[]): string }): string {
  const checked = c.stores.filter((s) => s.verifiedAt).map((s) => label(s.id));
  const unchecked = c.stores.filter((s) => !s.verifiedAt).map((s) => label(s.id));
  const parts = [];
  if (checked.length) parts.push(t.checked(checked));
  if (unchecked.length) parts.push(t.unchecked(unchecked));
  return parts.join(' ');
}

/**
 * Until when an erasure item is kept, in words of `locale`, from what a store reported: for the
 * certificate's JSON, which the requester receives beside its page.
 */
export function keptUntilInWords(retainUntil: string, from?: Date, locale: Locale = DEFAULT_LOCALE): string {
  return documentsIn(locale).t.retainUntil(retainUntil, from);
}
