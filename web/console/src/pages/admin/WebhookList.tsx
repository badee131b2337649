import { type InfiniteData, useInfiniteQuery, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { ConfirmAction } from '../../ui/Confirm';
import { QueryView } from '../../ui/Loading';
import { LoadMore } from '../../ui/Pager';
import { Notice } from '../../ui/Problem';
import { TableWrap } from '../../ui/TableWrap';
import { useFocusReturn } from '../../ui/focus';

const m = messages.admin.webhooks;
export type WebhookPages = UseInfiniteQueryResult<InfiniteData<Schema<'WebhookPageDto'>>>;

export function useWebhooks(): WebhookPages {
  return useInfiniteQuery({
    queryKey: ['admin', 'webhooks', 'subscriptions'],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/webhooks', { params: { query: { cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function WebhookList({ hooks }: { hooks: WebhookPages }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const focusBack = useFocusReturn();
  return (
    <QueryView query={hooks}>
      {(data) => {
        const items = data.pages.flatMap((p) => p.items);
        return (
          <>
            {stopped ? (
              <Notice key={stopped} takeFocus>
                {fmt(m.stoppedNotice, { url: stopped })}
              </Notice>
            ) : null}
            {items.length === 0 ? (
              <p>{m.none}</p>
            ) : (
              <TableWrap className="table-scroll" label={m.caption}>
                <table>
                  <caption>{m.caption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.colUrl}</th>
                      <th scope="col">{m.colEvents}</th>
                      <th scope="col">{m.colPurposes}</th>
                      <th scope="col">{m.colCreated}</th>
                      <th scope="col">{m.colStatus}</th>
                      <th scope="col">{m.colActions}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((hook) => (
                      <tr key={hook.id}>
                        <td>
                          <code>{hook.url}</code>
                          {hook.description ? (
                            <>
                              <br />
                              <span className="muted">{hook.description}</span>
                            </>
                          ) : null}
                        </td>
                        <td>{hook.eventTypes.map((t) => messages.admin.events[t] ?? t).join(', ')}</td>
                        <td>{hook.purposes.length > 0 ? hook.purposes.join(', ') : m.allPurposes}</td>
                        <td>{formatInstant(hook.createdAt)}</td>
                        <td>{hook.active ? <Badge tone="ok">{m.active}</Badge> : <Badge>{m.stopped}</Badge>}</td>
                        <td className="actions-cell">
                          {!hook.active ? null : confirming === hook.id ? (
                            <ConfirmAction
                              question={fmt(m.confirmTitle, { url: hook.url })}
                              detail={m.confirmBody}
                              confirmLabel={m.confirmStop}
                              action={() => ensure(api.DELETE('/v1/webhooks/{id}', { params: { path: { id: hook.id } } }))}
                              invalidate={['admin', 'webhooks']}
                              onDone={(done) => {
                                // Cancelled: focus goes back to this row's Stop button; stopped: to the notice.
                                if (!done) focusBack.request(hook.id);
                                setConfirming(null);
                                if (done) setStopped(hook.url);
                              }}
                            />
                          ) : (
                            <button
                              type="button"
                              className="button button-secondary"
                              ref={focusBack.ref(hook.id)}
                              onClick={() => {
                                setStopped(null);
                                setConfirming(hook.id);
                              }}
                            >
                              {m.stop}
                              <span className="visually-hidden"> {hook.url}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <LoadMore hasNext={hooks.hasNextPage} loading={hooks.isFetchingNextPage} onMore={() => void hooks.fetchNextPage()} />
          </>
        );
      }}
    </QueryView>
  );
}
