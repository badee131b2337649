import { canonicalJson } from '../../common/crypto.js';

/** The content of an Art 30 record as stored in each version (validated by the DTOs in register.dto.ts). */
export interface Party {
  name: string;
  contact: string;
  address?: string;
}

export interface RegisterDocument {
  kind: 'activity' | 'processor_record';
  name: string;
  description?: string;
  status: 'draft' | 'active' | 'retired';
  /** Art 30(1)(a): controller, joint controllers, representative, DPO. */
  controller?: Party;
  jointControllers?: (Party & { responsibilities?: string })[];
  representative?: Party;
  dpo?: Party;
  /** Art 30(1)(b): purposes (catalogue keys) and the lawful basis of each. */
  purposes?: { purpose: string; lawfulBasis: string; specialCategoryCondition?: string }[];
  /** Art 30(1)(c) */
  dataSubjectCategories?: string[];
  dataCategories?: string[];
  /** Art 30(1)(d) */
  recipients?: { type: 'internal' | 'processor' | 'subprocessor' | 'third_party' | 'public_authority'; name: string; subprocessorId?: string; dataCategories?: string[] }[];
  /** Art 30(1)(e), 30(2)(c) */
  transfers?: { country: string; recipient: string; mechanism: 'adequacy' | 'sccs' | 'bcrs' | 'art49_derogation'; documentation: string }[];
  /** Art 30(1)(f): per data category, an ISO 8601 duration and trigger, or criteria. */
  retention?: { dataCategory: string; duration?: string; trigger?: string; criteria?: string }[];
  /** Art 30(1)(g), 30(2)(d), Art 32(1) */
  securityMeasures?: string;
  /** Art 14(2)(f): where data not collected from the subject comes from. */
  sources?: { dataCategory?: string; source: string }[];
  /** Art 22 */
  automatedDecisionMaking?: { exists: boolean; logic?: string; significance?: string };
  /** Data stores (adapter ids) holding the data. */
  systems?: string[];
  /** Art 30(2): the processor, each controller it acts for, categories of processing. */
  processor?: Party;
  controllersServed?: Party[];
  processingCategories?: string[];
  reviewedAt?: string;
}

/** Art 30 fields a record still lacks. Drafts may have gaps; the gaps are visible. */
export function missingFields(doc: RegisterDocument): string[] {
  const missing: string[] = [];
  const need = (ok: boolean, field: string) => {
    if (!ok) missing.push(field);
  };
  const filled = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '');
  if (doc.kind === 'activity') {
    need(filled(doc.controller), 'controller (Art 30(1)(a))');
    need(filled(doc.purposes), 'purposes (Art 30(1)(b))');
    need(filled(doc.dataSubjectCategories), 'dataSubjectCategories (Art 30(1)(c))');
    need(filled(doc.dataCategories), 'dataCategories (Art 30(1)(c))');
    need(doc.recipients !== undefined, 'recipients (Art 30(1)(d); [] for none)');
    need(doc.transfers !== undefined, 'transfers (Art 30(1)(e); [] for none)');
    for (const category of doc.dataCategories ?? []) {
      const rule = doc.retention?.find((r) => r.dataCategory === category);
      need(rule !== undefined && (filled(rule.duration) || filled(rule.criteria)), `retention for ${category} (Art 30(1)(f))`);
    }
    need(filled(doc.securityMeasures), 'securityMeasures (Art 30(1)(g))');
    need(doc.automatedDecisionMaking !== undefined, 'automatedDecisionMaking (Art 22; exists: false for none)');
  } else {
    need(filled(doc.processor), 'processor (Art 30(2)(a))');
    need(filled(doc.controllersServed), 'controllersServed (Art 30(2)(a))');
    need(filled(doc.processingCategories), 'processingCategories (Art 30(2)(b))');
    need(doc.transfers !== undefined, 'transfers (Art 30(2)(c); [] for none)');
    need(filled(doc.securityMeasures), 'securityMeasures (Art 30(2)(d))');
  }
  for (const t of doc.transfers ?? []) need(filled(t.documentation), `transfers[${t.country}].documentation`);
  return missing;
}

/**
 * Where an activity's lawful basis for a purpose contradicts the basis the purposes catalogue gives that purpose:
 * the register and what data subjects are told must not disagree. Purposes missing from the catalogue are left to
 * the reference check.
 */
export function basisConflicts(doc: RegisterDocument, catalogue: ReadonlyMap<string, string>): string[] {
  if (doc.kind !== 'activity') return [];
  return (doc.purposes ?? []).flatMap((p, i) => {
    const expected = catalogue.get(p.purpose);
    return expected !== undefined && expected !== p.lawfulBasis
      ? [`purposes[${i}]: lawful basis ${p.lawfulBasis}, but the purposes catalogue gives ${expected} for ${p.purpose}`]
      : [];
  });
}

/** The top-level fields that differ between two versions. */
export function changedFields(before: RegisterDocument | undefined, after: RegisterDocument): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  // Canonical JSON: jsonb hands objects back with their keys in its own order.
  const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);
  return [...keys].filter((k) => !same((before as unknown as Record<string, unknown>)?.[k], (after as unknown as Record<string, unknown>)[k])).sort();
}

export interface FieldDiff {
  path: string;
  before: unknown;
  after: unknown;
}

/** A deep diff by JSON path, for showing what changed between two versions. */
export function diffDocuments(before: unknown, after: unknown, path = ''): FieldDiff[] {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffDocuments(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diffDocuments(item, after[i], `${path}[${i}]`));
  }
  return [{ path, before: before ?? null, after: after ?? null }];
}
