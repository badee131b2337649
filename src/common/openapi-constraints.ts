import { getMetadataStorage } from 'class-validator';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; type?: string };

interface ValidationMetadataLike {
  propertyName: string;
  name?: string;
  constraints?: unknown[];
  each?: boolean;
}

/**
 * The keyword each class-validator check stands for in a JSON schema, so a limit the code enforces
 * (an extension reason of at least 10 characters, at most 1,000 events in a batch) is also in the
 * spec without being written twice. Keywords already set by @ApiProperty win.
 */
function keywordsFor(meta: ValidationMetadataLike): Record<string, unknown> {
  const [a, b] = meta.constraints ?? [];
  switch (meta.name) {
    case 'isLength':
      return { ...(typeof a === 'number' && a > 0 ? { minLength: a } : {}), ...(typeof b === 'number' ? { maxLength: b } : {}) };
    case 'minLength':
      return typeof a === 'number' ? { minLength: a } : {};
    case 'maxLength':
      return typeof a === 'number' ? { maxLength: a } : {};
    case 'arrayMinSize':
      return typeof a === 'number' ? { minItems: a } : {};
    case 'arrayMaxSize':
      return typeof a === 'number' ? { maxItems: a } : {};
    case 'arrayUnique':
      return { uniqueItems: true };
    case 'matches':
      return a instanceof RegExp && a.flags === '' ? { pattern: a.source } : {};
    case 'isUuid':
      return { format: 'uuid' };
    case 'min':
      return typeof a === 'number' ? { minimum: a } : {};
    case 'max':
      return typeof a === 'number' ? { maximum: a } : {};
    default:
      return {};
  }
}

const ARRAY_KEYWORDS = new Set(['minItems', 'maxItems', 'uniqueItems']);

function merge(target: Schema, keywords: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(keywords)) if (!(key in target)) target[key] = value;
}

/** Adds the DTOs' class-validator limits to their component schemas, in place. */
export function addValidationConstraints(schemas: Record<string, unknown> | undefined): void {
  if (!schemas) return;
  const storage = getMetadataStorage();
  const targets = [...((storage as unknown as { validationMetadatas: Map<unknown, unknown> }).validationMetadatas?.keys() ?? [])];
  for (const target of targets) {
    if (typeof target !== 'function') continue;
    const schema = schemas[target.name] as Schema | undefined;
    if (!schema?.properties) continue;
    const metas = storage.getTargetValidationMetadatas(target, '', true, false) as ValidationMetadataLike[];
    for (const meta of metas) {
      const property = schema.properties[meta.propertyName];
      if (!property || '$ref' in property) continue;
      const keywords = keywordsFor(meta);
      if (Object.keys(keywords).length === 0) continue;
      const isArray = property.type === 'array';
      if (isArray && meta.each) {
        if (property.items && !('$ref' in property.items)) merge(property.items, keywords);
      } else if (isArray === Object.keys(keywords).every((k) => ARRAY_KEYWORDS.has(k))) {
        merge(property, keywords);
      }
    }
  }
}
