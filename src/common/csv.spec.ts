import { csvCell, toCsv } from './csv.js';

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['=SUM(A1:A2)', `"'=SUM(A1:A2)"`],
    ['+1-555', `"'+1-555"`],
    ['-cmd|calc', `"'-cmd|calc"`],
    ['@import', `"'@import"`],
    ['\tTab', `"'\tTab"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
  ])('%j → %s', (input, expected) => expect(csvCell(input)).toBe(expected));

  it('keeps numbers, empties and dates', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
  });

  it('writes objects as JSON', () => {
    expect(csvCell({ a: [1] })).toBe('"{""a"":[1]}"');
  });

  it('joins rows with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });
});
