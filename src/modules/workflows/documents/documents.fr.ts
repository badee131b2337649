import { isOne, listOf } from '../../requests/mail/requester-mail.format.js';
import type { DocumentsCatalogue } from './documents.catalogue.js';
import { dayIn, durationIn, keptUntil, momentIn, type KeptWords } from './documents.format.js';

/**
 * Français, en vouvoyant. Jours : « 1 mars 2033 » ; instants : « 2 mars 2026 à 10:05 UTC » ;
 * références : « article 6, paragraphe 1, point a), du RGPD ». Espace avant les deux-points.
 */

/** « Newsletter — base légale : votre consentement (…) ». */
const BASES: Record<string, string> = {
  consent: 'votre consentement (article 6, paragraphe 1, point a), du RGPD)',
  contract: 'un contrat conclu avec vous, ou des mesures précontractuelles prises à votre demande (article 6, paragraphe 1, point b), du RGPD)',
  legal_obligation: 'une obligation légale à laquelle nous sommes soumis (article 6, paragraphe 1, point c), du RGPD)',
  vital_interests: 'la sauvegarde des intérêts vitaux d’une personne (article 6, paragraphe 1, point d), du RGPD)',
  public_task: 'l’exécution d’une mission d’intérêt public (article 6, paragraphe 1, point e), du RGPD)',
  legitimate_interests: 'nos intérêts légitimes (article 6, paragraphe 1, point f), du RGPD)',
};

/** « … : transfert encadré par des clauses contractuelles types (…) ». */
const MECHANISMS: Record<string, string> = {
  adequacy: 'une décision d’adéquation de la Commission européenne (article 45 du RGPD)',
  sccs: 'des clauses contractuelles types de l’UE (article 46, paragraphe 2, point c), du RGPD)',
  bcrs: 'des règles d’entreprise contraignantes (article 47 du RGPD)',
  art49_derogation: 'une dérogation pour des situations particulières (article 49 du RGPD)',
};

const RECIPIENT_TYPES: Record<string, string> = {
  processor: 'un prestataire qui agit pour notre compte',
  third_party: 'un autre organisme',
  subprocessor: 'un prestataire qui agit pour l’un de nos prestataires',
  public_authority: 'une autorité publique',
  internal: 'une équipe de notre organisation',
};

/** Nouns, so that nothing has to agree with the number of records. */
const ACTIONS: Record<string, string> = { delete: 'suppression', anonymise: 'anonymisation', retain: 'conservation' };

const COUNTRIES = new Intl.DisplayNames(['fr'], { type: 'region' });
const country = (code: string) => {
  try {
    return /^[A-Z]{2}$/.test(code) ? (COUNTRIES.of(code) ?? code) : code;
  } catch {
    return code;
  }
};

const duration = (iso: string) => durationIn('fr', iso, 'aucune durée');
const list = (items: string[]) => listOf('fr', items);
const records = (n: number) => `${n} enregistrement${isOne('fr', n) ? '' : 's'}`;
const lower = (label: string) => label.toLowerCase();
const kept: KeptWords = {
  until: (day) => `jusqu’au ${day}`,
  during: (d) => `pendant ${d}`,
  after: (d, event) => `pendant ${d} après ${event}`,
  retentionTrigger: 'l’événement qui fait courir la durée de conservation (par exemple, la fin du contrat)',
  duration,
  day: (at) => dayIn('fr', at),
};
const retainUntil = (text: string, from?: Date) => keptUntil(kept, text, from);

export const fr: DocumentsCatalogue = {
  colon: ' : ',
  list,
  moment: (at) => momentIn('fr', at),
  retainUntil,

  art15: {
    rights: [
      'Vous pouvez nous demander de rectifier des données personnelles inexactes ou incomplètes (article 16 du RGPD).',
      'Vous pouvez nous demander d’effacer vos données personnelles (article 17 du RGPD).',
      'Vous pouvez nous demander de limiter le traitement de vos données personnelles (article 18 du RGPD).',
      'Vous pouvez vous opposer à un traitement fondé sur nos intérêts légitimes ou à des fins de prospection (article 21 du RGPD).',
      'Vous pouvez recevoir les données que vous nous avez fournies dans un format portable (article 20 du RGPD) et retirer votre consentement à tout moment (article 7, paragraphe 3, du RGPD).',
    ],
    complaint: (authority) => `Vous avez le droit d’introduire une réclamation auprès d’une autorité de contrôle : ${authority} (article 77 du RGPD).`,
    lawfulBasis: (basis) => BASES[basis] ?? basis.replace(/_/g, ' '),
    retention: (r) => {
      const parts = [r.duration && duration(r.duration), r.trigger && `à compter de ${r.trigger}`, r.criteria && (r.duration ? `(${r.criteria})` : r.criteria)].filter(Boolean);
      return parts.length ? parts.join(' ') : 'aucune durée n’est enregistrée';
    },
    safeguard: (mechanism) => MECHANISMS[mechanism] ?? mechanism,

    title: 'Informations sur le traitement de vos données personnelles',
    intro: (requestId) => `Les informations auxquelles vous avez droit avec une copie de vos données (article 15 du RGPD), pour la demande ${requestId}.`,
    headings: {
      purposes: 'Pourquoi nous les utilisons, et sur quelle base légale',
      categories: 'Catégories de données personnelles',
      recipients: 'Qui les reçoit',
      retention: 'Combien de temps nous les conservons',
      sources: 'Leur origine, si elles ne proviennent pas de vous',
      automated: 'Décisions automatisées, y compris le profilage',
      transfers: 'Transferts hors de l’EEE et du Royaume-Uni, et comment ils sont encadrés',
      rights: 'Vos droits',
    },
    none: 'Néant.',
    purpose: (title, basis) => `${title} — base légale : ${basis}`,
    category: (title, special) => `${title}${special ? ' (catégorie particulière de données, article 9 du RGPD)' : ''}`,
    recipientType: (type) => RECIPIENT_TYPES[type] ?? type.replace(/_/g, ' '),
    transfer: (recipient, code, safeguard) => `${recipient} (${country(code)}) : transfert encadré par ${safeguard}`,
    controller: (name, address, contact) => `Responsable du traitement : ${name}${address ? `, ${address}` : ''}. Contact : ${contact}`,
  },

  index: {
    title: (kind) => (kind === 'access' ? 'Vos données personnelles' : 'Vos données, prêtes à emporter'),
    intro: (kind, controller, generatedAt, requestId) =>
      `${
        kind === 'access'
          ? `Une copie des données personnelles que nous détenons sur vous (article 15 du RGPD), préparée par ${controller}`
          : `Les données personnelles que vous nous avez fournies, dans un format lisible par machine (article 20 du RGPD), préparées par ${controller}`
      } le ${momentIn('fr', generatedAt)}. Référence : ${requestId}.`,
    filesNote: ['Chaque fichier figure deux fois : en NDJSON (un objet JSON par ligne, pour les ordinateurs) et en CSV (s’ouvre dans un tableur). ', ' recense chaque fichier avec son empreinte SHA-256.'],
    where: 'Où se trouvent vos données',
    columns: ['Système', 'Ce que nous avons trouvé', 'Fichiers'],
    waived: 'Non inclus (notre équipe chargée de la protection des données en a consigné la raison)',
    records,
    nothing: 'Aucune donnée vous concernant',
    noFiles: '—',
    about: 'À propos de ce traitement (article 15, paragraphes 1 et 2, du RGPD)',
  },

  certificate: {
    title: 'Certificat d’effacement',
    intro: (controller, issuedAt, requestId) =>
      `${controller} a effacé vos données personnelles comme indiqué ci-dessous (article 17 du RGPD). Délivré le ${momentIn('fr', issuedAt)}. Référence : ${requestId}.`,
    columns: ['Système', 'Enregistrements', 'Ce que nous avons fait', 'Détails, ou raison de la conservation', 'Date'],
    records: (n, table) => `${records(n)} (${lower(table)})`,
    action: (action) => ACTIONS[action] ?? action,
    kept: (ground, until, from) => `${ground ?? 'obligation légale'}${until ? ` ; conservation ${retainUntil(until, from)}` : ''}`,
    overwritten: (columns) => `Ces informations ont été remplacées par des valeurs neutres : ${list(columns.map(lower))}`,
    deleted: 'Suppression complète',
    nothing: 'Aucune donnée vous concernant',
    notErased: 'pas d’effacement ici',
    nothingToErase: 'rien à effacer',
    searchedByEmail: (contact) =>
      `Vous nous avez indiqué un identifiant de compte dont nous n’avons pas pu confirmer qu’il est le vôtre : nous avons donc recherché vos données uniquement à partir de votre adresse e-mail, et n’avons modifié aucun historique de consentement conservé sous cet identifiant. Pour le faire effacer aussi, écrivez à ${contact} en indiquant la référence.`,
    consentHistory: (n) => (n ? `Votre historique de consentement (${records(n)}) ne vous identifie plus.` : 'Nous ne conservions aucun historique de consentement sous votre compte.'),
    checked: (stores) => `Après l’effacement, nous avons vérifié à nouveau et n’avons plus rien trouvé à effacer dans : ${list(stores)}.`,
    unchecked: (stores) => `Pas de nouvelle vérification après l’effacement : ${list(stores)}.`,
    keptOnly: 'Les enregistrements conservés ne le sont que pour le motif indiqué, et sont supprimés lorsqu’il prend fin.',
    seal: (controller) => ['Empreinte SHA-256 du certificat JSON : ', `. Elle est enregistrée dans le journal d’audit inaltérable de ${controller}.`],
  },
};
