import { readStructured } from './structured-file.js';

/**
 * How Lethe reaches a recipient of personal data to pass on a rectification, erasure or restriction
 * (Art 19). Recipients are named in the register and the subprocessor inventory; this file says how
 * to reach them, matched by name.
 */
export interface RecipientContact {
  name: string;
  email?: string;
  /** A signed webhook (Lethe-Signature, as for consent webhooks). */
  webhookUrl?: string;
  secret?: string;
}

export class RecipientsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`LETHE_RECIPIENTS is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RecipientsConfigError';
  }
}

/** LETHE_RECIPIENTS: a YAML or JSON file path, or inline JSON; a list or { recipients: [...] }. */
export function loadRecipients(value: string | undefined): RecipientContact[] {
  const raw = readStructured(value, (message) => new RecipientsConfigError([message]));
  return raw === undefined ? [] : parseRecipients(raw);
}

export function parseRecipients(raw: unknown): RecipientContact[] {
  const list = Array.isArray(raw) ? raw : (raw as { recipients?: unknown })?.recipients;
  if (!Array.isArray(list)) throw new RecipientsConfigError(['must be a list of recipients, or { recipients: [...] }']);
  const problems: string[] = [];
  const seen = new Set<string>();
  const out = list.map((item, i) => {
    const r = (item ?? {}) as Partial<RecipientContact>;
    const where = `recipients[${i}]${typeof r.name === 'string' ? ` (${r.name})` : ''}`;
    if (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 200) problems.push(`${where}.name must be the recipient's name as the register gives it`);
    else if (seen.has(r.name.toLowerCase())) problems.push(`${where}.name is listed twice`);
    else seen.add(r.name.toLowerCase());
    if (r.email === undefined && r.webhookUrl === undefined) problems.push(`${where} needs an email or a webhookUrl`);
    if (r.email !== undefined && (typeof r.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(r.email))) problems.push(`${where}.email must be an email address`);
    if (r.webhookUrl !== undefined) {
      if (typeof r.webhookUrl !== 'string' || !/^https?:\/\//.test(r.webhookUrl)) problems.push(`${where}.webhookUrl must be an http(s) URL`);
      if (typeof r.secret !== 'string' || r.secret.length < 32) problems.push(`${where}.secret must be at least 32 characters`);
    }
    return r as RecipientContact;
  });
  if (problems.length > 0) throw new RecipientsConfigError(problems);
  return out;
}
