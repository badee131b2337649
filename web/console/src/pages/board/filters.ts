import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import type { Schema } from '../../../../shared/api';

type Summary = Schema<'RequestSummaryDto'>;
export type Status = Summary['status'];
export type RequestType = Summary['type'];
export type Jurisdiction = Summary['jurisdiction'];

export const OPEN_STATUSES: readonly Status[] = ['received', 'awaiting_verification', 'verified', 'awaiting_approval', 'in_progress', 'paused_for_clarification'];
export const TYPES: readonly RequestType[] = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'];
export const JURISDICTIONS: readonly Jurisdiction[] = ['EU', 'UK', 'US-CA', 'US-VA', 'BR', 'CA-QC'];

/** The board's filters, as they stand in the address bar: no personal data (an assignee is an opaque ref, "mine" is 1). */
export interface BoardFilters {
  status?: Status;
  type?: RequestType;
  jurisdiction?: Jurisdiction;
  assignee?: string;
  mine: boolean;
}

const oneOf = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined => (value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined);

function serialize(next: BoardFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (next.status) out.set('status', next.status);
  if (next.type) out.set('type', next.type);
  if (next.jurisdiction) out.set('jurisdiction', next.jurisdiction);
  if (next.assignee) out.set('assignee', next.assignee);
  if (next.mine) out.set('mine', '1');
  return out;
}

export function useBoardFilters(): [BoardFilters, (change: Partial<BoardFilters>) => void, () => void] {
  const [params, setParams] = useSearchParams();
  const assignee = params.get('assignee');
  const filters: BoardFilters = {
    status: oneOf(params.get('status'), OPEN_STATUSES),
    type: oneOf(params.get('type'), TYPES),
    jurisdiction: oneOf(params.get('jurisdiction'), JURISDICTIONS),
    assignee: assignee && /^[0-9a-f]{64}$/.test(assignee) ? assignee : undefined,
    mine: params.get('mine') === '1',
  };
  // A change made before the address bar caught up with the previous one builds on that one, not on
  // what this render read from the address bar.
  const pending = useRef<BoardFilters | null>(null);
  const current = params.toString();
  useEffect(() => {
    if (pending.current && serialize(pending.current).toString() === current) pending.current = null;
  }, [current]);
  const write = (next: BoardFilters) => {
    pending.current = next;
    setParams(serialize(next), { replace: true });
  };
  return [filters, (change) => write({ ...(pending.current ?? filters), ...change }), () => write({ mine: false })];
}

/** The API's query for these filters (open requests only). */
export function apiQuery(filters: BoardFilters) {
  return {
    open: true,
    status: filters.status,
    type: filters.type,
    jurisdiction: filters.jurisdiction,
    assigneeRef: filters.assignee,
    mine: filters.mine || undefined,
  };
}

export function hasFilters(filters: BoardFilters): boolean {
  return Boolean(filters.status || filters.type || filters.jurisdiction || filters.assignee || filters.mine);
}
