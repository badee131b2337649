import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import type { Catalogue } from './catalogue';
import { de } from './de';
import { en } from './en';
import { fr } from './fr';

/**
 * The languages of the privacy center. Adding one: write its catalogue beside en.ts and list it
 * here (the server's src/common/i18n/locales.ts lists the same codes for mails).
 */
export const CATALOGUES = { en, de, fr } satisfies Record<string, Catalogue>;
export type Locale = keyof typeof CATALOGUES;
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

function isLocale(value: string | null | undefined): value is Locale {
  return value !== null && value !== undefined && value in CATALOGUES;
}

/** `?lang=` when it names one of ours, else the browser's languages in order (Accept-Language), else English. */
export function initialLocale(): Locale {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (isLocale(asked)) return asked;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

/** The browser's own variant of the language (en-GB writes 2 January, en-US January 2), else the language. */
function regionalVariant(locale: Locale): string {
  return (navigator.languages ?? []).find((tag) => tag.toLowerCase().split('-')[0] === locale) ?? locale;
}

interface LocaleState {
  locale: Locale;
  m: Catalogue;
  setLocale: (locale: Locale) => void;
  /** A calendar day (YYYY-MM-DD) in words, e.g. "23 December 2026". */
  day: (day: string) => string;
  /** An instant in the reader's own time zone. */
  instant: (iso: string) => string;
}

const Context = createContext<LocaleState | null>(null);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
    // The choice lives in the address (no cookie, no storage): a reload or a shared link keeps it.
    const url = new URL(window.location.href);
    if (url.searchParams.get('lang') !== locale) {
      url.searchParams.set('lang', locale);
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
  }, [locale]);
  const value = useMemo<LocaleState>(() => {
    const region = regionalVariant(locale);
    const days = new Intl.DateTimeFormat(region, { dateStyle: 'long', timeZone: 'UTC' });
    const instants = new Intl.DateTimeFormat(region, { dateStyle: 'long', timeStyle: 'short' });
    return {
      locale,
      m: CATALOGUES[locale],
      setLocale,
      day: (d) => days.format(new Date(`${d}T00:00:00Z`)),
      instant: (iso) => instants.format(new Date(iso)),
    };
  }, [locale]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useLocale(): LocaleState {
  const state = useContext(Context);
  if (!state) throw new Error('useLocale outside LocaleProvider');
  return state;
}
