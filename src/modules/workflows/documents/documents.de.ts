import { isOne, listOf } from '../../requests/mail/requester-mail.format.js';
import type { DocumentsCatalogue } from './documents.catalogue.js';
import { dayIn, durationIn, keptUntil, momentIn, type KeptWords } from './documents.format.js';

/**
 * Deutsch, in der Sie-Form. Kalendertage als "1. März 2033", Zeitpunkte als "2. März 2026 um 10:05
 * UTC"; Rechtsverweise als "Art. 15 Abs. 1 DSGVO".
 */

/** Nominative: "Newsletter – Rechtsgrundlage: Ihre Einwilligung (…)". */
const BASES: Record<string, string> = {
  consent: 'Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)',
  contract: 'ein Vertrag mit Ihnen oder vorvertragliche Maßnahmen auf Ihre Anfrage (Art. 6 Abs. 1 lit. b DSGVO)',
  legal_obligation: 'eine rechtliche Verpflichtung, der wir unterliegen (Art. 6 Abs. 1 lit. c DSGVO)',
  vital_interests: 'der Schutz lebenswichtiger Interessen einer Person (Art. 6 Abs. 1 lit. d DSGVO)',
  public_task: 'die Wahrnehmung einer Aufgabe im öffentlichen Interesse (Art. 6 Abs. 1 lit. e DSGVO)',
  legitimate_interests: 'unsere berechtigten Interessen (Art. 6 Abs. 1 lit. f DSGVO)',
};

/** Nominative: "… – Schutz der Daten: EU-Standardvertragsklauseln (…)". */
const MECHANISMS: Record<string, string> = {
  adequacy: 'ein Angemessenheitsbeschluss der Europäischen Kommission (Art. 45 DSGVO)',
  sccs: 'EU-Standardvertragsklauseln (Art. 46 Abs. 2 lit. c DSGVO)',
  bcrs: 'verbindliche interne Datenschutzvorschriften (Art. 47 DSGVO)',
  art49_derogation: 'eine Ausnahme für bestimmte Fälle (Art. 49 DSGVO)',
};

const RECIPIENT_TYPES: Record<string, string> = {
  processor: 'ein Dienstleister, der in unserem Auftrag tätig ist',
  third_party: 'eine andere Organisation',
  subprocessor: 'ein Dienstleister, der für einen unserer Dienstleister tätig ist',
  public_authority: 'eine Behörde',
  internal: 'ein Team innerhalb unserer Organisation',
};

const ACTIONS: Record<string, string> = { delete: 'gelöscht', anonymise: 'anonymisiert', retain: 'aufbewahrt' };

const COUNTRIES = new Intl.DisplayNames(['de'], { type: 'region' });
const country = (code: string) => {
  try {
    return /^[A-Z]{2}$/.test(code) ? (COUNTRIES.of(code) ?? code) : code;
  } catch {
    return code;
  }
};

const duration = (iso: string) => durationIn('de', iso, 'null Tage');
const list = (items: string[]) => listOf('de', items);
const records = (n: number) => `${n} ${isOne('de', n) ? 'Datensatz' : 'Datensätze'}`;
const kept: KeptWords = {
  until: (day) => `bis zum ${day}`,
  during: (d) => `für ${d}`,
  after: (d, event) => `für ${d} nach ${event}`,
  retentionTrigger: 'dem Ereignis, mit dem die Aufbewahrungsfrist beginnt (zum Beispiel dem Ende des Vertrags)',
  duration,
  day: (at) => dayIn('de', at),
};
const retainUntil = (text: string, from?: Date) => keptUntil(kept, text, from);

export const de: DocumentsCatalogue = {
  colon: ': ',
  list,
  moment: (at) => momentIn('de', at),
  retainUntil,

  art15: {
    rights: [
      'Sie können verlangen, dass wir unrichtige oder unvollständige personenbezogene Daten berichtigen (Art. 16 DSGVO).',
      'Sie können verlangen, dass wir Ihre personenbezogenen Daten löschen (Art. 17 DSGVO).',
      'Sie können verlangen, dass wir die Verarbeitung Ihrer personenbezogenen Daten einschränken (Art. 18 DSGVO).',
      'Sie können einer Verarbeitung widersprechen, die auf unseren berechtigten Interessen beruht oder der Direktwerbung dient (Art. 21 DSGVO).',
      'Sie können die Daten, die Sie uns bereitgestellt haben, in einem übertragbaren Format erhalten (Art. 20 DSGVO) und eine Einwilligung jederzeit widerrufen (Art. 7 Abs. 3 DSGVO).',
    ],
    complaint: (authority) => `Sie haben das Recht, sich bei einer Aufsichtsbehörde zu beschweren: ${authority} (Art. 77 DSGVO).`,
    lawfulBasis: (basis) => BASES[basis] ?? basis.replace(/_/g, ' '),
    retention: (r) => {
      const parts = [r.duration && duration(r.duration), r.trigger && `ab ${r.trigger}`, r.criteria && (r.duration ? `(${r.criteria})` : r.criteria)].filter(Boolean);
      return parts.length ? parts.join(' ') : 'keine Frist erfasst';
    },
    safeguard: (mechanism) => MECHANISMS[mechanism] ?? mechanism,

    title: 'Informationen zur Verarbeitung Ihrer personenbezogenen Daten',
    intro: (requestId) => `Die Informationen, die Ihnen mit einer Kopie Ihrer Daten zustehen (Art. 15 DSGVO), zum Antrag ${requestId}.`,
    headings: {
      purposes: 'Warum wir sie verwenden und auf welcher Rechtsgrundlage',
      categories: 'Arten personenbezogener Daten',
      recipients: 'Wer sie erhält',
      retention: 'Wie lange wir sie speichern',
      sources: 'Woher sie stammen, wenn nicht von Ihnen',
      automated: 'Automatisierte Entscheidungen einschließlich Profiling',
      transfers: 'Übermittlungen außerhalb des EWR und des Vereinigten Königreichs und wie sie geschützt sind',
      rights: 'Ihre Rechte',
    },
    none: 'Keine.',
    purpose: (title, basis) => `${title} – Rechtsgrundlage: ${basis}`,
    category: (title, special) => `${title}${special ? ' (besondere Kategorie personenbezogener Daten, Art. 9 DSGVO)' : ''}`,
    recipientType: (type) => RECIPIENT_TYPES[type] ?? type.replace(/_/g, ' '),
    transfer: (recipient, code, safeguard) => `${recipient} (${country(code)}) – Schutz der Daten: ${safeguard}`,
    controller: (name, address, contact) => `Verantwortlicher: ${name}${address ? `, ${address}` : ''}. Kontakt: ${contact}`,
  },

  index: {
    title: (kind) => (kind === 'access' ? 'Ihre personenbezogenen Daten' : 'Ihre Daten zum Mitnehmen'),
    intro: (kind, controller, generatedAt, requestId) =>
      `${kind === 'access' ? 'Eine Kopie der personenbezogenen Daten, die wir über Sie gespeichert haben (Art. 15 DSGVO)' : 'Die personenbezogenen Daten, die Sie uns bereitgestellt haben, in einem maschinenlesbaren Format (Art. 20 DSGVO)'}, ` +
      `erstellt von ${controller} am ${momentIn('de', generatedAt)}. Vorgangsnummer: ${requestId}.`,
    filesNote: ['Jede Datei liegt zweimal vor: als NDJSON (ein JSON-Objekt pro Zeile, für Computer) und als CSV (lässt sich in einer Tabellenkalkulation öffnen). ', ' führt jede Datei mit ihrer SHA-256-Prüfsumme auf.'],
    where: 'Wo Ihre Daten liegen',
    columns: ['Datenbestand', 'Was wir gefunden haben', 'Dateien'],
    waived: 'Nicht enthalten (unser Datenschutzteam hat den Grund festgehalten)',
    records,
    nothing: 'Nichts über Sie',
    noFiles: '—',
    about: 'Zu dieser Verarbeitung (Art. 15 Abs. 1 und 2 DSGVO)',
  },

  certificate: {
    title: 'Löschbestätigung',
    intro: (controller, issuedAt, requestId) =>
      `${controller} hat Ihre personenbezogenen Daten wie unten aufgeführt gelöscht (Art. 17 DSGVO). Ausgestellt am ${momentIn('de', issuedAt)}. Vorgangsnummer: ${requestId}.`,
    columns: ['Datenbestand', 'Datensätze', 'Was wir getan haben', 'Einzelheiten oder Grund der Aufbewahrung', 'Wann'],
    // Labels are nouns: German keeps their capital letter mid-sentence.
    records: (n, table) => `${records(n)} (${table})`,
    action: (action) => ACTIONS[action] ?? action,
    kept: (ground, until, from) => `${ground ?? 'gesetzliche Aufbewahrungspflicht'}${until ? `; aufbewahrt ${retainUntil(until, from)}` : ''}`,
    overwritten: (columns) => `Diese Angaben wurden überschrieben: ${list(columns)}`,
    deleted: 'Vollständig gelöscht',
    nothing: 'Nichts über Sie',
    notErased: 'hier nicht gelöscht',
    nothingToErase: 'nichts zu löschen',
    searchedByEmail: (contact) =>
      `Sie haben uns eine Kontokennung genannt, die wir nicht als Ihre bestätigen konnten. Deshalb haben wir Ihre Daten nur anhand Ihrer E-Mail-Adresse gesucht und keine Einwilligungshistorie geändert, die unter dieser Kennung gespeichert ist. Wenn auch diese gelöscht werden soll, wenden Sie sich unter Angabe der Vorgangsnummer an ${contact}.`,
    consentHistory: (n) => (n ? `Ihre Einwilligungshistorie (${records(n)}) ist Ihnen nicht mehr zugeordnet.` : 'Unter Ihrem Konto war keine Einwilligungshistorie gespeichert.'),
    checked: (stores) => `Nach dem Löschen haben wir erneut geprüft und in diesen Datenbeständen nichts mehr zu Löschendes gefunden: ${list(stores)}.`,
    unchecked: (stores) => `Nach dem Löschen nicht erneut geprüft: ${list(stores)}.`,
    keptOnly: 'Aufbewahrte Datensätze werden nur aus dem angegebenen Grund aufbewahrt und gelöscht, sobald er entfällt.',
    seal: (controller) => ['SHA-256 der JSON-Bestätigung: ', `. Dieser Wert ist im manipulationssicheren Prüfprotokoll von ${controller} verzeichnet.`],
  },
};
