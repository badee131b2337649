/**
 * The privacy center's colours from the controller's accent. A brand colour is rarely readable as
 * text on white or under white text, so the page gets variants that are (WCAG 2.2 AA: 4.5:1 for
 * text, 3:1 for focus rings and borders), darkened as little as it takes.
 */
type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function hex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(parse(a)), luminance(parse(b))].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The page's background (styles.css `--wash`): a little darker than white, so the harder test. */
export const PAGE_BACKGROUND = '#f5f7fa';

/** The accent, darkened in small steps until it reaches `ratio` against the page (and so against white). */
function darkenTo(accent: string, ratio: number): string {
  let rgb = parse(accent);
  for (let i = 0; i < 100 && contrast(hex(rgb), PAGE_BACKGROUND) < ratio; i++) rgb = rgb.map((c) => c * 0.96) as Rgb;
  return hex(rgb);
}

export interface Theme {
  /** Links and headings' rule: readable on white. */
  accentText: string;
  /** Buttons' background, with white text on it. */
  accentFill: string;
  /** Focus rings and borders. */
  accentLine: string;
}

export function themeOf(accent: string): Theme {
  return { accentText: darkenTo(accent, 4.5), accentFill: darkenTo(accent, 4.5), accentLine: darkenTo(accent, 3) };
}

/** Served at /privacy/theme.css: custom properties only, from a validated `#rrggbb`. */
export function themeCss(accent: string): string {
  const t = themeOf(accent);
  return `:root{--accent-text:${t.accentText};--accent-fill:${t.accentFill};--accent-line:${t.accentLine}}\n`;
}
