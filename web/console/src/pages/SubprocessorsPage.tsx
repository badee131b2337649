import { useInfiniteQuery } from '@tanstack/react-query';
import { api, ensure, type Schema } from '../../../shared/api';
import { formatDay, formatInstant } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { hasRole, useSession } from '../session';
import { Badge, type Tone } from '../ui/Badge';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { LoadMore } from '../ui/Pager';
import { useActorLabel } from './auditor/actors';
import { ObjectionForm, SubprocessorActions } from './auditor/SubprocessorActions';
import { TableWrap } from '../ui/TableWrap';

const m = messages.auditor.subprocessors;

type Subprocessor = Schema<'SubprocessorRecordDto'>;
type Notice = Schema<'SubprocessorNoticeDto'>;

const STATUS_TONE: Record<string, Tone> = { proposed: 'info', active: 'ok', offboarded: 'neutral' };
const RISK_TONE: Record<string, Tone> = { low: 'ok', medium: 'warn', high: 'danger' };
const NOTICE_TONE: Record<string, Tone> = { open: 'info', closed: 'ok', overridden: 'warn' };

export const SUBPROCESSORS_KEY = ['subprocessors'] as const;

function usePaged<T>(key: readonly unknown[], fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The subprocessor inventory, its Art 28(2) change notices and objections; admin and counsel actions for those roles. */
export function SubprocessorsPage() {
  const session = useSession();
  const canOffboard = hasRole(session, 'admin', 'counsel');
  const canActivate = hasRole(session, 'admin');
  const canObject = hasRole(session, 'admin', 'counsel');
  const inventory = usePaged([...SUBPROCESSORS_KEY, 'list'], (cursor) => ensure(api.GET('/v1/subprocessors', { params: { query: { cursor, limit: 200 } } })));
  const notices = usePaged([...SUBPROCESSORS_KEY, 'notices'], (cursor) => ensure(api.GET('/v1/subprocessor-notices', { params: { query: { cursor, limit: 200 } } })));
  const subs: Subprocessor[] = inventory.data?.pages.flatMap((p) => p.items) ?? [];
  const allNotices: Notice[] = notices.data?.pages.flatMap((p) => p.items) ?? [];
  const byId = new Map(subs.map((s) => [s.id, s]));
  const nameOf = (id: string | null) => (id ? (byId.get(id)?.name ?? fmt(m.unknownSubprocessor, { id })) : '');
  const openNotice = (id: string) => allNotices.find((n) => n.subprocessorId === id && n.status === 'open');
  const actions = canOffboard || canActivate;
  const actorLabel = useActorLabel(allNotices.flatMap((n) => n.objections.map((o) => o.recordedBy)));

  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <Section title={m.inventoryTitle}>
        <QueryView query={inventory}>
          {() =>
            subs.length === 0 ? (
              <p>{m.noSubprocessors}</p>
            ) : (
              <>
                <TableWrap wide label={m.inventoryCaption}>
                  <table>
                    <caption>{m.inventoryCaption}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{m.colName}</th>
                        <th scope="col">{m.colService}</th>
                        <th scope="col">{m.colCountries}</th>
                        <th scope="col">{m.colTransfer}</th>
                        <th scope="col">{m.colRisk}</th>
                        <th scope="col">{m.colStatus}</th>
                        <th scope="col">{m.colDpa}</th>
                        <th scope="col">{m.colReview}</th>
                        {actions ? <th scope="col">{m.colActions}</th> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {subs.map((s) => (
                        <tr key={s.id}>
                          <th scope="row">
                            {s.name}
                            <br />
                            <span className="muted">{s.legalEntity}</span>
                          </th>
                          <td>{s.service}</td>
                          <td>{s.processingCountries.join(', ')}</td>
                          <td>{s.transferMechanism ? (m.transfer[s.transferMechanism] ?? s.transferMechanism) : messages.auditor.notSet}</td>
                          <td>
                            <Badge tone={RISK_TONE[s.riskRating] ?? 'neutral'}>{m.risk[s.riskRating] ?? s.riskRating}</Badge>
                          </td>
                          <td>
                            <Badge tone={STATUS_TONE[s.status] ?? 'neutral'}>{m.status[s.status] ?? s.status}</Badge>
                          </td>
                          <td>
                            {s.dpaSignedOn ? formatDay(s.dpaSignedOn) : messages.auditor.notSet}
                            {s.dpaUrl ? (
                              <>
                                <br />
                                <a href={s.dpaUrl} rel="noreferrer noopener" target="_blank">
                                  {fmt(m.dpaLink, { name: s.name })}
                                </a>
                              </>
                            ) : null}
                          </td>
                          <td>{s.nextReviewOn ? formatDay(s.nextReviewOn) : messages.auditor.notSet}</td>
                          {actions ? (
                            <td>
                              <SubprocessorActions subprocessor={s} notice={openNotice(s.id)} canActivate={canActivate} canOffboard={canOffboard} />
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
                <LoadMore hasNext={inventory.hasNextPage} loading={inventory.isFetchingNextPage} onMore={() => void inventory.fetchNextPage()} />
              </>
            )
          }
        </QueryView>
      </Section>

      <Section title={m.noticesTitle}>
        <QueryView query={notices}>
          {() =>
            allNotices.length === 0 ? (
              <p>{m.noNotices}</p>
            ) : (
              <>
                <ul className="card-list">
                  {[...allNotices].reverse().map((n) => (
                    <li key={n.id} className="card">
                      <h3>
                        {fmt(m.noticeFor, { name: nameOf(n.subprocessorId) })} <Badge tone={NOTICE_TONE[n.status] ?? 'neutral'}>{m.noticeStatus[n.status] ?? n.status}</Badge>
                      </h3>
                      {n.replacesId ? <p>{fmt(m.replaces, { name: nameOf(n.replacesId) })}</p> : null}
                      <dl className="facts">
                        <dt>{m.opened}</dt>
                        <dd>{formatInstant(n.openedAt)}</dd>
                        <dt>{m.deadline}</dt>
                        <dd>{formatInstant(n.objectionDeadline)}</dd>
                        {n.closedAt ? (
                          <>
                            <dt>{m.closed}</dt>
                            <dd>{formatInstant(n.closedAt)}</dd>
                          </>
                        ) : null}
                        {n.overrideReason ? (
                          <>
                            <dt>{m.overrideReason}</dt>
                            <dd>{n.overrideReason}</dd>
                          </>
                        ) : null}
                      </dl>
                      <h4>{m.objectionsTitle}</h4>
                      {n.objections.length === 0 ? (
                        <p>{m.noObjections}</p>
                      ) : (
                        <ul>
                          {n.objections.map((o) => (
                            <li key={o.id}>
                              <strong>{fmt(m.objectionBy, { customer: o.customer, when: formatInstant(o.recordedAt) })}</strong>
                              <span className="muted"> ({actorLabel(o.recordedBy)})</span>: {o.reason}
                            </li>
                          ))}
                        </ul>
                      )}
                      {canObject && n.status === 'open' ? <ObjectionForm notice={n} /> : null}
                    </li>
                  ))}
                </ul>
                <LoadMore hasNext={notices.hasNextPage} loading={notices.isFetchingNextPage} onMore={() => void notices.fetchNextPage()} />
              </>
            )
          }
        </QueryView>
      </Section>
    </Page>
  );
}
