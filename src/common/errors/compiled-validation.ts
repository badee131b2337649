import { getMetadataStorage, ValidationTypes } from 'class-validator';
// class-transformer's own registry of @Type/@Transform/@Expose/@Exclude (its public API has no reader).
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';

type Class = new () => object;
/** Any class (DTOs, class-validator's constraint classes). */
type AnyClass = abstract new (...args: never[]) => unknown;

interface ValidationMetadata {
  type: string;
  propertyName: string;
  constraints: unknown[];
  constraintCls: AnyClass;
  each?: boolean;
  always?: boolean;
  groups?: string[];
  validateIf?: (object: object, value: unknown) => boolean;
}

interface Constraint {
  async: boolean;
  instance: { validate(value: unknown, args: unknown): unknown };
}

interface CompiledProperty {
  name: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Array<{ meta: ValidationMetadata; constraints: Constraint[] }>;
  /** @ValidateNested: the class its objects are built as (by @Type), compiled. */
  nested?: CompiledClass;
  nestedValidation: boolean;
}

interface CompiledClass {
  cls: Class;
  properties: CompiledProperty[];
  known: Set<string>;
  /** @Type classes by property, for building the instance as class-transformer would. */
  types: Map<string, CompiledClass>;
}

const FAILED = Symbol('failed');
const SUPPORTED = new Set<string>([ValidationTypes.CUSTOM_VALIDATION, ValidationTypes.NESTED_VALIDATION, ValidationTypes.CONDITIONAL_VALIDATION, ValidationTypes.IS_DEFINED, ValidationTypes.WHITELIST]);

/**
 * The ValidationPipe's verdict on a JSON body without its per-request machinery: for a DTO class,
 * class-validator's metadata is read once and turned into a list of the same checks (the very
 * constraint objects class-validator would call, in its order), and the instance is built as
 * class-transformer builds it. A body it accepts is one the ValidationPipe (whitelist,
 * forbidNonWhitelisted, forbidUnknownValues, transform) accepts, giving the same instance; for
 * anything else it answers `undefined` and the ValidationPipe runs as before, so every error
 * message still comes from one place. Classes using anything it does not reproduce exactly
 * (groups, async or promise validation, @Transform, @Expose, @Exclude, discriminators, Sets and
 * Maps) are not compiled at all.
 */
export class CompiledValidation {
  private readonly classes = new Map<AnyClass, CompiledClass | null>();

  /** The DTO instance for an accepted body; `undefined` when the ValidationPipe must decide. */
  accept(dto: AnyClass, body: unknown): object | undefined {
    const compiled = this.compiled(dto);
    if (!compiled || !isPlainObject(body)) return undefined;
    const instance = build(compiled, body);
    if (instance === FAILED || !valid(compiled, instance)) return undefined;
    return instance;
  }

  /** Whether bodies of this class are checked here (exposed for the tests). */
  covers(dto: AnyClass): boolean {
    return this.compiled(dto) !== null;
  }

  private compiled(cls: AnyClass): CompiledClass | null {
    if (!this.classes.has(cls)) {
      const building = new Map<AnyClass, CompiledClass | null>();
      const result = compile(cls as Class, building);
      this.classes.set(cls, result);
    }
    return this.classes.get(cls)!;
  }
}

function compile(cls: Class, building: Map<AnyClass, CompiledClass | null>): CompiledClass | null {
  if (building.has(cls)) return building.get(cls)!;
  const storage = getMetadataStorage();
  // As the ValidationExecutor asks: no groups, always false, strictGroups false.
  const metas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined) as unknown as ValidationMetadata[];
  if (metas.length === 0 || hasTransformerRules(cls)) return null;
  const compiled: CompiledClass = { cls, properties: [], known: new Set(), types: new Map() };
  building.set(cls, compiled);
  const grouped = storage.groupByPropertyName(metas as never) as unknown as Record<string, ValidationMetadata[]>;
  for (const [name, list] of Object.entries(grouped)) {
    if (list.length === 0) continue;
    compiled.known.add(name);
    const property: CompiledProperty = { name, conditions: [], checks: [], nestedValidation: false };
    for (const meta of list) {
      if (!SUPPORTED.has(meta.type) || meta.always !== undefined || (meta.groups?.length ?? 0) > 0) return fail(building, cls);
      if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) property.conditions.push(meta.constraints[0] as CompiledProperty['conditions'][number]);
      if (meta.type === ValidationTypes.NESTED_VALIDATION) property.nestedValidation = true;
      if (meta.type === ValidationTypes.CUSTOM_VALIDATION || meta.type === ValidationTypes.IS_DEFINED) {
        const constraints = storage.getTargetValidatorConstraints(meta.constraintCls) as unknown as Constraint[];
        if (constraints.some((c) => c.async)) return fail(building, cls);
        property.checks.push({ meta, constraints });
      }
    }
    const type = defaultMetadataStorage.findTypeMetadata(cls, name);
    if (type) {
      if (type.options?.discriminator || type.reflectedType === Map || type.reflectedType === Set) return fail(building, cls);
      const target = type.typeFunction();
      const nested = typeof target === 'function' ? compile(target as Class, building) : null;
      if (!nested) return fail(building, cls);
      compiled.types.set(name, nested);
      if (property.nestedValidation) property.nested = nested;
    } else if (property.nestedValidation) {
      return fail(building, cls); // a nested object without @Type is a plain Object: class-validator refuses it
    }
    compiled.properties.push(property);
  }
  return compiled;
}

function fail(building: Map<AnyClass, CompiledClass | null>, cls: AnyClass): null {
  building.set(cls, null);
  return null;
}

function hasTransformerRules(cls: AnyClass): boolean {
  const storage = defaultMetadataStorage as unknown as {
    getExposedMetadatas(target: AnyClass): unknown[];
    getExcludedMetadatas(target: AnyClass): unknown[];
    _transformMetadatas: Map<AnyClass, Map<string, unknown[]>>;
  };
  if (storage.getExposedMetadatas(cls).length > 0 || storage.getExcludedMetadatas(cls).length > 0) return true;
  for (let target: AnyClass | null = cls; target && target !== Object; target = Object.getPrototypeOf(target) as AnyClass | null) {
    if ((storage._transformMetadatas.get(target)?.size ?? 0) > 0) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // A plain object's prototype is Object.prototype (of whichever realm made it) or null.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The instance plainToInstance would build, or FAILED where this path does not reproduce it
 * exactly (the ValidationPipe then decides): nested objects become their @Type classes, arrays of
 * primitives are copied, and a key the class does not know ends the fast path (whitelisting
 * refuses it anyway, and class-transformer treats some such keys specially).
 */
function build(compiled: CompiledClass, plain: Record<string, unknown>): object | typeof FAILED {
  const instance = new compiled.cls() as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    if (!compiled.known.has(key)) return FAILED;
    const value = plain[key];
    const type = compiled.types.get(key);
    if (Array.isArray(value)) {
      if (Reflect.getMetadata('design:type', compiled.cls.prototype, key) !== Array) return FAILED;
      const items: unknown[] = [];
      for (const item of value) {
        if (item !== null && typeof item === 'object') {
          if (!type || !isPlainObject(item)) return FAILED;
          const built = build(type, item);
          if (built === FAILED) return FAILED;
          items.push(built);
        } else {
          items.push(item);
        }
      }
      instance[key] = items;
    } else if (value !== null && typeof value === 'object') {
      if (!type || !isPlainObject(value)) return FAILED;
      const built = build(type, value);
      if (built === FAILED) return FAILED;
      instance[key] = built;
    } else {
      instance[key] = value;
    }
  }
  return instance;
}

/** class-validator's ValidationExecutor, reduced to its verdict. */
function valid(compiled: CompiledClass, object: object): boolean {
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!compiled.known.has(key)) return false; // whitelist
  for (const property of compiled.properties) {
    const value = record[property.name];
    if (!property.conditions.every((condition) => condition(object, value))) continue;
    for (const { meta, constraints } of property.checks) {
      if (meta.validateIf && !meta.validateIf(object, value)) continue;
      const args = { targetName: object.constructor.name, property: meta.propertyName, object, value, constraints: meta.constraints };
      for (const constraint of constraints) {
        if (meta.each && Array.isArray(value)) {
          for (const item of value) if (!passed(constraint.instance.validate(item, args))) return false;
        } else if (!passed(constraint.instance.validate(value, args))) {
          return false;
        }
      }
    }
    if (property.nestedValidation && value !== undefined) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (!(item instanceof Object) || Array.isArray(item) || item.constructor !== property.nested!.cls) return false;
        if (!valid(property.nested!, item)) return false;
      }
    }
  }
  return true;
}

/** A check's result; a promise (an async check where none was declared) leaves the verdict to the pipe. */
function passed(result: unknown): boolean {
  return !(result instanceof Promise) && Boolean(result);
}
