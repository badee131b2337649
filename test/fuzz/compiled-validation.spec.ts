import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AppModule } from '../../src/app.module.js';
import { ConsentBatchDto, ConsentEventDto } from '../../src/modules/consent/consent.dto.js';
import { CompiledValidation } from '../../src/common/errors/compiled-validation.js';
import { VALIDATION_OPTIONS } from '../../src/common/errors/validation.js';

// Every module (and so every DTO) is loaded through the app's root module.
void AppModule;

const SWAGGER_PROPERTIES = 'swagger/apiModelPropertiesArray';
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
type Class = new () => object;

/** Every class that carries class-validator rules: the app's DTOs. */
function dtoClasses(): Class[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  return [...storage.validationMetadatas.keys()].filter((key): key is Class => typeof key === 'function');
}

/** A body built from the documented examples (enum values, nested DTOs) of a class. */
function example(cls: Class, depth = 0): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const keys = ((Reflect.getMetadata(SWAGGER_PROPERTIES, cls.prototype as object) as string[] | undefined) ?? []).map((k) => k.slice(1));
  for (const key of keys) {
    const meta = Reflect.getMetadata(SWAGGER_PROPERTY, cls.prototype as object, key) as { example?: unknown; enum?: unknown; type?: unknown; isArray?: boolean } | undefined;
    if (!meta) continue;
    let value: unknown = meta.example;
    const enumValues = Array.isArray(meta.enum) ? meta.enum : meta.enum && typeof meta.enum === 'object' ? Object.values(meta.enum) : undefined;
    if (value === undefined && enumValues) value = enumValues[0];
    let type = Array.isArray(meta.type) ? meta.type[0] : meta.type;
    if (typeof type === 'function' && type.prototype === undefined) type = (type as () => unknown)();
    if (value === undefined && typeof type === 'function' && ![String, Number, Boolean, Object, Array, Date].includes(type as never) && depth < 4) {
      value = example(type as Class, depth + 1);
    }
    if (value !== undefined && (meta.isArray || Array.isArray(meta.type)) && !Array.isArray(value)) value = [value];
    if (value !== undefined) body[key] = value;
  }
  return body;
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null, 0, 1, -1, 1.5, true, false, '', ' ', 'x', 'x'.repeat(201), 'x'.repeat(1001), '\uFE0F', '\uFE0Fa', '😀', 'é', 'A B', [], [1], ['a'], [{}], [[]], [null], {}, { a: 1 },
  '2026-11-23T10:15:00Z', '2026-02-30T00:00:00Z', '2026-11-23', '203.0.113.7', '::1', '0f8fad5b-d9cb-469f-a165-70867728950e', 'usr_1', 'en', 'en-GB',
  'UK', 'granted', 'withdrawn', 'https://example.com', 'a@example.com', '1e3', 'P2Y', 'consent',
];
const ODD_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** One mutation somewhere in the body: a field dropped, replaced by an odd value, or an odd key added. */
function mutate(body: Record<string, unknown>, next: () => number): void {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const keys = Object.keys(body);
  const nested = keys.filter((k) => body[k] !== null && typeof body[k] === 'object');
  const roll = next();
  if (nested.length > 0 && roll < 0.25) {
    const value = body[pick(nested)];
    const target = Array.isArray(value) ? value.find((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) : value;
    if (target) return mutate(target as Record<string, unknown>, next);
  }
  if (roll < 0.35 || keys.length === 0) {
    const key = pick(ODD_KEYS);
    Object.defineProperty(body, key, { value: pick(ODD_VALUES), enumerable: true, configurable: true, writable: true });
  } else if (roll < 0.5) {
    delete body[pick(keys)];
  } else {
    body[pick(keys)] = structuredClone(pick(ODD_VALUES));
  }
}

/** Same classes, same own keys, same values, all the way down. */
function sameInstance(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || a.constructor !== b.constructor) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameInstance((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const pipe = new ValidationPipe(VALIDATION_OPTIONS);
async function pipeVerdict(cls: Class, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await pipe.transform(structuredClone(body), { type: 'body', metatype: cls }) };
  } catch {
    return { ok: false };
  }
}

describe('CompiledValidation', () => {
  const compiled = new CompiledValidation();

  it('covers the hot routes’ bodies and leaves classes it cannot reproduce to the ValidationPipe', () => {
    expect(compiled.covers(ConsentEventDto)).toBe(true);
    expect(compiled.covers(ConsentBatchDto)).toBe(true);
    class Empty {}
    expect(compiled.covers(Empty)).toBe(false);
  });

  it('accepts a valid consent event as the very instance the ValidationPipe builds', async () => {
    const body = { subjectId: 'usr_1', purpose: 'marketing-email', action: 'granted', noticeVersion: 'v1', occurredAt: '2026-11-23T10:15:00Z', method: 'settings_page', sourceSystem: 'iam-api', proof: { ipAddress: '203.0.113.7', locale: 'en-GB' } };
    const fast = compiled.accept(ConsentEventDto, structuredClone(body));
    const slow = await pipeVerdict(ConsentEventDto, body);
    expect(fast).toBeInstanceOf(ConsentEventDto);
    expect(slow.ok).toBe(true);
    expect(sameInstance(fast, slow.ok && slow.value)).toBe(true);
    expect(compiled.accept(ConsentEventDto, { ...body, subjectId: 'has space' })).toBeUndefined();
    expect(compiled.accept(ConsentEventDto, { ...body, proof: { ...body.proof, extra: 1 } })).toBeUndefined();
  });

  it('never accepts what the ValidationPipe refuses, for every DTO of the app, over thousands of mutated bodies', async () => {
    const classes = dtoClasses();
    expect(classes.length).toBeGreaterThan(40);
    let accepted = 0;
    let refusedByBoth = 0;
    const disagreements: string[] = [];
    for (const [n, cls] of classes.entries()) {
      if (!compiled.covers(cls)) continue;
      const next = random(1000 + n);
      const base = example(cls);
      for (let i = 0; i < 150; i++) {
        const body = structuredClone(base);
        for (let m = Math.floor(next() * 3); m > 0; m--) mutate(body, next);
        const fast = compiled.accept(cls, structuredClone(body));
        const slow = await pipeVerdict(cls, body);
        if (fast !== undefined) {
          accepted++;
          if (!slow.ok || !sameInstance(fast, slow.value)) disagreements.push(`${cls.name}: ${JSON.stringify(body)}`);
        } else if (!slow.ok) {
          refusedByBoth++;
        }
      }
    }
    expect(disagreements).toEqual([]);
    // The generator exercises both sides of the verdict.
    expect(accepted).toBeGreaterThan(500);
    expect(refusedByBoth).toBeGreaterThan(500);
  });
});
