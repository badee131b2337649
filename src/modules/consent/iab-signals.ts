import { GppModel, HeaderV1, Sections } from '@iabgpp/cmpapi';
import { TCString } from '@iabtcf/core';
import { canonicalJson, sha256Hex } from '../../common/crypto.js';
import type { FieldError } from '../../common/errors/problem.js';

/**
 * IAB consent signals an event may carry as evidence: a TCF v2.x TC string (the `euconsent-v2`
 * value a CMP produces) and a Global Privacy Platform string (`__gpp`'s `gppString`). Decoded with
 * the IAB Tech Lab reference libraries, `@iabtcf/core` and `@iabgpp/cmpapi` (versions pinned in
 * package.json). Pure: nothing here throws; a string that does not decode is a FieldError naming it.
 *
 * Sources:
 * - IAB Europe TCF v2.2, "Consent string and vendor list formats v2": the core segment starts with
 *   Version = 2 (6 bits, so its first base64url character is `C`); purposes 1-11 and special
 *   features 1-2 as named in the Global Vendor List v3 (TCF policy version 4 and later).
 * - IAB Tech Lab Global Privacy Platform v1: the string is a header section (type 3, version 1:
 *   it starts with `DB`) and the sections it lists, separated by `~`. US sections: opt-out fields
 *   are 0 (not applicable), 1 (opted out), 2 (did not opt out); `Gpc` is the browser's Global
 *   Privacy Control signal, meaningful only when the section's GPC segment is included.
 */

/** The longest TC or GPP string accepted (a TC string with every vendor range is a few KB). */
export const MAX_SIGNAL_LENGTH = 10_000;

/** What was sent, exactly: the evidence stored sealed and digested into the chain. */
export interface SignalEvidence {
  tcString?: string;
  gppString?: string;
}

export interface TcfItem {
  id: number;
  /** The IAB name (GVL v3, English); null for an id the TCF does not define. */
  name: string | null;
}

export interface TcfSignal {
  version: number;
  policyVersion: number;
  cmpId: number;
  cmpVersion: number;
  consentScreen: number;
  consentLanguage: string;
  vendorListVersion: number;
  publisherCountryCode: string;
  isServiceSpecific: boolean;
  purposeOneTreatment: boolean;
  created: string | null;
  lastUpdated: string | null;
  purposeConsents: TcfItem[];
  purposeLegitimateInterests: TcfItem[];
  specialFeatureOptins: TcfItem[];
  vendorConsents: number[];
  vendorLegitimateInterests: number[];
}

export type UsOptOut = 'not_applicable' | 'opted_out' | 'did_not_opt_out';

export interface GppUsSection {
  section: string;
  id: number;
  /** The section's Gpc field; null where the section has none or its GPC segment was left out. */
  gpc: boolean | null;
  /** Each `…OptOut` field (and uspv1's OptOutSale), in words. */
  optOuts: Record<string, UsOptOut>;
  /** Every field as the library decodes it. */
  fields: Record<string, unknown>;
}

export interface GppSignal {
  version: number;
  /** In the header's order; `name` null for a section id this library version does not know. */
  sections: Array<{ id: number; name: string | null }>;
  /** True when any US section says Gpc = 1; false when some say 0 and none 1; null when none carries it. */
  gpc: boolean | null;
  us: GppUsSection[];
  /** The tcfeuv2 section (decoded by the GPP library, which reads TCF v2 itself). */
  tcfeuv2: TcfSignal | null;
}

export interface DecodedSignals {
  tcf?: TcfSignal;
  gpp?: GppSignal;
}

type Decoded<T> = { ok: true; value: T } | { ok: false; message: string };

const TCF_PURPOSES: Record<number, string> = {
  1: 'Store and/or access information on a device',
  2: 'Use limited data to select advertising',
  3: 'Create profiles for personalised advertising',
  4: 'Use profiles to select personalised advertising',
  5: 'Create profiles to personalise content',
  6: 'Use profiles to select personalised content',
  7: 'Measure advertising performance',
  8: 'Measure content performance',
  9: 'Understand audiences through statistics or combinations of data from different sources',
  10: 'Develop and improve services',
  11: 'Use limited data to select content',
};

const TCF_SPECIAL_FEATURES: Record<number, string> = {
  1: 'Use precise geolocation data',
  2: 'Actively scan device characteristics for identification',
};

const TCF_EU_V2_SECTION = 2;
const US_OPT_OUT: Record<number, UsOptOut> = { 0: 'not_applicable', 1: 'opted_out', 2: 'did_not_opt_out' };
const USP_OPT_OUT: Record<string, UsOptOut> = { '-': 'not_applicable', Y: 'opted_out', N: 'did_not_opt_out' };

/**
 * The library's reason, without the input: its messages quote what failed to decode, and the
 * strings are personal data (they are answered to the caller and may be logged with the problem).
 */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/'[^']*'/g, '…')
    .replace(/[A-Za-z0-9_~.-]{16,}/g, '…')
    .slice(0, 200);
}

function iso(date: unknown): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function items(ids: Iterable<number>, names: Record<number, string>): TcfItem[] {
  return [...ids].map((id) => ({ id, name: names[id] ?? null }));
}

/** A TCF v2.x TC string (core segment first, optional segments after it). */
export function decodeTcString(value: string): Decoded<TcfSignal> {
  if (value.startsWith('DB') || value.includes('~')) return { ok: false, message: 'is a GPP string, not a TC string: send it as gppString' };
  if (value.startsWith('B')) return { ok: false, message: 'is a TCF v1 consent string: only TCF v2.x TC strings are accepted' };
  if (!value.startsWith('C')) return { ok: false, message: 'does not start with a TCF v2 core segment' };
  try {
    const model = TCString.decode(value);
    if (Number(model.version) !== 2) return { ok: false, message: `is a TCF v${String(model.version)} string: only TCF v2.x TC strings are accepted` };
    return {
      ok: true,
      value: {
        version: Number(model.version),
        policyVersion: Number(model.policyVersion),
        cmpId: Number(model.cmpId),
        cmpVersion: Number(model.cmpVersion),
        consentScreen: Number(model.consentScreen),
        consentLanguage: model.consentLanguage,
        vendorListVersion: Number(model.vendorListVersion),
        publisherCountryCode: model.publisherCountryCode,
        isServiceSpecific: model.isServiceSpecific,
        purposeOneTreatment: model.purposeOneTreatment,
        created: iso(model.created),
        lastUpdated: iso(model.lastUpdated),
        purposeConsents: items(model.purposeConsents.values(), TCF_PURPOSES),
        purposeLegitimateInterests: items(model.purposeLegitimateInterests.values(), TCF_PURPOSES),
        specialFeatureOptins: items(model.specialFeatureOptins.values(), TCF_SPECIAL_FEATURES),
        vendorConsents: [...model.vendorConsents.values()],
        vendorLegitimateInterests: [...model.vendorLegitimateInterests.values()],
      },
    };
  } catch (error) {
    return { ok: false, message: `does not decode as a TCF v2 TC string (${reason(error)})` };
  }
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return iso(value);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function usSection(model: GppModel, id: number, name: string): GppUsSection {
  const fields = Object.fromEntries(Object.entries(model.getSection(name) as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  const optOuts: Record<string, UsOptOut> = {};
  for (const [field, value] of Object.entries(fields)) {
    const words = field.endsWith('OptOut') ? US_OPT_OUT[value as number] : field === 'OptOutSale' ? USP_OPT_OUT[value as string] : undefined;
    if (words) optOuts[field] = words;
  }
  // Sections without a GPC segment (usva, usut, usfl…) have no Gpc field; GpcSegmentIncluded false means it was left out.
  const included = model.hasField(name, 'Gpc') && model.getFieldValue(name, 'GpcSegmentIncluded') !== false;
  return { section: name, id, gpc: included ? model.getFieldValue(name, 'Gpc') === true : null, optOuts, fields };
}

/** Flags 1…n as the ids set. */
function flagged(flags: unknown, names: Record<number, string>): TcfItem[] {
  return items(Array.isArray(flags) ? flags.flatMap((on, i) => (on === true ? [i + 1] : [])) : [], names);
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

/** The tcfeuv2 section as the GPP library decodes it (its own TCF v2 reader), in TcfSignal's shape. */
function tcfSection(f: Record<string, unknown>): TcfSignal {
  return {
    version: Number(f.Version),
    policyVersion: Number(f.PolicyVersion),
    cmpId: Number(f.CmpId),
    cmpVersion: Number(f.CmpVersion),
    consentScreen: Number(f.ConsentScreen),
    consentLanguage: String(f.ConsentLanguage),
    vendorListVersion: Number(f.VendorListVersion),
    publisherCountryCode: String(f.PublisherCountryCode),
    isServiceSpecific: f.IsServiceSpecific === true,
    purposeOneTreatment: f.PurposeOneTreatment === true,
    created: iso(f.Created),
    lastUpdated: iso(f.LastUpdated),
    purposeConsents: flagged(f.PurposeConsents, TCF_PURPOSES),
    purposeLegitimateInterests: flagged(f.PurposeLegitimateInterests, TCF_PURPOSES),
    specialFeatureOptins: flagged(f.SpecialFeatureOptins, TCF_SPECIAL_FEATURES),
    vendorConsents: numbers(f.VendorConsents),
    vendorLegitimateInterests: numbers(f.VendorLegitimateInterests),
  };
}

/** A Global Privacy Platform string: the header, then each section it lists. */
export function decodeGppString(value: string): Decoded<GppSignal> {
  if (!value.startsWith('DB')) {
    return { ok: false, message: value.startsWith('C') ? 'is a TC string, not a GPP string: send it as tcString' : 'does not start with a GPP header (DB…)' };
  }
  try {
    const parts = value.split('~');
    const header = new HeaderV1(parts[0]);
    const ids = header.getFieldValue('SectionIds') as number[];
    // The model checks the header against the sections and decodes every section it knows (lazily: toObject forces it).
    const model = new GppModel(value);
    model.toObject();
    const sections = ids.map((id) => ({ id, name: Sections.SECTION_ID_NAME_MAP.get(id) ?? null }));
    const us = sections.flatMap(({ id, name }) => (name !== null && name.startsWith('us') ? [usSection(model, id, name)] : []));
    const flags = us.map((s) => s.gpc).filter((g): g is boolean => g !== null);
    const tcfeuv2 = ids.includes(TCF_EU_V2_SECTION) ? tcfSection(model.getSection('tcfeuv2') as Record<string, unknown>) : null;
    return {
      ok: true,
      value: {
        version: Number(header.getFieldValue('Version')),
        sections,
        gpc: flags.includes(true) ? true : flags.length > 0 ? false : null,
        us,
        tcfeuv2,
      },
    };
  } catch (error) {
    return { ok: false, message: `does not decode as a GPP string (${reason(error)})` };
  }
}

/**
 * Both strings of an event, decoded: each that does not decode is an error at its path. Both may
 * come together (a CMP that runs the TCF and GPP APIs side by side exposes both for one choice).
 */
export function decodeSignals(evidence: SignalEvidence): { signals: DecodedSignals; errors: FieldError[] } {
  const signals: DecodedSignals = {};
  const errors: FieldError[] = [];
  if (evidence.tcString !== undefined) {
    const tcf = decodeTcString(evidence.tcString);
    if (tcf.ok) signals.tcf = tcf.value;
    else errors.push({ path: 'tcString', message: `tcString ${tcf.message}` });
  }
  if (evidence.gppString !== undefined) {
    const gpp = decodeGppString(evidence.gppString);
    if (gpp.ok) signals.gpp = gpp.value;
    else errors.push({ path: 'gppString', message: `gppString ${gpp.message}` });
  }
  return { signals, errors };
}

/** Whether an event carried any string. */
export function hasEvidence(evidence: SignalEvidence): boolean {
  return evidence.tcString !== undefined || evidence.gppString !== undefined;
}

/**
 * What the proof digest commits to for the strings: SHA-256 of their canonical JSON, or undefined
 * when the event carried none (canonicalJson drops it, so such events hash exactly as before).
 */
export function signalsDigest(evidence: SignalEvidence): string | undefined {
  if (!hasEvidence(evidence)) return undefined;
  return sha256Hex(canonicalJson({ tcString: evidence.tcString, gppString: evidence.gppString }));
}
