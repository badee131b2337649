import { preferredType } from './accepts.js';

const OFFERED = ['application/json', 'text/html'];

describe('preferredType', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['text/html', 'text/html'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
    ['text/*, application/json;q=0.5', 'text/html'],
    ['application/json;q=0.2, text/html;q=0.3', 'text/html'],
    ['text/html, application/json', 'text/html'],
    ['application/json, text/html', 'application/json'],
    ['image/png', undefined],
    ['text/html;q=0, */*', 'application/json'],
    ['garbage', undefined],
  ])('Accept %p → %p', (accept, expected) => {
    expect(preferredType(accept, OFFERED)).toBe(expected);
  });
});
