import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { useSession } from '../../session';
import { Badge } from '../../ui/Badge';
import { ConfirmAction } from '../../ui/Confirm';
import { Checkbox } from '../../ui/Field';
import { QueryView } from '../../ui/Loading';
import { LoadMore } from '../../ui/Pager';
import { TableWrap } from '../../ui/TableWrap';
import { useFocusReturn } from '../../ui/focus';

const m = messages.admin.keys;
type ApiKey = Schema<'ApiKeyDto'>;

function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.revokedAt) return <Badge tone="danger">{fmt(m.revokedOn, { when: formatInstant(apiKey.revokedAt) })}</Badge>;
  if (!apiKey.active) return <Badge tone="warn">{m.expired}</Badge>;
  return <Badge tone="ok">{m.active}</Badge>;
}

export function KeyList({ onRevoked }: { onRevoked: (name: string) => void }) {
  const session = useSession();
  const [includeInactive, setIncludeInactive] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const focusBack = useFocusReturn();
  const keys = useInfiniteQuery({
    queryKey: ['admin', 'api-keys', { includeInactive }],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/api-keys', { params: { query: { includeInactive, cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const mine = (key: ApiKey) => session.method === 'api_key' && session.actor === key.id;
  return (
    <>
      <Checkbox label={m.includeInactive} checked={includeInactive} onChange={(e) => setIncludeInactive(e.target.checked)} />
      <QueryView query={keys}>
        {(data) => {
          const items = data.pages.flatMap((p) => p.items);
          if (items.length === 0) return <p>{m.none}</p>;
          const names = new Map(items.map((k) => [k.id, k.name]));
          const creator = (actor: string) => (actor === 'system' ? m.createdBySystem : fmt(m.createdBy, { actor: names.get(actor) ?? actor }));
          return (
            <>
              <TableWrap className="table-scroll" label={m.caption}>
                <table>
                  <caption>{m.caption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.colName}</th>
                      <th scope="col">{m.colRoles}</th>
                      <th scope="col">{m.colCreated}</th>
                      <th scope="col">{m.colExpires}</th>
                      <th scope="col">{m.colStatus}</th>
                      <th scope="col">{m.colActions}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((key) => (
                      <tr key={key.id}>
                        <td>
                          {key.name}
                          <br />
                          <code className="muted nowrap">{key.prefix}</code>
                        </td>
                        <td>{key.roles.map((r) => messages.admin.roles[r] ?? r).join(', ')}</td>
                        <td>
                          {formatInstant(key.createdAt)}
                          <br />
                          <span className="muted">{creator(key.createdBy)}</span>
                        </td>
                        <td>{key.expiresAt ? formatInstant(key.expiresAt) : m.never}</td>
                        <td>
                          <KeyStatus apiKey={key} />
                        </td>
                        <td className="actions-cell">
                          {!key.active ? null : mine(key) ? (
                            <>
                              <Badge tone="info">{m.yours}</Badge>
                              <p className="hint">{m.yoursHint}</p>
                            </>
                          ) : confirming === key.id ? (
                            <ConfirmAction
                              question={fmt(m.confirmTitle, { name: key.name })}
                              detail={m.confirmBody}
                              confirmLabel={m.confirmRevoke}
                              action={() => ensure(api.DELETE('/v1/api-keys/{id}', { params: { path: { id: key.id } } }))}
                              invalidate={['admin', 'api-keys']}
                              onDone={(revoked) => {
                                // Cancelled: focus goes back to this row's Revoke button; revoked: to the notice.
                                if (!revoked) focusBack.request(key.id);
                                setConfirming(null);
                                if (revoked) onRevoked(key.name);
                              }}
                            />
                          ) : (
                            <button type="button" className="button button-secondary" ref={focusBack.ref(key.id)} onClick={() => setConfirming(key.id)}>
                              {m.revoke}
                              <span className="visually-hidden"> {key.name}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <p className="hint">{m.lastUsedUnknown}</p>
              <LoadMore hasNext={keys.hasNextPage} loading={keys.isFetchingNextPage} onMore={() => void keys.fetchNextPage()} />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
