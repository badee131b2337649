import { BodyError, parseJsonBody } from './http-adapter.js';

const refusal = (contentType: string, text: string) => {
  try {
    parseJsonBody(contentType, Buffer.from(text, 'utf8'));
    return undefined;
  } catch (error) {
    return error instanceof BodyError ? [error.status, error.type] : error;
  }
};

describe('parseJsonBody', () => {
  it.each([
    ['application/json', '{"a":[1,{"b":null}]}', { a: [1, { b: null }] }],
    ['application/json; charset=utf-8', '[1,2]', [1, 2]],
    ['application/json; charset="UTF-8"', ' {"é":"ü"} ', { é: 'ü' }],
    ['application/merge-patch+json', '{"x":1}', { x: 1 }],
    ['application/json', '', {}],
    ['application/json', '  \n', {}],
    ['application/json', '\ufeff{"bom":true}', { bom: true }],
  ])('%s %p → %p', (contentType, text, expected) => {
    expect(parseJsonBody(contentType, Buffer.from(text, 'utf8'))).toEqual(expected);
  });

  it('keeps "__proto__" as an ordinary key, as body-parser did', () => {
    const parsed = parseJsonBody('application/json', Buffer.from('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['application/json; charset=latin1', '{}', [415, 'charset.unsupported']],
    ['application/json', '"text"', [400, 'entity.parse.failed']],
    ['application/json', '42', [400, 'entity.parse.failed']],
    ['application/json', '{"a":', [400, 'entity.parse.failed']],
    ['application/json', '{"a":1}}', [400, 'entity.parse.failed']],
    ['application/json', `${'['.repeat(33)}${']'.repeat(33)}`, [400, 'entity.too.deep']],
    ['application/json', '\u00a0', [400, 'entity.parse.failed']],
  ])('%s %p → %p', (contentType, text, expected) => {
    expect(refusal(contentType, text)).toEqual(expected);
  });

  it.each([
    ['gzip', [415, 'encoding.unsupported']],
    ['br', [415, 'encoding.unsupported']],
    ['identity', undefined],
  ])('Content-Encoding: %s → %p', (encoding, expected) => {
    let outcome: unknown;
    try {
      parseJsonBody('application/json', Buffer.from('{}'), encoding);
    } catch (error) {
      outcome = error instanceof BodyError ? [error.status, error.type] : error;
    }
    expect(outcome).toEqual(expected);
  });

  it('32 levels is still fine', () => {
    expect(refusal('application/json', `${'['.repeat(32)}${']'.repeat(32)}`)).toBeUndefined();
  });
});
