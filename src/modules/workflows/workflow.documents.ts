import { escapeHtml } from '../../infrastructure/mail/templates.js';
import type { ErasurePlan } from '../data-stores/data-store.port.js';
import type { CategoryDisclosure } from '../register/register.service.js';
import { countryName, dateInWords, erasureActionInWords, lawfulBasisInWords, listInWords, recipientTypeInWords, retainUntilInWords, retentionInWords, transferMechanismName } from './plain-language.js';
import { humanise } from '../data-stores/data-store.config.js';

/**
 * The documents Lethe hands a data subject: the Art 15 information of an access package, the
 * package's index page, and the erasure certificate. Pure functions of what the workflow gathered.
 */

export interface Controller {
  name: string;
  contact: string;
  address?: string;
}

export interface Art15Information {
  controller: Controller;
  /** Art 15(1)(a); `title` from the purpose catalogue, `basis` the lawful basis in words */
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

const RIGHTS = [
  'You may ask us to correct personal data that is inaccurate or incomplete (Art 16).',
  'You may ask us to erase your personal data (Art 17).',
  'You may ask us to restrict how we process your personal data (Art 18).',
  'You may object to processing based on our legitimate interests or for direct marketing (Art 21).',
  'You may receive the data you gave us in a portable format (Art 20) and withdraw consent at any time (Art 7(3)).',
];

const uniq = <T>(items: T[]): T[] => {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify(i);
    return seen.has(key) ? false : (seen.add(key), true);
  });
};

export function art15Information(disclosures: CategoryDisclosure[], controller: Controller, complaint: string): Art15Information {
  return {
    controller,
    purposes: uniq(disclosures.flatMap((d) => d.purposes.map((p) => ({ purpose: p.purpose, title: p.title ?? null, lawfulBasis: p.lawfulBasis, basis: lawfulBasisInWords(p.lawfulBasis), activity: p.activity })))),
    categories: disclosures.map((d) => ({ key: d.dataCategory, title: d.title, special: d.special })),
    recipients: uniq(disclosures.flatMap((d) => d.recipients.map((r) => ({ name: r.name, type: r.type })))),
    retention: uniq(
      disclosures.flatMap((d) =>
        d.retention.map((r) => ({ dataCategory: d.dataCategory, period: retentionInWords(r), ...(r.duration ? { duration: r.duration } : {}), activity: r.activity })),
      ),
    ),
    rights: RIGHTS,
    complaint: `You have the right to lodge a complaint with a supervisory authority: ${complaint} (Art 77).`,
    sources: uniq(disclosures.flatMap((d) => d.sources.map((s) => ({ dataCategory: d.dataCategory, source: s.source })))),
    automatedDecisionMaking: uniq(disclosures.flatMap((d) => d.automatedDecisionMaking)),
    transfers: uniq(disclosures.flatMap((d) => d.transfers.map(({ country, recipient, mechanism }) => ({ country, recipient, mechanism, safeguard: transferMechanismName(mechanism) })))),
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

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style>' +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '<p>None.</p>');

/** The Art 15(1) and (2) information as HTML sections, for the package's index and a hand-completed access request. */
export function art15Sections(info: Art15Information): string {
  const categoryTitle = new Map(info.categories.map((c) => [c.key, c.title ?? c.key]));
  const category = (key: string) => categoryTitle.get(key) ?? key;
  return (
    `<h3>Why we use it, and on what legal basis</h3>${list(info.purposes.map((p) => `${p.title ?? p.purpose}: on the basis of ${p.basis}`))}` +
    `<h3>Kinds of personal data</h3>${list(info.categories.map((c) => `${c.title ?? c.key}${c.special ? ' (a special category of data, Art 9)' : ''}`))}` +
    `<h3>Who receives it</h3>${list(info.recipients.map((r) => `${r.name}: ${recipientTypeInWords(r.type)}`))}` +
    `<h3>How long we keep it</h3>${list(info.retention.map((r) => `${category(r.dataCategory)}: ${r.period}`))}` +
    `<h3>Where it came from, if not from you</h3>${list(info.sources.map((s) => `${category(s.dataCategory)}: ${s.source}`))}` +
    `<h3>Automated decisions, including profiling</h3>${list(info.automatedDecisionMaking.map((a) => [a.activity, a.logic, a.significance].filter(Boolean).join(': ')))}` +
    `<h3>Transfers outside the EEA and the UK, and how they are protected</h3>${list(info.transfers.map((t) => `${t.recipient} in ${countryName(t.country)}, protected by ${t.safeguard}`))}` +
    `<h3>Your rights</h3>${list([...info.rights, info.complaint])}` +
    `<p>Controller: ${escapeHtml(info.controller.name)}${info.controller.address ? `, ${escapeHtml(info.controller.address)}` : ''}. Contact: ${escapeHtml(info.controller.contact)}</p>`
  );
}

/** The Art 15 information on its own page (a hand-completed access request carries it too). */
export function art15Html(info: Art15Information, requestId: string): string {
  return page('About the processing of your personal data', `<p>The information you are entitled to with a copy of your data (Art 15 GDPR), for request ${escapeHtml(requestId)}.</p>${art15Sections(info)}`);
}

/** The package's readable front page. `labels` name the stores as the data subject knows them. */
export function indexHtml(manifest: Manifest, info: Art15Information | null, labels: Record<string, string> = {}): string {
  const filesOf = (storeId: string) => manifest.files.filter((f) => f.name.startsWith(`stores/${storeId}/`)).map((f) => f.name);
  const rows = manifest.stores
    .map((s) => {
      const records = Object.values(s.tables).reduce((a, b) => a + b, 0);
      const status = s.status === 'waived' ? 'Not included (our privacy team recorded why)' : records ? `${records} record${records === 1 ? '' : 's'}` : 'Nothing about you';
      return [labels[s.id] ?? s.id, status, filesOf(s.id).join(', ') || '—'];
    })
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  let body =
    `<p>${manifest.kind === 'access' ? 'A copy of the personal data we hold about you (Art 15 GDPR)' : 'The personal data you gave us, in a machine-readable format (Art 20 GDPR)'}, ` +
    `prepared by ${escapeHtml(manifest.controller)} on ${escapeHtml(dateInWords(manifest.generatedAt))}. Reference: ${escapeHtml(manifest.requestId)}.</p>` +
    '<p>Each file is here twice: as NDJSON (one JSON object per line, for computers) and as CSV (opens in a spreadsheet). <code>manifest.json</code> lists every file with its SHA-256 checksum.</p>' +
    `<h2>Where your data is</h2><table><tr><th>System</th><th>What we found</th><th>Files</th></tr>${rows}</table>`;
  if (info) body += `<h2>About this processing (Art 15(1) and (2))</h2>${art15Sections(info)}`;
  return page(manifest.kind === 'access' ? 'Your personal data' : 'Your data, to take with you', body);
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

export function certificateHtml(c: ErasureCertificate, sha256: string, labels: Record<string, string> = {}): string {
  const label = (id: string) => labels[id] ?? id;
  const rows = c.stores
    .flatMap((s) =>
      s.items.length
        ? s.items.map((i) => [
            label(s.id),
            `${i.rows} record${i.rows === 1 ? '' : 's'} (${humanise(i.table).toLowerCase()})`,
            erasureActionInWords(i.action),
            i.action === 'retain' ? `${i.ground ?? 'kept by law'}${i.retainUntil ? `; kept ${retainUntilInWords(i.retainUntil, s.erasedAt ? new Date(s.erasedAt) : undefined)}` : ''}` : i.action === 'anonymise' ? `These details were overwritten: ${listInWords((i.columns ?? []).map((col) => humanise(col).toLowerCase()))}` : 'Deleted entirely',
            s.erasedAt ? dateInWords(s.erasedAt) : '',
          ])
        : [[label(s.id), 'Nothing about you', s.status === 'waived' ? 'not erased here' : 'nothing to erase', s.waivedReason ?? '', s.erasedAt ? dateInWords(s.erasedAt) : '']],
    )
    .map((cells) => `<tr>${cells.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`)
    .join('');
  return page(
    'Erasure certificate',
    `<p>${escapeHtml(c.controller.name)} erased your personal data as set out below (Art 17 GDPR). Issued on ${escapeHtml(dateInWords(c.issuedAt))}. Reference: ${escapeHtml(c.requestId)}.</p>` +
      `<table><tr><th>System</th><th>Records</th><th>What we did</th><th>Details, or why it is kept</th><th>When</th></tr>${rows}</table>` +
      (c.searchedBy === 'email'
        ? `<p>You gave us an account id that we could not confirm as yours, so we searched for your data by your email address only, and did not change any consent history kept under that id. To have it erased too, contact ${escapeHtml(c.controller.contact)} quoting the reference.</p>`
        : `<p>${c.consentLedger.pseudonymisedEvents ? `Your consent history (${c.consentLedger.pseudonymisedEvents} record${c.consentLedger.pseudonymisedEvents === 1 ? '' : 's'}) no longer names you.` : 'We held no consent history under your account.'}</p>`) +
      `<p>${escapeHtml(verificationSentence(c, label))}</p>` +
      `<p>Records that are kept are kept only for the reason shown, and are deleted when it ends.</p>` +
      `<p style="font-size:85%;color:#555">SHA-256 of the JSON certificate: <code>${sha256}</code>. It is recorded in ${escapeHtml(c.controller.name)}’s tamper-evident audit trail.</p>`,
  );
}

function verificationSentence(c: ErasureCertificate, label: (id: string) => string): string {
  const checked = c.stores.filter((s) => s.verifiedAt).map((s) => label(s.id));
  const unchecked = c.stores.filter((s) => !s.verifiedAt).map((s) => label(s.id));
  const parts = [];
  if (checked.length) parts.push(`We checked again after erasing, and found nothing left to erase in: ${listInWords(checked)}.`);
  if (unchecked.length) parts.push(`Not checked again after erasing: ${listInWords(unchecked)}.`);
  return parts.join(' ');
}
