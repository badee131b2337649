import type { Schema } from './api';

export type Right = Schema<'CreateRequestDto'>['type'];
export const RIGHTS: readonly Right[] = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'];

export function isRight(value: string | undefined): value is Right {
  return (RIGHTS as readonly string[]).includes(value ?? '');
}
