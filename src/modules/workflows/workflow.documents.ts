import { escapeHtml } from '../../infrastructure/mail/templates.js';
import type { ErasurePlan } from '../data-stores/data-store.port.js';
import type { CategoryDisclosure } from '../register/register.service.js';

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
  /** Art 15(1)(a) */
  purposes: { purpose: string; lawfulBasis: string; activity: string }[];
  /** Art 15(1)(b) */
  categories: { key: string; title: string | null; special: boolean }[];
  /** Art 15(1)(c), by name where the register names them */
  recipients: { name: string; type: string }[];
  /** Art 15(1)(d) */
  retention: { dataCategory: string; period: string; activity: string }[];
  /** Art 15(1)(e) and (f) */
  rights: string[];
  complaint: string;
  /** Art 15(1)(g): where data was not collected from the subject */
  sources: { dataCategory: string; source: string }[];
  /** Art 15(1)(h) */
  automatedDecisionMaking: { logic?: string; significance?: string; activity: string }[];
  /** Art 15(2): transfers to third countries and their safeguards */
  transfers: { country: string; recipient: string; mechanism: string }[];
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
    purposes: uniq(disclosures.flatMap((d) => d.purposes)),
    categories: disclosures.map((d) => ({ key: d.dataCategory, title: d.title, special: d.special })),
    recipients: uniq(disclosures.flatMap((d) => d.recipients.map((r) => ({ name: r.name, type: r.type })))),
    retention: uniq(
      disclosures.flatMap((d) =>
        d.retention.map((r) => ({ dataCategory: d.dataCategory, period: [r.duration, r.trigger && `from ${r.trigger}`, r.criteria].filter(Boolean).join(' '), activity: r.activity })),
      ),
    ),
    rights: RIGHTS,
    complaint: `You have the right to lodge a complaint with a supervisory authority: ${complaint} (Art 77).`,
    sources: uniq(disclosures.flatMap((d) => d.sources.map((s) => ({ dataCategory: d.dataCategory, source: s.source })))),
    automatedDecisionMaking: uniq(disclosures.flatMap((d) => d.automatedDecisionMaking)),
    transfers: uniq(disclosures.flatMap((d) => d.transfers.map(({ country, recipient, mechanism }) => ({ country, recipient, mechanism })))),
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

/** The package's readable front page. */
export function indexHtml(manifest: Manifest, info: Art15Information | null): string {
  const rows = manifest.stores
    .flatMap((s) => (Object.keys(s.tables).length ? Object.entries(s.tables).map(([t, n]) => [s.id, t, String(n), s.status]) : [[s.id, '—', '0', s.status]]))
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  let body =
    `<p>${manifest.kind === 'access' ? 'A copy of the personal data we hold about you (Art 15 GDPR)' : 'The personal data you gave us, in a machine-readable format (Art 20 GDPR)'}, ` +
    `prepared by ${escapeHtml(manifest.controller)} on ${escapeHtml(manifest.generatedAt)} for request ${escapeHtml(manifest.requestId)}.</p>` +
    '<p>Each table is here twice: as NDJSON (one JSON object per line) and as CSV. <code>manifest.json</code> lists every file with its SHA-256.</p>' +
    `<h2>Where your data is</h2><table><tr><th>System</th><th>Table</th><th>Records</th><th>Status</th></tr>${rows}</table>`;
  if (info) {
    body +=
      '<h2>About this processing (Art 15(1) and (2))</h2>' +
      `<h3>Purposes and lawful bases</h3>${list(info.purposes.map((p) => `${p.purpose} — ${p.lawfulBasis} (${p.activity})`))}` +
      `<h3>Categories of personal data</h3>${list(info.categories.map((c) => `${c.title ?? c.key}${c.special ? ' (special category)' : ''}`))}` +
      `<h3>Recipients</h3>${list(info.recipients.map((r) => `${r.name} (${r.type.replace(/_/g, ' ')})`))}` +
      `<h3>How long we keep it</h3>${list(info.retention.map((r) => `${r.dataCategory}: ${r.period}`))}` +
      `<h3>Where it came from</h3>${list(info.sources.map((s) => `${s.dataCategory}: ${s.source}`))}` +
      `<h3>Automated decisions, including profiling</h3>${list(info.automatedDecisionMaking.map((a) => [a.activity, a.logic, a.significance].filter(Boolean).join(' — ')))}` +
      `<h3>Transfers outside the EEA/UK and their safeguards</h3>${list(info.transfers.map((t) => `${t.recipient} in ${t.country}: ${t.mechanism}`))}` +
      `<h3>Your rights</h3>${list([...info.rights, info.complaint])}` +
      `<p>Controller: ${escapeHtml(info.controller.name)}${info.controller.address ? `, ${escapeHtml(info.controller.address)}` : ''} — ${escapeHtml(info.controller.contact)}</p>`;
  }
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
}

export function certificateHtml(c: ErasureCertificate, sha256: string): string {
  const rows = c.stores
    .flatMap((s) =>
      s.items.length
        ? s.items.map((i) => [s.id, i.table, i.action, String(i.rows), i.action === 'retain' ? `${i.ground ?? ''}${i.retainUntil ? `; kept until ${i.retainUntil}` : ''}` : (i.columns ?? []).join(', '), s.erasedAt ?? s.waivedReason ?? ''])
        : [[s.id, '—', s.status, '0', s.waivedReason ?? '', s.erasedAt ?? '']],
    )
    .map((cells) => `<tr>${cells.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`)
    .join('');
  return page(
    'Erasure certificate',
    `<p>${escapeHtml(c.controller.name)} erased the personal data of request ${escapeHtml(c.requestId)} as set out below (Art 17 GDPR). Issued ${escapeHtml(c.issuedAt)}.</p>` +
      `<table><tr><th>System</th><th>Table</th><th>Action</th><th>Records</th><th>Columns, or why kept</th><th>When</th></tr>${rows}</table>` +
      `<p>Consent records pseudonymised: ${c.consentLedger.pseudonymisedEvents}.</p>` +
      `<p>${escapeHtml(verificationSentence(c))}</p>` +
      `<p>Records that are kept are kept only for the ground shown and are deleted when it ends.</p>` +
      `<p style="font-size:85%;color:#555">SHA-256 of the JSON certificate: <code>${sha256}</code>. It is recorded in ${escapeHtml(c.controller.name)}’s tamper-evident audit trail.</p>`,
  );
}

function verificationSentence(c: ErasureCertificate): string {
  const checked = c.stores.filter((s) => s.verifiedAt).map((s) => s.id);
  const unchecked = c.stores.filter((s) => !s.verifiedAt).map((s) => s.id);
  const parts = [];
  if (checked.length) parts.push(`Checked again after erasure, holding nothing erasable: ${checked.join(', ')}.`);
  if (unchecked.length) parts.push(`Not checked again after erasure: ${unchecked.join(', ')}.`);
  return parts.join(' ');
}
