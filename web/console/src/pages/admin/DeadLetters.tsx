import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { QueryView } from '../../ui/Loading';
import { LoadMore } from '../../ui/Pager';
import { Notice, ProblemAlert } from '../../ui/Problem';
import type { WebhookPages } from './WebhookList';
import { TableWrap } from '../../ui/TableWrap';

const m = messages.admin.webhooks;
type Delivery = Schema<'DeliveryDto'>;

/** Dead deliveries with "Try again" (re-drive); the outcome is said in words. */
export function DeadLetters({ hooks }: { hooks: WebhookPages }) {
  const client = useQueryClient();
  const dead = useInfiniteQuery({
    queryKey: ['admin', 'webhooks', 'dead-letters'],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/webhooks/dead-letters', { params: { query: { cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const redrive = useMutation({
    mutationFn: (delivery: Delivery) => ensure(api.POST('/v1/webhooks/deliveries/{id}/redrive', { params: { path: { id: delivery.id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ['admin', 'webhooks', 'dead-letters'] }),
  });
  const urls = new Map((hooks.data?.pages ?? []).flatMap((p) => p.items).map((h) => [h.id, h.url]));
  return (
    <>
      {redrive.isSuccess ? (
        <Notice>{fmt(m.redriven, { event: redrive.data.eventId, status: m.deliveryStatus[redrive.data.status] ?? redrive.data.status })}</Notice>
      ) : null}
      <ProblemAlert error={redrive.error} />
      <QueryView query={dead}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items);
          if (items.length === 0) return <p>{m.deadNone}</p>;
          return (
            <>
              <TableWrap className="table-scroll" label={m.deadCaption}>
                <table>
                  <caption>{m.deadCaption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.colEvent}</th>
                      <th scope="col">{m.colSubscriber}</th>
                      <th scope="col">{m.colAttempts}</th>
                      <th scope="col">{m.colError}</th>
                      <th scope="col">{m.colFailed}</th>
                      <th scope="col">{m.colActions}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((d) => (
                      <tr key={d.id}>
                        <td>
                          {messages.admin.events[d.eventType] ?? d.eventType}
                          <br />
                          <code className="muted">{d.eventId}</code>
                        </td>
                        <td>
                          <code>{urls.get(d.subscriptionId) ?? fmt(m.unknownSubscriber, { id: d.subscriptionId })}</code>
                        </td>
                        <td>{d.attempts}</td>
                        <td>{d.lastError ?? '—'}</td>
                        <td>{formatInstant(d.updatedAt)}</td>
                        <td>
                          <button type="button" className="button button-secondary" disabled={redrive.isPending} onClick={() => redrive.mutate(d)}>
                            {redrive.isPending && redrive.variables?.id === d.id ? m.redriving : m.redrive}
                            <span className="visually-hidden"> {d.eventId}</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <LoadMore hasNext={dead.hasNextPage} loading={dead.isFetchingNextPage} onMore={() => void dead.fetchNextPage()} />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
