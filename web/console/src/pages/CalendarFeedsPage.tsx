import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, ensure, type Schema } from '../../../shared/api';
import { formatInstant } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Badge } from '../ui/Badge';
import { ConfirmStep } from '../ui/Confirm';
import { CopyButton } from '../ui/CopyButton';
import { Loading } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { LoadMore } from '../ui/Pager';
import { Notice, ProblemAlert } from '../ui/Problem';
import { TableWrap } from '../ui/TableWrap';

const f = messages.counselBoard.feeds;
const FEEDS_KEY = ['deadline-feeds'] as const;

type Feed = Schema<'FeedSummaryDto'>;

const short = (id: string) => id.slice(0, 8);

/** Secret calendar-feed URLs: made here (the URL shown once), listed, revoked after a confirmation. */
export function CalendarFeedsPage() {
  const client = useQueryClient();
  const feeds = useInfiniteQuery({
    queryKey: FEEDS_KEY,
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/deadlines/feeds', { params: { query: { cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // The secret feed URL is shown once: kept in this page's state only, never in the mutation cache.
  const [created, setCreated] = useState<Schema<'FeedDto'> | null>(null);
  const create = useMutation({
    mutationFn: () => ensure(api.POST('/v1/deadlines/feeds')),
    gcTime: 0,
    onSuccess: () => client.invalidateQueries({ queryKey: FEEDS_KEY }),
  });
  const [confirming, setConfirming] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => ensure(api.DELETE('/v1/deadlines/feeds/{id}', { params: { path: { id } } })).then(() => id),
    onSuccess: (id) => {
      setConfirming(null);
      // The URL just shown no longer works: stop showing it.
      if (created?.id === id) setCreated(null);
      return client.invalidateQueries({ queryKey: FEEDS_KEY });
    },
  });
  const rows = feeds.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={f.title}>
      <p>{f.intro}</p>
      <p>
        <button
          type="button"
          className="button button-primary"
          disabled={create.isPending}
          onClick={() => {
            revoke.reset();
            setCreated(null);
            create.mutate(undefined, {
              onSuccess: (feed) => {
                setCreated(feed);
                create.reset();
              },
            });
          }}
        >
          {create.isPending ? f.creating : f.create}
        </button>
      </p>
      <ProblemAlert error={create.error} />
      {created ? (
        <div className="alert alert-ok" role="status">
          <p className="alert-title">{f.createdTitle}</p>
          <p>{f.secretWarning}</p>
          <p className="field">
            <label htmlFor="feed-url">{f.urlLabel}</label>
            <input id="feed-url" className="secret mono" readOnly value={created.url} onFocus={(e) => e.target.select()} />
          </p>
          <CopyButton value={created.url} label={f.copyUrl} />
        </div>
      ) : null}
      {revoke.isSuccess && revoke.data ? <Notice>{fmt(f.revoked, { short: short(revoke.data) })}</Notice> : null}
      <Section title={f.yours}>
        <ProblemAlert error={feeds.error ?? revoke.error} />
        {feeds.isPending ? (
          <Loading />
        ) : rows.length === 0 ? (
          <p>{f.none}</p>
        ) : (
          <>
            <TableWrap label={f.caption}>
              <table>
                <caption>{f.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{f.col.feed}</th>
                    <th scope="col">{f.col.created}</th>
                    <th scope="col">{f.col.state}</th>
                    <th scope="col">{f.col.actions}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((feed) => (
                    <FeedRow
                      key={feed.id}
                      feed={feed}
                      confirming={confirming === feed.id}
                      busy={revoke.isPending}
                      onAsk={() => setConfirming(feed.id)}
                      onCancel={() => setConfirming(null)}
                      onConfirm={() => revoke.mutate(feed.id)}
                    />
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <LoadMore hasNext={feeds.hasNextPage} loading={feeds.isFetchingNextPage} onMore={() => void feeds.fetchNextPage()} />
          </>
        )}
      </Section>
    </Page>
  );
}

function FeedRow({ feed, confirming, busy, onAsk, onCancel, onConfirm }: { feed: Feed; confirming: boolean; busy: boolean; onAsk: () => void; onCancel: () => void; onConfirm: () => void }) {
  // Cancelling gives focus back to the Revoke button.
  const ask = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (!confirming && wasConfirming.current) ask.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  return (
    <tr>
      <th scope="row">
        {f.feedName} <span className="mono short-id">{short(feed.id)}</span>
      </th>
      <td>{formatInstant(feed.createdAt)}</td>
      <td>{feed.revokedAt ? <Badge tone="neutral">{fmt(f.revokedOn, { instant: formatInstant(feed.revokedAt) })}</Badge> : <Badge tone="ok">{f.active}</Badge>}</td>
      <td>
        {feed.revokedAt ? null : confirming ? (
          <ConfirmStep question={fmt(f.confirm, { short: short(feed.id) })} confirmLabel={f.confirmYes} busy={busy} onConfirm={onConfirm} onCancel={onCancel} />
        ) : (
          <button ref={ask} type="button" className="button button-secondary" aria-label={fmt(f.revokeLabel, { short: short(feed.id) })} onClick={onAsk}>
            {f.revoke}
          </button>
        )}
      </td>
    </tr>
  );
}
