import { en } from './en';

/** The shape every language fills: the English catalogue's keys, with any string. */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Catalogue = Shape<typeof en>;
