import { contrast, PAGE_BACKGROUND, themeCss, themeOf } from './theme.js';

describe('the privacy center theme', () => {
  it.each([
    ['a dark blue already readable: kept as is', '#1d4ed8', { accentText: '#1d4ed8', accentLine: '#1d4ed8' }],
    ['black: kept', '#000000', { accentFill: '#000000' }],
  ])('%s', (_case, accent, expected) => {
    expect(themeOf(accent)).toMatchObject(expected);
  });

  it.each(['#ffcc00', '#ffffff', '#00ff00', '#ff6600', '#7dd3fc'])('a light accent %s is darkened until text on the page and white on it read at 4.5:1, lines at 3:1', (accent) => {
    const t = themeOf(accent);
    expect(contrast(t.accentText, PAGE_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.accentFill, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.accentLine, PAGE_BACKGROUND)).toBeGreaterThanOrEqual(3);
    expect(contrast(t.accentLine, PAGE_BACKGROUND)).toBeLessThan(4.5);
  });

  it('contrast follows WCAG: black on white is 21:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('writes custom properties only', () => {
    expect(themeCss('#1d4ed8')).toBe(':root{--accent-text:#1d4ed8;--accent-fill:#1d4ed8;--accent-line:#1d4ed8}\n');
  });
});
