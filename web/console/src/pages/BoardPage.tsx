import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
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
  const list = useInfiniteQuery({
    queryKey: ['requests', 'board', query],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/requests', { params: { query: { ...query, limit: PAGE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
  const counts = useQuery({
    queryKey: ['requests', 'counts', query],
    queryFn: () => ensure(api.GET('/v1/requests/counts', { params: { query } })),
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
            <LoadMore hasNext={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
          </>
        )}
      </Section>
    </Page>
  );
}
