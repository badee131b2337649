import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { BadRequestException } from '@nestjs/common';

export const MAX_PAGE_SIZE = 200;

/** Query parameters every list endpoint accepts. */
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Items per page', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s `nextCursor`', example: 'eyJrIjoiNDIifQ' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}

export class PageMetaDto {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` to get the next page; null on the last page' })
  nextCursor: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageSize(query: PageQueryDto, fallback = 50): number {
  return query.limit ?? fallback;
}

/** Cursors are opaque base64url JSON so their shape can change without breaking clients. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  isValid: (value: Record<string, unknown>) => value is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && isValid(value as Record<string, unknown>)) return value as T;
  } catch {
    // fall through to the 400 below
  }
  throw new BadRequestException({ errors: [{ path: 'cursor', message: 'cursor is not valid for this list' }] });
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and builds the next cursor. */
export function toPage<R, T>(rows: R[], limit: number, position: (row: R) => Record<string, string | number>, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(position(last)) : null };
}

function isSortKey(value: Record<string, unknown>): value is { s: string } {
  return typeof value.s === 'string';
}

/**
 * A page of a list that is built in memory (small lists: the register, subprocessors): ordered by
 * `sortKey` (unique per item), the cursor carries the last key so a page never repeats or skips an
 * item when others are added or removed in between.
 */
export function pageItems<T>(items: readonly T[], query: PageQueryDto, sortKey: (item: T) => string): Page<T> {
  const after = decodeCursor(query.cursor, isSortKey)?.s;
  const keyed = items.map((item) => ({ key: sortKey(item), item })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = after === undefined ? keyed : keyed.filter((entry) => entry.key > after);
  return toPage(rest.slice(0, pageSize(query) + 1), pageSize(query), (entry) => ({ s: entry.key }), (entry) => entry.item);
}
