/**
 * Message catalogues. Every string a person reads comes from a catalogue, so adding a language is
 * adding a file. `fmt('{n} days left', { n: 3 })` fills placeholders; `plural` picks the form with
 * the language's own rules (Intl.PluralRules).
 */
export type Params = Record<string, string | number>;

export function fmt(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export interface PluralForms {
  zero?: string;
  one: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export function plural(locale: string, count: number, forms: PluralForms, params: Params = {}): string {
  const rule = new Intl.PluralRules(locale).select(count) as keyof PluralForms;
  return fmt(forms[rule] ?? forms.other, { n: count, ...params });
}
