import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Checks that a JSON-LD document uses only terms its vocabularies define: every property, every
 * @type, and every IRI value in a vocabulary's namespace must be in the vendored term lists
 * (dpv-terms.json, generated from W3C DPV; external-terms.json for DCMI Terms and SKOS). Instance
 * IRIs in Lethe's own namespace (records, purposes, data categories) are not vocabulary terms and
 * pass; a compact IRI whose prefix the @context does not define, a property that is not a compact or
 * absolute IRI, and a vocabulary term written where a literal is expected are violations too.
 *
 * It understands the JSON-LD Lethe writes: one inline @context of prefixes and `{"@type": "@id"}`
 * coercions, node objects, arrays, @graph, and plain literals.
 */
export interface Vocabulary {
  /** Namespace IRI -> its defined local names. */
  readonly namespaces: ReadonlyMap<string, ReadonlySet<string>>;
}

interface TermsFile {
  terms: Record<string, string[]>;
}

export function loadVocabulary(): Vocabulary {
  const dir = dirname(fileURLToPath(import.meta.url));
  const namespaces = new Map<string, Set<string>>();
  for (const file of ['dpv-terms.json', 'external-terms.json']) {
    const { terms } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TermsFile;
    for (const [ns, names] of Object.entries(terms)) namespaces.set(ns, new Set([...(namespaces.get(ns) ?? []), ...names]));
  }
  return { namespaces };
}

interface Context {
  prefixes: Map<string, string>;
  iriValued: Set<string>;
}

const KEYWORDS = new Set(['@context', '@id', '@type', '@graph', '@value', '@language']);

function readContext(raw: unknown, violations: string[]): Context {
  const context: Context = { prefixes: new Map(), iriValued: new Set() };
  if (raw === undefined) return context;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    violations.push('@context: only an inline object is understood');
    return context;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') context.prefixes.set(key, value);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') continue;
    const definition = value as { '@type'?: string; '@id'?: string };
    if (definition?.['@type'] === '@id' && definition['@id'] === undefined) context.iriValued.add(key);
    else violations.push(`@context: term definition ${key} is not understood`);
  }
  return context;
}

/** A compact IRI (prefix:local) or absolute IRI, expanded; undefined for neither. */
function expand(value: string, context: Context): { iri: string } | { unknownPrefix: string } | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (rest.startsWith('//')) return { iri: value };
  const ns = context.prefixes.get(prefix);
  if (ns !== undefined) return { iri: ns + rest };
  if (['urn', 'mailto', 'tel', 'http', 'https'].includes(prefix)) return { iri: value };
  return { unknownPrefix: prefix };
}

export function vocabularyViolations(document: unknown, vocabulary: Vocabulary): string[] {
  const violations: string[] = [];
  const root = document as Record<string, unknown>;
  const context = readContext(root?.['@context'], violations);
  const namespaceOf = (iri: string): string | undefined => [...vocabulary.namespaces.keys()].find((ns) => iri.startsWith(ns) && !iri.slice(ns.length).includes('/'));

  /** A term that must be defined: in a known vocabulary namespace, and listed there. */
  const checkTerm = (value: string, where: string) => {
    const expanded = expand(value, context);
    if (expanded === undefined) return violations.push(`${where}: ${value} is not a compact or absolute IRI`);
    if ('unknownPrefix' in expanded) return violations.push(`${where}: ${value} uses prefix ${expanded.unknownPrefix}, which @context does not define`);
    const ns = namespaceOf(expanded.iri);
    if (ns === undefined) return violations.push(`${where}: ${value} is in no vendored vocabulary`);
    if (!vocabulary.namespaces.get(ns)!.has(expanded.iri.slice(ns.length))) violations.push(`${where}: ${value} is not defined by ${ns}`);
  };
  /** An IRI value: a vocabulary term when it is in a vocabulary namespace, else an instance (any IRI). */
  const checkIri = (value: string, where: string) => {
    const expanded = expand(value, context);
    if (expanded === undefined) return violations.push(`${where}: ${value} is not an IRI`);
    if ('unknownPrefix' in expanded) return violations.push(`${where}: ${value} uses prefix ${expanded.unknownPrefix}, which @context does not define`);
    if (namespaceOf(expanded.iri) !== undefined) checkTerm(value, where);
  };
  /** A literal must not be a vocabulary term written as a string (it would not be read as an IRI). */
  const checkLiteral = (value: string, where: string) => {
    const expanded = expand(value, context);
    if (expanded && 'iri' in expanded && namespaceOf(expanded.iri) !== undefined) violations.push(`${where}: ${value} is a vocabulary term written as a literal (coerce the property to @id)`);
  };

  const walkValue = (value: unknown, property: string, path: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walkValue(v, property, `${path}[${i}]`));
    if (typeof value === 'string') return context.iriValued.has(property) ? checkIri(value, path) : checkLiteral(value, path);
    if (value !== null && typeof value === 'object') return walkNode(value as Record<string, unknown>, path);
  };
  const walkNode = (node: Record<string, unknown>, path: string) => {
    for (const [key, value] of Object.entries(node)) {
      const where = path ? `${path}.${key}` : key;
      if (key === '@context') continue;
      if (key === '@id') {
        if (typeof value === 'string') checkIri(value, where);
        else violations.push(`${where}: not a string`);
      } else if (key === '@type') {
        for (const [i, type] of (Array.isArray(value) ? value : [value]).entries()) {
          if (typeof type === 'string') checkTerm(type, Array.isArray(value) ? `${where}[${i}]` : where);
          else violations.push(`${where}: not a string`);
        }
      } else if (key === '@graph') walkValue(value, key, where);
      else if (KEYWORDS.has(key)) continue;
      else {
        checkTerm(key, where);
        walkValue(value, key, where);
      }
    }
  };
  for (const term of context.iriValued) checkTerm(term, `@context.${term}`);
  if (Array.isArray(document)) violations.push('the document must be one object');
  else walkNode(root, '');
  return violations;
}
