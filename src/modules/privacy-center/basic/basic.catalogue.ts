import type { Locale } from '../../../common/i18n/locales.js';
import { de } from './basic.de.js';
import { en } from './basic.en.js';
import { fr } from './basic.fr.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type BasicCatalogue = Shape<typeof en>;

/** Every language of `LOCALES` must have one: the compiler names a missing one. */
export const BASIC_CATALOGUES: Record<Locale, BasicCatalogue> = { en, de, fr };
