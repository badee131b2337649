/**
 * Request generation for the fuzz suite, driven by the OpenAPI document: a valid request per
 * operation from its schemas (openapi-sampler), and seeded mutations of it (fast-check).
 */
import fc from 'fast-check';
import OpenAPISampler from 'openapi-sampler';
import type { JSONSchema7 } from 'json-schema';

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JSONSchema7;
}
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JSONSchema7 }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JSONSchema7> };
}

/** One HTTP request, described before it is sent. `body` is a raw string so malformed bodies can be sent. */
export interface FuzzRequest {
  method: string;
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
  /** What was changed from the valid request, for the failure report. */
  mutation: string;
}

export interface Op {
  method: string;
  template: string;
  operation: Operation;
}

export function operations(document: Document): Op[] {
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  return Object.entries(document.paths).flatMap(([template, item]) =>
    methods.filter((method) => item[method]).map((method) => ({ method, template, operation: item[method] })),
  );
}

/** Values that real objects of this run carry (ids, keys, tokens), by parameter name. */
export type Pools = Map<string, string[]>;

function sampleValue(schema: JSONSchema7 | undefined, document: Document): unknown {
  if (!schema) return 'x';
  return OpenAPISampler.sample(schema, { skipReadOnly: true, quiet: true }, document);
}

/** The valid request: sampled from the schemas, with path ids drawn from objects that exist. */
export function validRequest(op: Op, document: Document, pools: Pools, pick: (values: string[]) => string): FuzzRequest {
  const request: FuzzRequest = { method: op.method, path: {}, query: [], headers: {}, mutation: 'valid' };
  for (const parameter of op.operation.parameters ?? []) {
    const pooled = pools.get(parameter.name);
    const value = pooled?.length ? pick(pooled) : String(sampleValue(parameter.schema, document));
    if (parameter.in === 'path') request.path[parameter.name] = value;
    else if (parameter.in === 'query' && (parameter.required || pooled?.length)) request.query.push([parameter.name, value]);
    else if (parameter.in === 'header' && parameter.required) request.headers[parameter.name] = value;
  }
  const json = op.operation.requestBody?.content['application/json'];
  if (json) {
    request.headers['content-type'] = 'application/json';
    request.body = JSON.stringify(sampleValue(json.schema, document));
  }
  return request;
}

// Strings that have broken services before: NUL, lone surrogates, RTL and emoji, very long ones.
const NASTY_STRINGS = [
  '',
  'a\u0000b',
  'a\ud800b',
  '\udfff',
  '\u202eevil\u202c',
  'مرحبا 👩‍👩‍👧‍👦',
  'x'.repeat(10_000),
  ' ',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00',
  '1e309',
];
const NASTY_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, [], {}, [null], { a: 1 }];
const BAD_DATES = ['2025-13-45', '2025-02-30T25:61:00Z', 'yesterday', '0000-00-00', '99999-01-01', '2025-01-01T00:00:00+99:00'];
const BAD_IDS = ['not-a-uuid', '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', '%00', '%ED%A0%80', '%F0%9F%98%80', '..', 'x'.repeat(2_000), '-1', '1e9'];

/** A JSON body nested `depth` levels deep, written by hand: JSON.stringify would recurse as deep. */
function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Dotted paths to every value in a JSON value (objects and arrays), deepest first not required. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, i) => leafPaths(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]))];
  }
  return [prefix];
}

function setAt(root: unknown, path: (string | number)[], replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy: unknown = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

type Mutator = (valid: FuzzRequest) => FuzzRequest;

/** A seeded mutation of the valid request: fast-check picks which one and with what. */
export function mutationArbitrary(op: Op, valid: FuzzRequest): fc.Arbitrary<FuzzRequest> {
  const body = parseBody(valid.body);
  const paths = body === undefined ? [] : leafPaths(body).filter((p) => p.length > 0);
  const pathNames = Object.keys(valid.path);
  const queryNames = (op.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const headerNames = Object.keys(valid.headers).filter((name) => name !== 'content-type');
  const mutators: fc.Arbitrary<Mutator>[] = [];
  const withBody = (next: unknown, mutation: string): Mutator => (v) => ({ ...v, body: JSON.stringify(next), mutation });

  if (valid.body !== undefined) {
    const at = fc.constantFrom(...(paths.length ? paths : [[]]));
    const where = (p: (string | number)[]) => p.join('.') || '(body)';
    mutators.push(
      at.map((p) => withBody(setAt(body, p, undefined, true), `body ${where(p)} removed`)),
      fc.tuple(at, fc.constantFrom(...NASTY_STRINGS)).map(([p, s]) => withBody(setAt(body, p, s), `body ${where(p)} = string ${JSON.stringify(s.slice(0, 20))}${s.length > 20 ? `…(${s.length})` : ''}`)),
      fc.tuple(at, fc.constantFrom(...NASTY_VALUES)).map(([p, x]) => withBody(setAt(body, p, x), `body ${where(p)} = ${JSON.stringify(x)}`)),
      fc.tuple(at, fc.integer({ min: 1_000, max: 20_000 })).map(([p, n]) => withBody(setAt(body, p, Array.from({ length: n }, () => 'x')), `body ${where(p)} = array of ${n}`)),
      fc.string({ minLength: 1, maxLength: 12 }).map((key) => withBody(body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, [`x${key}`]: 1 } : body, 'extra field')),
      fc.constantFrom(...NASTY_VALUES, 'text').map((x) => withBody(x, `body = ${JSON.stringify(x)}`)),
      fc.constantFrom(...BAD_DATES).chain((date) => at.map((p) => withBody(setAt(body, p, date), `body ${where(p)} = date ${date}`))),
      fc.constantFrom(50, 500, 5_000, 10_000).map((depth): Mutator => (v) => ({ ...v, body: deepJson(depth), mutation: `body nested ${depth} deep` })),
      fc.constantFrom('{"a":', '{"a":1}}', '\u0000', '[1,2', '{"__proto__":{"x":1}}').map((raw): Mutator => (v) => ({ ...v, body: raw, mutation: `raw body ${JSON.stringify(raw)}` })),
      fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1').map(
        (type): Mutator => (v) => ({ ...v, headers: { ...v.headers, 'content-type': type }, mutation: `content-type ${type}` }),
      ),
      fc.constant<Mutator>((v) => ({ ...v, body: undefined, headers: Object.fromEntries(Object.entries(v.headers).filter(([k]) => k !== 'content-type')), mutation: 'no body' })),
    );
  } else if (op.method !== 'get' && op.method !== 'delete') {
    mutators.push(fc.constantFrom('{"a":1}', deepJson(10_000), '[]').map((raw): Mutator => (v) => ({ ...v, body: raw, headers: { ...v.headers, 'content-type': 'application/json' }, mutation: `unexpected body ${raw.slice(0, 10)}` })));
  }
  if (pathNames.length) {
    mutators.push(
      fc.tuple(fc.constantFrom(...pathNames), fc.constantFrom(...BAD_IDS, ...NASTY_STRINGS.filter((s) => s !== ''))).map(
        ([name, value]): Mutator => (v) => ({ ...v, path: { ...v.path, [name]: value }, mutation: `path ${name} = ${JSON.stringify(value.slice(0, 20))}` }),
      ),
      fc.constantFrom(...pathNames).map((name): Mutator => (v) => ({ ...v, path: { ...v.path, [name]: v.path[name].toUpperCase() }, mutation: `path ${name} upper case` })),
    );
  }
  if (queryNames.length) {
    mutators.push(
      fc.tuple(fc.constantFrom(...queryNames), fc.constantFrom(...BAD_DATES, ...BAD_IDS, ...NASTY_STRINGS, '-5', '0', '99999999999999999999', 'true', 'null')).map(
        ([name, value]): Mutator => (v) => ({ ...v, query: [...v.query.filter(([k]) => k !== name), [name, value]], mutation: `query ${name} = ${JSON.stringify(value.slice(0, 20))}` }),
      ),
      fc.constantFrom(...queryNames).map((name): Mutator => (v) => ({ ...v, query: [...v.query, [name, 'a'], [name, 'b']], mutation: `query ${name} repeated` })),
    );
  }
  mutators.push(
    fc.string({ minLength: 1, maxLength: 8 }).map((name): Mutator => (v) => ({ ...v, query: [...v.query, [`u${name}`, '1']], mutation: 'unknown query parameter' })),
    fc.constantFrom(...headerNames.length ? headerNames : ['x-request-token']).map((name): Mutator => (v) => ({ ...v, headers: { ...v.headers, [name]: 'wrong' }, mutation: `header ${name} wrong` })),
  );
  if (headerNames.length) {
    mutators.push(fc.constantFrom(...headerNames).map((name): Mutator => (v) => ({ ...v, headers: Object.fromEntries(Object.entries(v.headers).filter(([k]) => k !== name)), mutation: `header ${name} missing` })));
  }
  return fc.oneof(...mutators).map((mutate) => mutate(valid));
}

/** Percent-encodes a path or query value; `%XX` sequences in the fuzz values are sent as they are. */
export function encodeValue(value: string): string {
  if (/%[0-9A-F]{2}/.test(value)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

export function urlFor(template: string, request: FuzzRequest): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeValue(request.path[name] ?? ''));
  const query = request.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeValue(v)}`).join('&');
  return query ? `${path}?${query}` : path;
}

/**
 * Besides the random mutations, a sweep that every run makes: each query parameter as NUL and as
 * an impossible date, each top-level body field as null and as a string holding NUL or a lone
 * surrogate. These classes each broke a route once; the sweep makes sure no operation skips them.
 */
export function sweep(op: Op, valid: FuzzRequest): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  for (const parameter of op.operation.parameters ?? []) {
    if (parameter.in !== 'query') continue;
    for (const value of ['%00', '2025-13-45']) {
      out.push({ ...valid, query: [...valid.query.filter(([k]) => k !== parameter.name), [parameter.name, value]], mutation: `sweep: query ${parameter.name} = ${value}` });
    }
  }
  const body = parseBody(valid.body);
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const field of Object.keys(body)) {
      for (const value of [null, 'a\u0000b', 'a\ud800b']) {
        out.push({ ...valid, body: JSON.stringify({ ...body, [field]: value }), mutation: `sweep: body ${field} = ${JSON.stringify(value)}` });
      }
    }
  }
  return out;
}
