import { art19Paragraphs, Art19Outcome } from './workflow.mail.js';

const at = new Date('2026-03-02T10:00:00Z');
const notice = (recipient: string, channel: 'email' | 'webhook' | 'none', status: 'queued' | 'sent' | 'failed' | 'no_contact', sentAt: Date | null = null) => ({ recipient, channel, status, sentAt });

describe('what the requester is told of Art 19 notices', () => {
  it.each<[string, Art19Outcome, string[], string[]]>([
    [
      'delivered by email and webhook: named, with how and when',
      { notices: [notice('Mailer Co', 'email', 'sent', at), notice('Analytics Ltd', 'webhook', 'sent', at)], notifyStep: { status: 'succeeded' } },
      ['We told those to whom we disclosed this data (Art 19): Mailer Co, by email on 2 March 2026 and Analytics Ltd, by an automated notice to their systems on 2 March 2026.'],
      ['could not'],
    ],
    [
      'no contact: named as not reached, counsel will contact them, never claimed as told',
      { notices: [notice('Mailer Co', 'email', 'sent', at), notice('Partner Shops', 'none', 'no_contact')], notifyStep: { status: 'succeeded' } },
      ['Mailer Co, by email on 2 March 2026.', 'We could not tell Partner Shops (we hold no way to reach them automatically). Our privacy team will contact them another way'],
      ['told those to whom we disclosed this data (Art 19): Mailer Co, by email on 2 March 2026 and Partner'],
    ],
    [
      'every delivery failed: not told',
      { notices: [notice('Analytics Ltd', 'webhook', 'failed')], notifyStep: { status: 'succeeded' } },
      ['We could not tell Analytics Ltd (our notice could not be delivered).'],
      ['We told'],
    ],
    [
      'still queued: not claimed',
      { notices: [notice('Analytics Ltd', 'webhook', 'queued')], notifyStep: { status: 'succeeded' } },
      ['not been delivered yet'],
      ['We told'],
    ],
    [
      'a sent status without a time is not claimed either',
      { notices: [notice('Analytics Ltd', 'webhook', 'sent', null)], notifyStep: { status: 'succeeded' } },
      ['We could not tell Analytics Ltd'],
      ['We told'],
    ],
    ['no recipients: nobody to tell, said so', { notices: [], notifyStep: { status: 'succeeded' } }, ['there was no one else to tell'], ['We told', 'could not']],
    ['the notify step waived by counsel: no claim, counsel handles it', { notices: [], notifyStep: { status: 'waived' } }, ['Our privacy team is telling'], ['We told', 'no one else']],
  ])('%s', (_rule, outcome, contains, lacks) => {
    const text = art19Paragraphs(outcome).join(' ');
    for (const c of contains) expect(text).toContain(c);
    for (const l of lacks) expect(text).not.toContain(l);
  });
});
