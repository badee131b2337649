import { keepPreviousData, type QueryKey, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, ensure } from '../../../shared/api';
import { formatInstant } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Loading } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { LoadMore } from '../ui/Pager';
import { ProblemAlert } from '../ui/Problem';
import { BoardCounts } from './board/BoardCounts';
import { BoardFilters } from './board/BoardFilters';
import { BoardRows } from './board/BoardRows';
import { apiQuery, hasFilters, useBoardFilters } from './board/filters';

const b = messages.counselBoard.board;

const PAGE = 50;
/** The board refreshes itself: every minute, and when the window gets focus again. */
const REFRESH_MS = 60_000;

/**
 * Counsel's home: open requests by due date in force, each clock read by the server in the
 * request's own jurisdiction (the browser's clock decides nothing here).
 */
export function BoardPage() {
  const [filters, setFilters, clearFilters] = useBoardFilters();
  const query = apiQuery(filters);
  const client = useQueryClient();
  const more = useRef(false);
  /**
   * A refetch of what is already shown (the minute timer, the window regaining focus) is not the
   * person at work: it says so, and the server does not count it against the idle timeout. The first
   * load of a filter and "Show more" are the person's own doing.
   */
  const background = (key: QueryKey) => ((client.getQueryState(key)?.dataUpdatedAt ?? 0) > 0 && !more.current ? { 'X-Lethe-Background': '1' } : undefined);
  const list = useInfiniteQuery({
    queryKey: ['requests', 'board', query],
    queryFn: ({ pageParam, queryKey }) => ensure(api.GET('/v1/requests', { params: { query: { ...query, limit: PAGE, cursor: pageParam } }, headers: background(queryKey) })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
  const counts = useQuery({
    queryKey: ['requests', 'counts', query],
    queryFn: ({ queryKey }) => ensure(api.GET('/v1/requests/counts', { params: { query }, headers: background(queryKey) })),
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = counts.data?.open;
  const caption = total === undefined ? b.caption : `${b.caption} (${fmt(b.captionShown, { shown: rows.length, total })})`;
  return (
    <Page title={b.title}>
      <p>{b.intro}</p>
      <BoardFilters filters={filters} onChange={setFilters} onClear={clearFilters} />
      <Section title={b.counts}>
        <ProblemAlert error={counts.error} />
        {counts.data ? <BoardCounts counts={counts.data} /> : counts.isPending ? <Loading /> : null}
      </Section>
      <Section
        title={b.caption}
        actions={
          list.dataUpdatedAt ? <p className="muted board-updated">{fmt(b.updatedAt, { time: formatInstant(new Date(list.dataUpdatedAt).toISOString()) })}</p> : null
        }
      >
        <ProblemAlert error={list.error} />
        {list.isPending ? (
          <Loading />
        ) : rows.length === 0 ? (
          <p>{hasFilters(filters) ? b.none : b.noneAtAll}</p>
        ) : (
          <>
            <BoardRows rows={rows} caption={caption} />
            <LoadMore hasNext={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => {
                more.current = true;
                void list.fetchNextPage().finally(() => {
                  more.current = false;
                });
              }} />
          </>
        )}
      </Section>
    </Page>
  );
}
