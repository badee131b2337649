import type { Channel, RefusalGround, RequestType } from '../request.types.js';
import type { MailContext } from '../request.mail.js';
import type { Catalogue, Identity } from './requester-mail.catalogue.js';
import { inSentence, longDate } from './requester-mail.format.js';

/** English. Dates stay ISO days ("2026-12-23"), except Art 19 notice dates, which are in words. */

const TYPE_NAMES: Record<RequestType, string> = {
  access: 'access to your personal data',
  portability: 'a copy of your data to take elsewhere',
  rectification: 'correction of your personal data',
  erasure: 'erasure of your personal data',
  restriction: 'restriction of processing',
  objection: 'objection to processing',
};

const GROUND_TEXT: Record<RefusalGround, string> = {
  manifestly_unfounded: 'the request is manifestly unfounded (Art 12(5))',
  excessive: 'the request is excessive, in particular because of its repetitive character (Art 12(5))',
  identity_not_verified: 'we could not verify your identity (Art 12(2), 12(6))',
  exemption: 'an exemption provided by law applies',
};

const RECORDED_FROM: Record<Channel, string> = { post: 'by post', phone: 'by phone', email: 'by email', in_person: 'in person', web: 'online', iam: 'online', authorized_agent: 'through your authorized agent' };

const IDENTITY_TEXT: Record<Identity, (c: MailContext) => string> = {
  confirmed: () => 'Your identity is confirmed.',
  not_needed: () => 'We do not need to confirm your identity for this request.',
  code: () => 'To protect your data we first need to confirm it is you: we are sending a verification code in a separate email.',
  with_counsel: (c) => `To protect your data we first need to confirm it is you. Our privacy team will contact you to do that; you can also contact us at ${c.contact}, quoting the reference.`,
};

const UNREACHED = { no_contact: 'we hold no way to reach them automatically', queued: 'our notice has not been delivered yet', failed: 'our notice could not be delivered' };

const ref = (c: MailContext) => `Reference: ${c.requestId}`;
const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
const keepPrivate = 'Keep this email private: anyone with the link can download the package.';

export const en: Catalogue = {
  hello: (name) => (name ? `Dear ${name},` : 'Hello,'),
  footer: (controller, contact) => `${controller} — privacy contact: ${contact}`,

  request: {
    received: (c, dueOn, identity, follow) => ({
      subject: `We received your request (${c.type})`,
      paragraphs: [
        `We received your request for ${TYPE_NAMES[c.type]}. ${ref(c)}.`,
        IDENTITY_TEXT[identity](c),
        `We will answer by ${dueOn} at the latest.`,
        ...(follow
          ? [
              `To see where your request stands, enter your code, download your data when it is ready, or withdraw the request, open this link: ${follow.pageUrl}`,
              `Anyone with this email can do the same, so keep it private; you can also simply reply to us and quote the reference.`,
              `For an app you trust: the status key is ${follow.statusToken}, sent in the X-Request-Token header to ${follow.statusUrl}.`,
            ]
          : []),
      ],
    }),
    code: (c, code, minutes) => ({
      subject: `Your verification code: ${code}`,
      paragraphs: [`Your code to confirm your request ${c.requestId} is:`, code, `It is valid for ${minutes} minutes. If you did not make this request, ignore this email.`],
    }),
    verified: (c, dueOn) => ({
      subject: 'Your identity is confirmed',
      paragraphs: [`Thank you: your identity is confirmed and we are working on your request. ${ref(c)}.`, `We will answer by ${dueOn}.`],
    }),
    extended: (c, reason, originalDueOn, extendedDueOn) => ({
      subject: 'We need more time for your request',
      paragraphs: [`Under Article 12(3) of the GDPR we are extending the time to answer your request (${ref(c)}) from ${originalDueOn} to ${extendedDueOn}.`, `The reason: ${reason}`],
    }),
    refused: (c, ground, explanation, authority) => ({
      subject: 'Your request: our decision',
      paragraphs: [
        `We are not taking action on your request for ${TYPE_NAMES[c.type]} (${ref(c)}), because ${GROUND_TEXT[ground]}.`,
        `Our reasons: ${explanation}`,
        `You have the right to lodge a complaint with a supervisory authority (${authority}), and the right to seek a judicial remedy before the courts (Articles 12(4), 77 and 79 GDPR).`,
      ],
    }),
    clarification: (c, message) => ({
      subject: 'About your request: we need more information',
      paragraphs: [`To answer your request (${ref(c)}) we need more information:`, message, 'The time we have to answer is paused until we hear from you.'],
    }),
    completed: (c, outcome, more) => ({
      subject: 'Your request is complete',
      paragraphs: [`We have completed your request for ${TYPE_NAMES[c.type]} (${ref(c)}).`, 'What we did:', outcome, ...more],
    }),
    withdrawn: (c) => ({ subject: 'Your request is withdrawn', paragraphs: [`As you asked, we have closed your request (${ref(c)}).`] }),
    duplicate: (c) => ({
      subject: 'You already have an open request',
      paragraphs: [`We received another request for ${TYPE_NAMES[c.type]} from you. Your earlier request (${ref(c)}) is still open, so we are answering that one; you do not need to do anything.`],
    }),
    unverifiedReminder: (c, expiresOn, recordedFrom) => ({
      subject: 'Please confirm your request',
      paragraphs: [
        recordedFrom
          ? `We recorded the request you sent us ${RECORDED_FROM[recordedFrom]} (${ref(c)}). Before we act on it we need to confirm it is you: please contact us at ${c.contact}, quoting the reference, and we will confirm your identity with you.`
          : `Your request (${ref(c)}) is waiting for you to confirm your identity. Ask for a new code from the page where you made it.`,
        `If it is not confirmed by ${expiresOn}, we will close it and delete the details you gave us.`,
      ],
    }),
  },

  workflow: {
    unprovenSubjectId: (c) =>
      `You gave us an account id that we could not confirm as yours, so we acted on your email address only. If you have an account with us under that id, contact us at ${c.contact} quoting the reference, and we will confirm it with you.`,
    art19: {
      waived: 'Our privacy team is telling those to whom we disclosed this data by other means (Art 19); ask us if you want to know who they are and when they were told.',
      nobody: 'Our records show no one outside our organisation to whom we disclosed this data, so there was no one else to tell (Art 19).',
      told: (notices) =>
        `We told those to whom we disclosed this data (Art 19): ${list(notices.map((n) => `${n.recipient}, ${n.channel === 'email' ? 'by email' : 'by an automated notice to their systems'} on ${longDate('en-GB', n.sentAt)}`))}.`,
      unreached: (notices) =>
        `We could not tell ${list(notices.map((n) => `${n.recipient} (${UNREACHED[n.why]})`))}. Our privacy team will contact them another way; you may ask us when that is done.`,
    },
    exported: (c, type, link) => ({
      subject: type === 'access' ? 'Your personal data is ready' : 'Your data is ready to take with you',
      paragraphs: [
        type === 'access'
          ? `We have completed your request for access (${ref(c)}.) The package holds a copy of the personal data we hold about you, and what we do with it: purposes, recipients, how long we keep it, where it came from and your rights.`
          : `We have completed your request for a portable copy of the data you gave us (${ref(c)}.) The package holds it as JSON and CSV.`,
        ...(link
          ? [`Download it here: ${link.url}`, `The link works until ${link.expiresOn} and for ${link.maxDownloads} downloads; then the file is deleted. ${keepPrivate}`]
          : ['The package could not be prepared; we will contact you.']),
      ],
    }),
    rectified: (c, changed, untouched, handled) => ({
      subject: 'Your data has been corrected',
      paragraphs: [
        `We have completed your request for correction (${ref(c)}.)`,
        ...(changed.length ? ['What changed, and where:', ...changed.map((f) => `${f.field}: corrected in ${f.stores.join(', ')}`)] : []),
        ...(untouched.length
          ? [`Our systems could not correct ${list(untouched.map(inSentence))} automatically; our privacy team handled ${untouched.length > 1 ? 'them' : 'it'}: ${handled ?? 'we will contact you'}.`]
          : []),
      ],
    }),
    erased: (c) => ({
      subject: 'Your data has been erased',
      paragraphs: [`We have completed your request for erasure (${ref(c)}.) Your erasure certificate was sent in a separate email.`],
    }),
    restricted: (c) => ({
      subject: 'Processing of your data is restricted',
      paragraphs: [`We have completed your request for restriction (${ref(c)}.) Your personal data is now kept but not otherwise processed. We will tell you before we lift the restriction (Art 18(3)).`],
    }),
    objected: (c, purposes, unproven) => ({
      subject: 'Your objection is recorded',
      paragraphs: [
        unproven
          ? `We have recorded your objection (${ref(c)}.) to processing for: ${list(purposes)}.`
          : `We have recorded your objection (${ref(c)}.) and stopped processing your data for: ${list(purposes)}.`,
      ],
    }),
    packageLink: (c, type, link, left) => ({
      subject: type === 'access' ? 'A new link to your personal data' : 'A new link to your data',
      paragraphs: [
        `Here is a new link to the package we prepared for your request (reference: ${c.requestId}): ${link.url}`,
        `It works until ${link.expiresOn} and for ${left} more download${left === 1 ? '' : 's'}; earlier links to the same package count towards the same limit. ${keepPrivate}`,
      ],
    }),
    certificate: (c) => ({
      subject: 'Your erasure certificate',
      paragraphs: [`We have erased your personal data (reference: ${c.requestId}). Your erasure certificate is attached: what we erased, where and when, and anything we must keep, with the legal ground and until when.`],
    }),
    liftNotice: (c, reason) => ({
      subject: 'We are going to lift the restriction on your data',
      paragraphs: [
        `You asked us to restrict the processing of your personal data (reference: ${c.requestId}). Before we do so, we are letting you know that this restriction will be lifted (Art 18(3) GDPR).`,
        `Why: ${reason}`,
      ],
    }),
    art15Attached:
      'Attached is what you are entitled to know about how we process personal data like yours (Art 15 GDPR): why we use it and on what legal basis, who receives it, how long we keep it, where it comes from, and your rights.',
  },
};
