import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { BadRequestException, Injectable } from '@nestjs/common';
import { FieldError } from './problem.js';

/** How deep a JSON body may nest (objects and arrays). Lethe's own bodies use fewer than ten levels. */
export const MAX_JSON_DEPTH = 32;

const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
const MAX_WALK_DEPTH = MAX_JSON_DEPTH + 8;

/** Why a string cannot be stored or compared safely, or undefined when it can. */
export function unsafeText(value: string): string | undefined {
  if (NUL.test(value)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain an unpaired UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/**
 * Every string that comes in through a body, a query or a path parameter, and every object key,
 * checked before any DTO sees it: no NUL characters (Postgres refuses them) and no lone UTF-16
 * surrogates (not Unicode; validators and encoders throw on them). Paths are named like the
 * ValidationPipe's (`changes[2].field`).
 */
export function textErrors(value: unknown, path: string, errors: FieldError[] = [], depth = 0): FieldError[] {
  if (errors.length >= 20 || depth > MAX_WALK_DEPTH) return errors;
  if (typeof value === 'string') {
    const problem = unsafeText(value);
    if (problem) errors.push({ path: path || 'body', message: `${path || 'the body'} ${problem}` });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textErrors(item, `${path}[${i}]`, errors, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      const problem = unsafeText(key);
      if (problem) errors.push({ path: path || 'body', message: `a field name in ${path || 'the body'} ${problem}` });
      else textErrors(item, child, errors, depth + 1);
    }
  }
  return errors;
}

type Class = abstract new (...args: never[]) => unknown;

interface PropertyMetadata {
  type?: unknown;
  isArray?: boolean;
  nullable?: boolean;
}

function isClass(value: unknown): value is Class {
  return typeof value === 'function' && value.prototype !== undefined && value !== String && value !== Number && value !== Boolean && value !== Object && value !== Array && value !== Date;
}

/** The DTO class a documented property holds, if it holds one (`type: X`, `type: [X]`, `type: () => X`). */
function nestedClass(meta: PropertyMetadata): Class | undefined {
  let type = Array.isArray(meta.type) ? meta.type[0] : meta.type;
  if (typeof type === 'function' && type.prototype === undefined) type = (type as () => unknown)();
  return isClass(type) ? type : undefined;
}

/**
 * `null` where the OpenAPI document does not declare the field nullable: class-validator's
 * @IsOptional lets null through, so without this a PATCH with `{"title": null}` reaches the
 * database. The spec (the @ApiProperty `nullable` flag) is the single source of truth.
 */
export function nullErrors(value: unknown, dto: Class, path = '', errors: FieldError[] = [], depth = 0): FieldError[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > MAX_WALK_DEPTH) return errors;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const meta = Reflect.getMetadata(SWAGGER_PROPERTY, dto.prototype as object, key) as PropertyMetadata | undefined;
    if (!meta) continue;
    const child = path === '' ? key : `${path}.${key}`;
    if (item === null) {
      if (!meta.nullable) errors.push({ path: child, message: `${child} must not be null (leave it out instead)` });
      continue;
    }
    const nested = nestedClass(meta);
    if (!nested) continue;
    if (Array.isArray(item)) item.forEach((element, i) => nullErrors(element, nested, `${child}[${i}]`, errors, depth + 1));
    else nullErrors(item, nested, child, errors, depth + 1);
  }
  return errors;
}

/**
 * The first global pipe: input the DTOs must never see. Runs on every @Body, @Query and @Param
 * before the ValidationPipe, so the checks hold for routes written later too. When the only
 * problem is a forbidden `null`, the DTO's own rules still run on the rest, so one answer names
 * every bad field.
 */
@Injectable()
export class InputPipe implements PipeTransform {
  constructor(private readonly validation?: PipeTransform) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'body' ? '' : (metadata.data ?? '');
    const errors = textErrors(value, root);
    const dto = metadata.metatype;
    if (errors.length === 0 && metadata.type === 'body' && dto !== undefined && isClass(dto) && value !== undefined) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        errors.push({ path: 'body', message: 'the request body must be a JSON object' });
      } else {
        const nulls = nullErrors(value, dto, '', []);
        if (nulls.length > 0) errors.push(...nulls, ...(await this.otherErrors(value as Record<string, unknown>, nulls, metadata)));
      }
    }
    if (errors.length > 0) throw new BadRequestException({ message: 'The request is not valid', errors });
    return value;
  }

  /** What the DTO's rules say of the body once the refused nulls are left out. */
  private async otherErrors(value: Record<string, unknown>, nulls: FieldError[], metadata: ArgumentMetadata): Promise<FieldError[]> {
    if (!this.validation) return [];
    const refused = new Set(nulls.map((error) => error.path));
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !refused.has(key)));
    try {
      await this.validation.transform(rest, metadata);
      return [];
    } catch (error) {
      const body = error instanceof BadRequestException ? (error.getResponse() as { errors?: FieldError[] }) : undefined;
      return (body?.errors ?? []).filter((e) => !refused.has(e.path));
    }
  }
}

/**
 * How deep a JSON text nests, without parsing it: brackets outside strings. Used by the body
 * parser's verify step, so a 10,000-deep body is refused before anything recurses over it.
 */
export function jsonDepthExceeds(buffer: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}
