import type { Channel, RefusalGround, RequestType } from '../request.types.js';
import type { MailContext } from '../request.mail.js';
import type { Catalogue, Identity } from './requester-mail.catalogue.js';
import { isOne, listOf, longDate, longDay } from './requester-mail.format.js';

/** Deutsch, in der Sie-Form. Daten als "23. Dezember 2026"; Rechtsverweise als "Art. 12 Abs. 3 DSGVO". */

/** "Ihren Antrag auf …" */
const TYPE_NAMES: Record<RequestType, string> = {
  access: 'Auskunft über Ihre personenbezogenen Daten',
  portability: 'eine Kopie Ihrer Daten zur Übertragung an einen anderen Anbieter',
  rectification: 'Berichtigung Ihrer personenbezogenen Daten',
  erasure: 'Löschung Ihrer personenbezogenen Daten',
  restriction: 'Einschränkung der Verarbeitung',
  objection: 'Beendigung der Verarbeitung (Widerspruch)',
};

/** For subjects: "Wir haben Ihren Antrag erhalten (Auskunft)". */
const TYPE_SHORT: Record<RequestType, string> = {
  access: 'Auskunft',
  portability: 'Datenübertragbarkeit',
  rectification: 'Berichtigung',
  erasure: 'Löschung',
  restriction: 'Einschränkung der Verarbeitung',
  objection: 'Widerspruch',
};

/** "…, weil …" */
const GROUND_TEXT: Record<RefusalGround, string> = {
  manifestly_unfounded: 'der Antrag offenkundig unbegründet ist (Art. 12 Abs. 5 DSGVO)',
  excessive: 'der Antrag exzessiv ist, insbesondere wegen häufiger Wiederholung (Art. 12 Abs. 5 DSGVO)',
  identity_not_verified: 'wir Ihre Identität nicht überprüfen konnten (Art. 12 Abs. 2 und Abs. 6 DSGVO)',
  exemption: 'eine gesetzliche Ausnahme greift',
};

/** "den Sie uns … übermittelt haben" */
const RECORDED_FROM: Record<Channel, string> = { post: 'per Post', phone: 'telefonisch', email: 'per E-Mail', in_person: 'persönlich', web: 'online', iam: 'online', authorized_agent: 'über Ihren bevollmächtigten Vertreter' };

const IDENTITY_TEXT: Record<Identity, (c: MailContext) => string> = {
  confirmed: () => 'Ihre Identität ist bestätigt.',
  not_needed: () => 'Für diesen Antrag müssen wir Ihre Identität nicht bestätigen.',
  code: () => 'Zum Schutz Ihrer Daten müssen wir zuerst bestätigen, dass Sie es sind: Wir senden Ihnen dazu einen Bestätigungscode in einer separaten E-Mail.',
  with_counsel: (c) =>
    `Zum Schutz Ihrer Daten müssen wir zuerst bestätigen, dass Sie es sind. Unser Datenschutzteam meldet sich dazu bei Ihnen; Sie können sich auch unter Angabe der Vorgangsnummer an ${c.contact} wenden.`,
};

const UNREACHED = { no_contact: 'wir haben keine Möglichkeit, sie automatisch zu erreichen', queued: 'unsere Mitteilung wurde noch nicht zugestellt', failed: 'unsere Mitteilung konnte nicht zugestellt werden' };

const day = (iso: string) => longDay('de', iso);
const list = (items: string[]) => listOf('de', items);
const ref = (c: MailContext) => `Vorgangsnummer: ${c.requestId}`;
const downloads = (n: number, more = false) => `${n} ${more ? (isOne('de', n) ? 'weiteren ' : 'weitere ') : ''}${isOne('de', n) ? 'Download' : 'Downloads'}`;
const keepPrivate = 'Behandeln Sie diese E-Mail vertraulich: Jede Person, die den Link hat, kann das Paket herunterladen.';

export const de: Catalogue = {
  hello: (name) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
  footer: (controller, contact) => `${controller} — Datenschutzkontakt: ${contact}`,

  request: {
    received: (c, dueOn, identity, follow) => ({
      subject: `Wir haben Ihren Antrag erhalten (${TYPE_SHORT[c.type]})`,
      paragraphs: [
        `Wir haben Ihren Antrag auf ${TYPE_NAMES[c.type]} erhalten. ${ref(c)}.`,
        IDENTITY_TEXT[identity](c),
        `Wir antworten Ihnen spätestens bis zum ${day(dueOn)}.`,
        ...(follow
          ? [
              `Über diesen Link sehen Sie, wie weit Ihr Antrag ist, können Ihren Code eingeben, Ihre Daten herunterladen, sobald sie bereitstehen, oder den Antrag zurückziehen: ${follow.pageUrl}`,
              'Das kann jede Person, der diese E-Mail vorliegt; behandeln Sie sie deshalb vertraulich. Sie können uns auch einfach antworten und dabei die Vorgangsnummer angeben.',
              `Für eine App, der Sie vertrauen: Der Statusschlüssel lautet ${follow.statusToken}; die App sendet ihn im Header X-Request-Token an ${follow.statusUrl}.`,
            ]
          : []),
      ],
    }),
    code: (c, code, minutes) => ({
      subject: `Ihr Bestätigungscode: ${code}`,
      paragraphs: [
        `Ihr Code zur Bestätigung Ihres Antrags ${c.requestId} lautet:`,
        code,
        `Er ist ${minutes} ${isOne('de', minutes) ? 'Minute' : 'Minuten'} lang gültig. Wenn Sie diesen Antrag nicht gestellt haben, ignorieren Sie diese E-Mail bitte.`,
      ],
    }),
    verified: (c, dueOn) => ({
      subject: 'Ihre Identität ist bestätigt',
      paragraphs: [`Vielen Dank: Ihre Identität ist bestätigt, und wir bearbeiten Ihren Antrag. ${ref(c)}.`, `Wir antworten Ihnen bis zum ${day(dueOn)}.`],
    }),
    extended: (c, reason, originalDueOn, extendedDueOn) => ({
      subject: 'Wir benötigen mehr Zeit für Ihren Antrag',
      paragraphs: [
        `Gemäß Art. 12 Abs. 3 DSGVO verlängern wir die Frist für die Beantwortung Ihres Antrags (${ref(c)}) vom ${day(originalDueOn)} auf den ${day(extendedDueOn)}.`,
        `Der Grund: ${reason}`,
      ],
    }),
    refused: (c, ground, explanation, authority) => ({
      subject: 'Ihr Antrag: unsere Entscheidung',
      paragraphs: [
        `Wir kommen Ihrem Antrag auf ${TYPE_NAMES[c.type]} (${ref(c)}) nicht nach, weil ${GROUND_TEXT[ground]}.`,
        `Unsere Gründe: ${explanation}`,
        `Sie haben das Recht, sich bei einer Aufsichtsbehörde zu beschweren (${authority}), und das Recht, einen gerichtlichen Rechtsbehelf einzulegen (Art. 12 Abs. 4, Art. 77 und Art. 79 DSGVO).`,
      ],
    }),
    clarification: (c, message) => ({
      subject: 'Zu Ihrem Antrag: Wir benötigen weitere Angaben',
      paragraphs: [`Um Ihren Antrag (${ref(c)}) beantworten zu können, benötigen wir weitere Angaben:`, message, 'Bis wir von Ihnen hören, ruht die Frist für unsere Antwort.'],
    }),
    completed: (c, outcome, more) => ({
      subject: 'Ihr Antrag ist abgeschlossen',
      paragraphs: [`Wir haben Ihren Antrag auf ${TYPE_NAMES[c.type]} (${ref(c)}) abgeschlossen.`, 'Was wir getan haben:', outcome, ...more],
    }),
    withdrawn: (c) => ({ subject: 'Ihr Antrag ist zurückgezogen', paragraphs: [`Wie von Ihnen gewünscht, haben wir Ihren Antrag (${ref(c)}) geschlossen.`] }),
    duplicate: (c) => ({
      subject: 'Sie haben bereits einen offenen Antrag',
      paragraphs: [
        `Wir haben von Ihnen einen weiteren Antrag auf ${TYPE_NAMES[c.type]} erhalten. Ihr früherer Antrag (${ref(c)}) ist noch offen, und wir beantworten diesen; Sie müssen nichts weiter tun.`,
      ],
    }),
    unverifiedReminder: (c, expiresOn, recordedFrom) => ({
      subject: 'Bitte bestätigen Sie Ihren Antrag',
      paragraphs: [
        recordedFrom
          ? `Wir haben den Antrag erfasst, den Sie uns ${RECORDED_FROM[recordedFrom]} übermittelt haben (${ref(c)}). Bevor wir ihn bearbeiten, müssen wir bestätigen, dass Sie es sind: Bitte wenden Sie sich unter Angabe der Vorgangsnummer an ${c.contact}; wir bestätigen Ihre Identität dann gemeinsam mit Ihnen.`
          : `Ihr Antrag (${ref(c)}) wartet darauf, dass Sie Ihre Identität bestätigen. Einen neuen Code können Sie auf der Seite anfordern, auf der Sie den Antrag gestellt haben.`,
        `Ist er bis zum ${day(expiresOn)} nicht bestätigt, schließen wir ihn und löschen die Angaben, die Sie uns gemacht haben.`,
      ],
    }),
  },

  workflow: {
    unprovenSubjectId: (c) =>
      `Sie haben uns eine Kontokennung genannt, die wir nicht als Ihre bestätigen konnten; deshalb sind wir nur anhand Ihrer E-Mail-Adresse tätig geworden. Wenn Sie unter dieser Kennung ein Konto bei uns haben, wenden Sie sich unter Angabe der Vorgangsnummer an ${c.contact}; wir bestätigen sie dann gemeinsam mit Ihnen.`,
    art19: {
      waived:
        'Unser Datenschutzteam informiert die Empfänger, denen wir diese Daten offengelegt haben, auf anderem Weg (Art. 19 DSGVO); fragen Sie uns, wenn Sie wissen möchten, wer sie sind und wann sie informiert wurden.',
      nobody: 'Laut unseren Unterlagen haben wir diese Daten niemandem außerhalb unserer Organisation offengelegt; es war also niemand weiter zu informieren (Art. 19 DSGVO).',
      told: (notices) =>
        `Wir haben die Empfänger informiert, denen wir diese Daten offengelegt haben (Art. 19 DSGVO): ${list(notices.map((n) => `${n.recipient}, ${n.channel === 'email' ? 'per E-Mail' : 'durch eine automatische Mitteilung an ihre Systeme'} am ${longDate('de', n.sentAt)}`))}.`,
      unreached: (notices) =>
        `Nicht informieren konnten wir ${list(notices.map((n) => `${n.recipient} (${UNREACHED[n.why]})`))}. Unser Datenschutzteam wird sie auf anderem Weg benachrichtigen; Sie können uns fragen, wann das geschehen ist.`,
    },
    exported: (c, type, link) => ({
      subject: type === 'access' ? 'Ihre personenbezogenen Daten stehen bereit' : 'Ihre Daten stehen zur Mitnahme bereit',
      paragraphs: [
        type === 'access'
          ? `Wir haben Ihren Antrag auf Auskunft (${ref(c)}) abgeschlossen. Das Paket enthält eine Kopie der personenbezogenen Daten, die wir über Sie gespeichert haben, und was wir damit tun: Zwecke, Empfänger, wie lange wir sie speichern, woher sie stammen und welche Rechte Sie haben.`
          : `Wir haben Ihren Antrag auf eine übertragbare Kopie der Daten, die Sie uns bereitgestellt haben, abgeschlossen (${ref(c)}). Das Paket enthält sie als JSON und CSV.`,
        ...(link
          ? [`Hier können Sie es herunterladen: ${link.url}`, `Der Link funktioniert bis zum ${day(link.expiresOn)} und für ${downloads(link.maxDownloads)}; danach wird die Datei gelöscht. ${keepPrivate}`]
          : ['Das Paket konnte nicht erstellt werden; wir melden uns bei Ihnen.']),
      ],
    }),
    rectified: (c, changed, untouched, handled) => ({
      subject: 'Ihre Daten wurden berichtigt',
      paragraphs: [
        `Wir haben Ihren Antrag auf Berichtigung (${ref(c)}) abgeschlossen.`,
        ...(changed.length ? ['Was wir wo geändert haben:', ...changed.map((f) => `${f.field}: berichtigt in ${f.stores.join(', ')}`)] : []),
        // Labels are nouns: German keeps their capital letter mid-sentence.
        ...(untouched.length ? [`Unsere Systeme konnten ${list(untouched)} nicht automatisch berichtigen; darum hat sich unser Datenschutzteam gekümmert: ${handled ?? 'wir melden uns bei Ihnen'}.`] : []),
      ],
    }),
    erased: (c) => ({
      subject: 'Ihre Daten wurden gelöscht',
      paragraphs: [`Wir haben Ihren Antrag auf Löschung (${ref(c)}) abgeschlossen. Ihre Löschbestätigung haben wir Ihnen in einer separaten E-Mail geschickt.`],
    }),
    restricted: (c) => ({
      subject: 'Die Verarbeitung Ihrer Daten ist eingeschränkt',
      paragraphs: [
        `Wir haben Ihren Antrag auf Einschränkung der Verarbeitung (${ref(c)}) abgeschlossen. Ihre personenbezogenen Daten werden jetzt nur noch gespeichert und nicht anderweitig verarbeitet. Bevor wir die Einschränkung aufheben, teilen wir Ihnen das mit (Art. 18 Abs. 3 DSGVO).`,
      ],
    }),
    objected: (c, purposes, unproven) => ({
      subject: 'Ihr Widerspruch ist erfasst',
      paragraphs: [
        unproven
          ? `Wir haben Ihren Widerspruch (${ref(c)}) gegen die Verarbeitung für folgende Zwecke erfasst: ${list(purposes)}.`
          : `Wir haben Ihren Widerspruch (${ref(c)}) erfasst und verarbeiten Ihre Daten nicht mehr für folgende Zwecke: ${list(purposes)}.`,
      ],
    }),
    packageLink: (c, type, link, left) => ({
      subject: type === 'access' ? 'Ein neuer Link zu Ihren personenbezogenen Daten' : 'Ein neuer Link zu Ihren Daten',
      paragraphs: [
        `Hier ist ein neuer Link zu dem Paket, das wir für Ihren Antrag (${ref(c)}) vorbereitet haben: ${link.url}`,
        `Er funktioniert bis zum ${day(link.expiresOn)} und für ${downloads(left, true)}; frühere Links zum selben Paket zählen zu derselben Grenze. ${keepPrivate}`,
      ],
    }),
    certificate: (c) => ({
      subject: 'Ihre Löschbestätigung',
      paragraphs: [
        `Wir haben Ihre personenbezogenen Daten gelöscht (${ref(c)}). Ihre Löschbestätigung finden Sie im Anhang: was wir wo und wann gelöscht haben und was wir aufbewahren müssen, mit der Rechtsgrundlage und bis wann.`,
      ],
    }),
    liftNotice: (c, reason) => ({
      subject: 'Wir werden die Einschränkung der Verarbeitung Ihrer Daten aufheben',
      paragraphs: [
        `Sie haben uns gebeten, die Verarbeitung Ihrer personenbezogenen Daten einzuschränken (${ref(c)}). Bevor wir diese Einschränkung aufheben, teilen wir Ihnen das mit (Art. 18 Abs. 3 DSGVO).`,
        `Der Grund: ${reason}`,
      ],
    }),
    art15Attached:
      'Im Anhang finden Sie, was Sie darüber erfahren dürfen, wie wir personenbezogene Daten wie Ihre verarbeiten (Art. 15 DSGVO): warum wir sie verwenden und auf welcher Rechtsgrundlage, wer sie erhält, wie lange wir sie speichern, woher sie stammen und welche Rechte Sie haben.',
  },
};
