import type { ReactNode } from 'react';
import type { Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import type { Tone } from '../../ui/Badge';

const m = messages.auditor.register;

export const STATUS_TONE: Record<string, Tone> = { draft: 'warn', active: 'ok', retired: 'neutral' };

export type RegisterDocument = Schema<'RegisterRecordDto'>;
type Party = Schema<'PartyDto'>;

/** The order fields are shown in: Art 30(1) first, then Art 30(2). */
export const FIELD_ORDER = [
  'kind',
  'status',
  'description',
  'controller',
  'jointControllers',
  'representative',
  'dpo',
  'purposes',
  'dataSubjectCategories',
  'dataCategories',
  'recipients',
  'transfers',
  'retention',
  'securityMeasures',
  'sources',
  'automatedDecisionMaking',
  'systems',
  'processor',
  'controllersServed',
  'processingCategories',
  'reviewedAt',
] as const;

export function fieldLabel(field: string): string {
  return m.fields[field] ?? field;
}

/** "retention[0].duration" → the top-level field's words, and the rest of the path when it goes deeper. */
export function pathLabel(path: string): { label: string; rest: string | null } {
  const top = /^[A-Za-z]+/.exec(path)?.[0] ?? path;
  return { label: fieldLabel(top), rest: path === top ? null : path };
}

const words = (key: string) => key.replace(/_/g, ' ');
const party = (p: Party) => [p.name, p.contact, p.address].filter(Boolean).join(', ');

function list(items: ReadonlyArray<ReactNode>): ReactNode {
  if (items.length === 0) return messages.auditor.none;
  if (items.length === 1) return items[0];
  return (
    <ul className="plain-list">
      {items.map((item, i) => (
        <li key={i}>{item}</li>
      ))}
    </ul>
  );
}

/** A register field's value in words (falls back to its JSON for shapes it does not know). */
export function describeField(field: string, value: unknown): ReactNode {
  if (value === undefined || value === null || value === '') return <span className="muted">{m.absent}</span>;
  const doc = { [field]: value } as Partial<RegisterDocument>;
  switch (field) {
    case 'kind':
      return m.kind[String(value)] ?? String(value);
    case 'status':
      return m.status[String(value)] ?? String(value);
    case 'reviewedAt':
      return formatInstant(String(value));
    case 'controller':
    case 'representative':
    case 'dpo':
    case 'processor':
      return party(value as Party);
    case 'jointControllers':
      return list((doc.jointControllers ?? []).map((p) => [party(p), p.responsibilities].filter(Boolean).join(' — ')));
    case 'controllersServed':
      return list((doc.controllersServed ?? []).map(party));
    case 'purposes':
      return list((doc.purposes ?? []).map((p) => fmt(m.lawfulBasis, { purpose: p.purpose, basis: words(p.lawfulBasis) })));
    case 'recipients':
      return list((doc.recipients ?? []).map((r) => `${r.name} (${words(r.type)})`));
    case 'transfers':
      return list((doc.transfers ?? []).map((t) => `${t.recipient}, ${t.country} — ${words(t.mechanism)}; ${t.documentation}`));
    case 'retention':
      return list(
        (doc.retention ?? []).map((r) =>
          fmt(m.retentionRule, { category: r.dataCategory, rule: [r.duration, r.trigger, r.criteria].filter(Boolean).join(', ') || m.absent }),
        ),
      );
    case 'sources':
      return list((doc.sources ?? []).map((s) => (s.dataCategory ? `${s.source} (${s.dataCategory})` : s.source)));
    case 'automatedDecisionMaking': {
      const a = doc.automatedDecisionMaking!;
      return a.exists ? fmt(m.automatedYes, { logic: [a.logic, a.significance].filter(Boolean).join('; ') }) : m.automatedNone;
    }
    default:
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return list(value as string[]);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      return <code className="json">{JSON.stringify(value)}</code>;
  }
}

/** A value inside a diff: a whole field in words, a nested value as JSON. */
export function describeDiffValue(path: string, value: unknown): ReactNode {
  if (value === undefined) return <span className="muted">{m.absent}</span>;
  if (/^[A-Za-z]+$/.test(path)) return describeField(path, value);
  if (typeof value === 'string') return value;
  return <code className="json">{JSON.stringify(value)}</code>;
}

/**
 * A completeness gap in words. The API names the field and the article, e.g.
 * "securityMeasures (Art 30(1)(g))", "retention for contact.email (Art 30(1)(f))", "transfers[US].documentation".
 */
export function describeMissing(missing: string): string {
  const retention = /^retention for (\S+)(.*)$/.exec(missing);
  if (retention) return `${fmt(m.missingRetention, { category: retention[1]! })}${retention[2]}`;
  const docs = /^transfers\[([^\]]+)\]\.documentation$/.exec(missing);
  if (docs) return fmt(m.missingTransferDocs, { country: docs[1]! });
  const field = /^([A-Za-z]+)(.*)$/.exec(missing);
  if (field && m.fields[field[1]!]) return `${m.fields[field[1]!]}${field[2]}`;
  return missing;
}
