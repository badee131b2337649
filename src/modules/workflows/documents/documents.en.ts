import { countryName, dateInWords, erasureActionInWords, lawfulBasisInWords, listInWords, recipientTypeInWords, retainUntilInWords, retentionInWords, transferMechanismName } from '../plain-language.js';
import type { DocumentsCatalogue } from './documents.catalogue.js';

/** English, as the documents have always read: dates as "2 March 2026" (the UTC day), references as "Art 15 GDPR". */

const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

export const en: DocumentsCatalogue = {
  colon: ': ',
  list: listInWords,
  moment: dateInWords,
  retainUntil: retainUntilInWords,

  art15: {
    rights: [
      'You may ask us to correct personal data that is inaccurate or incomplete (Art 16).',
      'You may ask us to erase your personal data (Art 17).',
      'You may ask us to restrict how we process your personal data (Art 18).',
      'You may object to processing based on our legitimate interests or for direct marketing (Art 21).',
      'You may receive the data you gave us in a portable format (Art 20) and withdraw consent at any time (Art 7(3)).',
    ],
    complaint: (authority) => `You have the right to lodge a complaint with a supervisory authority: ${authority} (Art 77).`,
    lawfulBasis: lawfulBasisInWords,
    retention: retentionInWords,
    safeguard: transferMechanismName,

    title: 'About the processing of your personal data',
    intro: (requestId) => `The information you are entitled to with a copy of your data (Art 15 GDPR), for request ${requestId}.`,
    headings: {
      purposes: 'Why we use it, and on what legal basis',
      categories: 'Kinds of personal data',
      recipients: 'Who receives it',
      retention: 'How long we keep it',
      sources: 'Where it came from, if not from you',
      automated: 'Automated decisions, including profiling',
      transfers: 'Transfers outside the EEA and the UK, and how they are protected',
      rights: 'Your rights',
    },
    none: 'None.',
    purpose: (title, basis) => `${title}: on the basis of ${basis}`,
    category: (title, special) => `${title}${special ? ' (a special category of data, Art 9)' : ''}`,
    recipientType: recipientTypeInWords,
    transfer: (recipient, country, safeguard) => `${recipient} in ${countryName(country)}, protected by ${safeguard}`,
    controller: (name, address, contact) => `Controller: ${name}${address ? `, ${address}` : ''}. Contact: ${contact}`,
  },

  index: {
    title: (kind) => (kind === 'access' ? 'Your personal data' : 'Your data, to take with you'),
    intro: (kind, controller, generatedAt, requestId) =>
      `${kind === 'access' ? 'A copy of the personal data we hold about you (Art 15 GDPR)' : 'The personal data you gave us, in a machine-readable format (Art 20 GDPR)'}, ` +
      `prepared by ${controller} on ${dateInWords(generatedAt)}. Reference: ${requestId}.`,
    filesNote: ['Each file is here twice: as NDJSON (one JSON object per line, for computers) and as CSV (opens in a spreadsheet). ', ' lists every file with its SHA-256 checksum.'],
    where: 'Where your data is',
    columns: ['System', 'What we found', 'Files'],
    waived: 'Not included (our privacy team recorded why)',
    records,
    nothing: 'Nothing about you',
    noFiles: '—',
    about: 'About this processing (Art 15(1) and (2))',
  },

  certificate: {
    title: 'Erasure certificate',
    intro: (controller, issuedAt, requestId) => `${controller} erased your personal data as set out below (Art 17 GDPR). Issued on ${dateInWords(issuedAt)}. Reference: ${requestId}.`,
    columns: ['System', 'Records', 'What we did', 'Details, or why it is kept', 'When'],
    records: (n, table) => `${records(n)} (${table.toLowerCase()})`,
    action: erasureActionInWords,
    kept: (ground, retainUntil, from) => `${ground ?? 'kept by law'}${retainUntil ? `; kept ${retainUntilInWords(retainUntil, from)}` : ''}`,
    overwritten: (columns) => `These details were overwritten: ${listInWords(columns.map((c) => c.toLowerCase()))}`,
    deleted: 'Deleted entirely',
    nothing: 'Nothing about you',
    notErased: 'not erased here',
    nothingToErase: 'nothing to erase',
    searchedByEmail: (contact) =>
      `You gave us an account id that we could not confirm as yours, so we searched for your data by your email address only, and did not change any consent history kept under that id. To have it erased too, contact ${contact} quoting the reference.`,
    consentHistory: (n) => (n ? `Your consent history (${records(n)}) no longer names you.` : 'We held no consent history under your account.'),
    checked: (stores) => `We checked again after erasing, and found nothing left to erase in: ${listInWords(stores)}.`,
    unchecked: (stores) => `Not checked again after erasing: ${listInWords(stores)}.`,
    keptOnly: 'Records that are kept are kept only for the reason shown, and are deleted when it ends.',
    seal: (controller) => ['SHA-256 of the JSON certificate: ', `. It is recorded in ${controller}’s tamper-evident audit trail.`],
  },
};
