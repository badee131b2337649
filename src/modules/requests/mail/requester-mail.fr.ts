import type { Channel, RefusalGround, RequestType } from '../request.types.js';
import type { MailContext } from '../request.mail.js';
import type { Catalogue, Identity } from './requester-mail.catalogue.js';
import { inSentence, isOne, listOf, longDate, longDay } from './requester-mail.format.js';

/** Français, en vouvoyant. Dates : « 23 décembre 2026 » ; références : « article 12, paragraphe 3, du RGPD ». */

/** « votre demande … » */
const TYPE_NAMES: Record<RequestType, string> = {
  access: 'd’accès à vos données personnelles',
  portability: 'de copie de vos données pour les transmettre à un autre service (portabilité)',
  rectification: 'de rectification de vos données personnelles',
  erasure: 'd’effacement de vos données personnelles',
  restriction: 'de limitation du traitement',
  objection: 'd’opposition au traitement',
};

/** For subjects: « Nous avons bien reçu votre demande (accès) ». */
const TYPE_SHORT: Record<RequestType, string> = {
  access: 'accès',
  portability: 'portabilité',
  rectification: 'rectification',
  erasure: 'effacement',
  restriction: 'limitation du traitement',
  objection: 'opposition',
};

/** « …, car … » */
const GROUND_TEXT: Record<RefusalGround, string> = {
  manifestly_unfounded: 'la demande est manifestement infondée (article 12, paragraphe 5, du RGPD)',
  excessive: 'la demande est excessive, notamment en raison de son caractère répétitif (article 12, paragraphe 5, du RGPD)',
  identity_not_verified: 'nous n’avons pas pu vérifier votre identité (article 12, paragraphes 2 et 6, du RGPD)',
  exemption: 'une exception prévue par la loi s’applique',
};

/** « la demande que vous nous avez transmise … » */
const RECORDED_FROM: Record<Channel, string> = { post: 'par courrier', phone: 'par téléphone', email: 'par e-mail', in_person: 'en personne', web: 'en ligne', iam: 'en ligne', authorized_agent: 'par l’intermédiaire de votre mandataire' };

const IDENTITY_TEXT: Record<Identity, (c: MailContext) => string> = {
  confirmed: () => 'Votre identité est confirmée.',
  not_needed: () => 'Cette demande ne nécessite pas de vérifier votre identité.',
  code: () => 'Pour protéger vos données, nous devons d’abord vérifier qu’il s’agit bien de vous : nous vous envoyons un code de vérification dans un e-mail séparé.',
  with_counsel: (c) =>
    `Pour protéger vos données, nous devons d’abord vérifier qu’il s’agit bien de vous. Notre équipe chargée de la protection des données vous contactera à cet effet ; vous pouvez aussi nous écrire à ${c.contact} en indiquant la référence.`,
};

const UNREACHED = { no_contact: 'nous n’avons aucun moyen de le joindre automatiquement', queued: 'notre avis n’a pas encore été remis', failed: 'notre avis n’a pas pu être remis' };

const day = (iso: string) => longDay('fr', iso);
const list = (items: string[]) => listOf('fr', items);
const ref = (c: MailContext) => `référence : ${c.requestId}`;
const downloads = (n: number, more = false) => {
  const s = isOne('fr', n) ? '' : 's';
  return `${n} téléchargement${s}${more ? ` supplémentaire${s}` : ''}`;
};
const keepPrivate = 'Gardez cet e-mail pour vous : toute personne disposant du lien peut télécharger l’archive.';

export const fr: Catalogue = {
  hello: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  footer: (controller, contact) => `${controller} — contact protection des données : ${contact}`,

  request: {
    received: (c, dueOn, identity, follow) => ({
      subject: `Nous avons bien reçu votre demande (${TYPE_SHORT[c.type]})`,
      paragraphs: [
        `Nous avons bien reçu votre demande ${TYPE_NAMES[c.type]}. Référence : ${c.requestId}.`,
        IDENTITY_TEXT[identity](c),
        `Nous vous répondrons au plus tard le ${day(dueOn)}.`,
        ...(follow
          ? [
              `Pour suivre l’avancement de votre demande, saisir votre code, télécharger vos données lorsqu’elles sont prêtes ou retirer votre demande, ouvrez ce lien : ${follow.pageUrl}`,
              'Toute personne disposant de cet e-mail peut en faire autant : gardez-le donc pour vous. Vous pouvez aussi simplement nous répondre en indiquant la référence.',
              `Pour une application de confiance : la clé de suivi est ${follow.statusToken}, à envoyer dans l’en-tête X-Request-Token à ${follow.statusUrl}.`,
            ]
          : []),
      ],
    }),
    code: (c, code, minutes) => ({
      subject: `Votre code de vérification : ${code}`,
      paragraphs: [
        `Votre code pour confirmer votre demande ${c.requestId} est :`,
        code,
        `Il est valable ${minutes} minute${isOne('fr', minutes) ? '' : 's'}. Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail.`,
      ],
    }),
    verified: (c, dueOn) => ({
      subject: 'Votre identité est confirmée',
      paragraphs: [`Merci : votre identité est confirmée et nous traitons votre demande. Référence : ${c.requestId}.`, `Nous vous répondrons d’ici le ${day(dueOn)}.`],
    }),
    extended: (c, reason, originalDueOn, extendedDueOn) => ({
      subject: 'Nous avons besoin de plus de temps pour votre demande',
      paragraphs: [
        `Conformément à l’article 12, paragraphe 3, du RGPD, nous prolongeons le délai de réponse à votre demande (${ref(c)}) du ${day(originalDueOn)} au ${day(extendedDueOn)}.`,
        `Le motif : ${reason}`,
      ],
    }),
    refused: (c, ground, explanation, authority) => ({
      subject: 'Votre demande : notre décision',
      paragraphs: [
        `Nous ne donnons pas suite à votre demande ${TYPE_NAMES[c.type]} (${ref(c)}), car ${GROUND_TEXT[ground]}.`,
        `Nos motifs : ${explanation}`,
        `Vous avez le droit d’introduire une réclamation auprès d’une autorité de contrôle (${authority}) et de former un recours juridictionnel (article 12, paragraphe 4, et articles 77 et 79 du RGPD).`,
      ],
    }),
    clarification: (c, message) => ({
      subject: 'Votre demande : nous avons besoin de précisions',
      paragraphs: [`Pour répondre à votre demande (${ref(c)}), nous avons besoin de précisions :`, message, 'Le délai dont nous disposons pour vous répondre est suspendu jusqu’à votre réponse.'],
    }),
    completed: (c, outcome, more) => ({
      subject: 'Votre demande a été traitée',
      paragraphs: [`Nous avons traité votre demande ${TYPE_NAMES[c.type]} (${ref(c)}).`, 'Ce que nous avons fait :', outcome, ...more],
    }),
    withdrawn: (c) => ({ subject: 'Votre demande est retirée', paragraphs: [`Comme vous nous l’avez demandé, nous avons clôturé votre demande (${ref(c)}).`] }),
    duplicate: (c) => ({
      subject: 'Vous avez déjà une demande en cours',
      paragraphs: [
        `Nous avons reçu de votre part une nouvelle demande ${TYPE_NAMES[c.type]}. Votre demande précédente (${ref(c)}) est toujours en cours : c’est à celle-ci que nous répondrons, vous n’avez rien à faire.`,
      ],
    }),
    unverifiedReminder: (c, expiresOn, recordedFrom) => ({
      subject: 'Merci de confirmer votre demande',
      paragraphs: [
        recordedFrom
          ? `Nous avons enregistré la demande que vous nous avez transmise ${RECORDED_FROM[recordedFrom]} (${ref(c)}). Avant d’y donner suite, nous devons vérifier qu’il s’agit bien de vous : veuillez nous contacter à ${c.contact} en indiquant la référence, et nous confirmerons votre identité avec vous.`
          : `Votre demande (${ref(c)}) attend la confirmation de votre identité. Demandez un nouveau code depuis la page où vous l’avez déposée.`,
        `Si elle n’est pas confirmée d’ici le ${day(expiresOn)}, nous la clôturerons et supprimerons les informations que vous nous avez communiquées.`,
      ],
    }),
  },

  workflow: {
    unprovenSubjectId: (c) =>
      `Vous nous avez indiqué un identifiant de compte que nous n’avons pas pu confirmer comme étant le vôtre ; nous avons donc agi uniquement sur la base de votre adresse e-mail. Si vous avez un compte chez nous sous cet identifiant, contactez-nous à ${c.contact} en indiquant la référence, et nous le confirmerons avec vous.`,
    art19: {
      waived:
        'Notre équipe chargée de la protection des données informe par d’autres moyens les destinataires auxquels nous avons communiqué ces données (article 19 du RGPD) ; demandez-nous si vous souhaitez savoir de qui il s’agit et quand ils ont été informés.',
      nobody: 'D’après nos registres, nous n’avons communiqué ces données à personne en dehors de notre organisation : il n’y avait donc personne d’autre à informer (article 19 du RGPD).',
      told: (notices) =>
        `Nous avons informé les destinataires auxquels nous avons communiqué ces données (article 19 du RGPD) : ${list(notices.map((n) => `${n.recipient}, ${n.channel === 'email' ? 'par e-mail' : 'par un avis automatique adressé à ses systèmes'} le ${longDate('fr', n.sentAt)}`))}.`,
      unreached: (notices) =>
        `Nous n’avons pas pu informer ${list(notices.map((n) => `${n.recipient} (${UNREACHED[n.why]})`))}. Notre équipe chargée de la protection des données s’en chargera par un autre moyen ; vous pouvez nous demander quand ce sera fait.`,
    },
    exported: (c, type, link) => ({
      subject: type === 'access' ? 'Vos données personnelles sont prêtes' : 'Vos données sont prêtes à être emportées',
      paragraphs: [
        type === 'access'
          ? `Nous avons traité votre demande d’accès (${ref(c)}). L’archive contient une copie des données personnelles que nous détenons sur vous, et ce que nous en faisons : finalités, destinataires, durée de conservation, origine des données et vos droits.`
          : `Nous avons traité votre demande de copie portable des données que vous nous avez fournies (${ref(c)}). L’archive les contient aux formats JSON et CSV.`,
        ...(link
          ? [`Téléchargez-la ici : ${link.url}`, `Le lien fonctionne jusqu’au ${day(link.expiresOn)} et pour ${downloads(link.maxDownloads)} ; ensuite, le fichier est supprimé. ${keepPrivate}`]
          : ['L’archive n’a pas pu être préparée ; nous vous contacterons.']),
      ],
    }),
    rectified: (c, changed, untouched, handled) => ({
      subject: 'Vos données ont été rectifiées',
      paragraphs: [
        `Nous avons traité votre demande de rectification (${ref(c)}).`,
        ...(changed.length ? ['Ce qui a été modifié, et où :', ...changed.map((f) => `${f.field} : rectifié dans ${f.stores.join(', ')}`)] : []),
        ...(untouched.length
          ? [`Nos systèmes n’ont pas pu rectifier automatiquement : ${list(untouched.map(inSentence))} ; notre équipe chargée de la protection des données s’en est occupée : ${handled ?? 'nous vous contacterons'}.`]
          : []),
      ],
    }),
    erased: (c) => ({
      subject: 'Vos données ont été effacées',
      paragraphs: [`Nous avons traité votre demande d’effacement (${ref(c)}). Votre certificat d’effacement vous a été envoyé dans un e-mail séparé.`],
    }),
    restricted: (c) => ({
      subject: 'Le traitement de vos données est limité',
      paragraphs: [
        `Nous avons traité votre demande de limitation du traitement (${ref(c)}). Vos données personnelles sont désormais conservées, mais ne font l’objet d’aucun autre traitement. Nous vous informerons avant de lever cette limitation (article 18, paragraphe 3, du RGPD).`,
      ],
    }),
    objected: (c, purposes, unproven) => ({
      subject: 'Votre opposition est enregistrée',
      paragraphs: [
        unproven
          ? `Nous avons enregistré votre opposition (${ref(c)}) au traitement pour les finalités suivantes : ${list(purposes)}.`
          : `Nous avons enregistré votre opposition (${ref(c)}) et cessé de traiter vos données pour les finalités suivantes : ${list(purposes)}.`,
      ],
    }),
    packageLink: (c, type, link, left) => ({
      subject: type === 'access' ? 'Un nouveau lien vers vos données personnelles' : 'Un nouveau lien vers vos données',
      paragraphs: [
        `Voici un nouveau lien vers l’archive que nous avons préparée pour votre demande (${ref(c)}) : ${link.url}`,
        `Il fonctionne jusqu’au ${day(link.expiresOn)} et pour ${downloads(left, true)} ; les liens précédents vers la même archive comptent dans cette même limite. ${keepPrivate}`,
      ],
    }),
    certificate: (c) => ({
      subject: 'Votre certificat d’effacement',
      paragraphs: [
        `Nous avons effacé vos données personnelles (${ref(c)}). Votre certificat d’effacement est joint : ce que nous avons effacé, où et quand, et ce que nous devons conserver, avec la base légale et jusqu’à quand.`,
      ],
    }),
    liftNotice: (c, reason) => ({
      subject: 'Nous allons lever la limitation du traitement de vos données',
      paragraphs: [
        `Vous nous avez demandé de limiter le traitement de vos données personnelles (${ref(c)}). Avant de lever cette limitation, nous vous en informons (article 18, paragraphe 3, du RGPD).`,
        `Le motif : ${reason}`,
      ],
    }),
    art15Attached:
      'Vous trouverez en pièce jointe ce que vous avez le droit de savoir sur la manière dont nous traitons des données personnelles comme les vôtres (article 15 du RGPD) : pourquoi nous les utilisons et sur quelle base légale, qui les reçoit, combien de temps nous les conservons, d’où elles proviennent, et vos droits.',
  },
};
