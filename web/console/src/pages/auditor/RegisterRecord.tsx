import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, useEffect, useId, useRef, useState } from 'react';
import { api, ensure, LetheProblem } from '../../../../shared/api';
import { formatDay, formatInstant } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { SelectField } from '../../ui/Field';
import { Loading, QueryView } from '../../ui/Loading';
import { LoadMore } from '../../ui/Pager';
import { ProblemAlert } from '../../ui/Problem';
import { useActorLabel } from './actors';
import { describeDiffValue, describeField, FIELD_ORDER, fieldLabel, pathLabel, type RegisterDocument, STATUS_TONE } from './registerWords';
import { TableWrap } from '../../ui/TableWrap';

const m = messages.auditor.register;

/** One record as it stood (now or at the as-of day), its versions, and the field diff between two of them. */
export function RegisterRecord({ id, asOf, asOfDay, onClose }: { id: string; asOf: string | undefined; asOfDay: string | undefined; onClose: () => void }) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const record = useQuery({
    queryKey: ['register', 'record', id, asOf ?? 'now'],
    queryFn: () => ensure(api.GET('/v1/register/records/{id}', { params: { path: { id }, query: { asOf } } })),
  });
  const versions = useInfiniteQuery({
    queryKey: ['register', 'versions', id],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/register/records/{id}/versions', { params: { path: { id }, query: { cursor: pageParam, limit: 200 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const allVersions = versions.data?.pages.flatMap((p) => p.items) ?? [];
  const actorLabel = useActorLabel(allVersions.map((v) => v.changedBy));
  const doc = record.data?.document as RegisterDocument | undefined;
  const name = doc?.name ?? allVersions[0]?.id ?? id;

  // Announce where the person now is: the record's heading takes focus when it opens.
  useEffect(() => heading.current?.focus(), [id]);

  const notThen = record.error instanceof LetheProblem && record.error.status === 404 && asOf !== undefined;
  return (
    <section className="section card record" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {fmt(m.recordTitle, { name })}
        </h2>
        <button type="button" className="button button-secondary button-small" onClick={onClose}>
          {m.closeRecord}
        </button>
      </div>
      {notThen ? (
        <p>{m.notInRegisterThen}</p>
      ) : (
        <QueryView query={record}>
          {(entry) => (
            <>
              <p className="muted">{asOfDay ? fmt(m.recordAsOf, { version: entry.version, date: formatDay(asOfDay) }) : fmt(m.recordNow, { version: entry.version })}</p>
              <dl className="facts">
                {FIELD_ORDER.map((field) => {
                  const value = (entry.document as Record<string, unknown>)[field];
                  if (value === undefined) return null;
                  return (
                    <Fragment key={field}>
                      <dt>{fieldLabel(field)}</dt>
                      <dd>{field === 'status' ? <Badge tone={STATUS_TONE[String(value)] ?? 'neutral'}>{describeField(field, value)}</Badge> : describeField(field, value)}</dd>
                    </Fragment>
                  );
                })}
              </dl>
            </>
          )}
        </QueryView>
      )}

      <h3>{m.versionsTitle}</h3>
      <QueryView query={versions}>
        {() => (
          <>
            <TableWrap wide label={fmt(m.versionsCaption, { name })}>
              <table>
                <caption>{fmt(m.versionsCaption, { name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{m.colVersion}</th>
                    <th scope="col">{m.colChanged}</th>
                    <th scope="col">{m.colChangedBy}</th>
                    <th scope="col">{m.colChangedFields}</th>
                  </tr>
                </thead>
                <tbody>
                  {allVersions.map((v) => (
                    <tr key={v.version}>
                      <td>{v.version}</td>
                      <td>{formatInstant(v.changedAt)}</td>
                      <td className="cell-id">{actorLabel(v.changedBy)}</td>
                      <td>{v.changed.map(fieldLabel).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <LoadMore hasNext={versions.hasNextPage} loading={versions.isFetchingNextPage} onMore={() => void versions.fetchNextPage()} />
            {allVersions.length < 2 ? <p>{m.onlyOneVersion}</p> : <Compare id={id} versions={allVersions.map((v) => v.version)} />}
          </>
        )}
      </QueryView>
    </section>
  );
}

function Compare({ id, versions }: { id: string; versions: number[] }) {
  const latest = versions[versions.length - 1]!;
  const previous = versions[versions.length - 2]!;
  const [draft, setDraft] = useState({ from: previous, to: latest });
  const [shown, setShown] = useState({ from: previous, to: latest });
  const diff = useQuery({
    queryKey: ['register', 'diff', id, shown.from, shown.to],
    queryFn: () => ensure(api.GET('/v1/register/records/{id}/diff', { params: { path: { id }, query: { from: shown.from, to: shown.to } } })),
  });
  const options = versions.map((v) => ({ value: String(v), label: String(v) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(draft);
  };
  return (
    <>
      <form onSubmit={submit} className="compare-form">
        <fieldset>
          <legend>{m.compareTitle}</legend>
          <div className="row">
            <SelectField label={m.compareFrom} options={options} value={String(draft.from)} onChange={(e) => setDraft({ ...draft, from: Number(e.target.value) })} />
            <SelectField label={m.compareTo} options={options} value={String(draft.to)} onChange={(e) => setDraft({ ...draft, to: Number(e.target.value) })} />
            <div className="field">
              <button type="submit" className="button button-primary">
                {m.compareShow}
              </button>
            </div>
          </div>
        </fieldset>
      </form>
      {diff.isPending ? <Loading /> : null}
      <ProblemAlert error={diff.error} />
      {diff.data ? (
        diff.data.changes.length === 0 ? (
          <p role="status">{fmt(m.diffNone, { from: diff.data.from, to: diff.data.to })}</p>
        ) : (
          <TableWrap label={fmt(m.diffCaption, { from: diff.data.from, to: diff.data.to })}>
            <table className="diff-table">
              <caption>{fmt(m.diffCaption, { from: diff.data.from, to: diff.data.to })}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colField}</th>
                  <th scope="col">{m.colBefore}</th>
                  <th scope="col">{m.colAfter}</th>
                </tr>
              </thead>
              <tbody>
                {diff.data.changes.map((c) => {
                  const { label, rest } = pathLabel(c.path);
                  return (
                    <tr key={c.path}>
                      <th scope="row">
                        {label}
                        {rest ? (
                          <>
                            {' '}
                            <code>{rest}</code>
                          </>
                        ) : null}
                      </th>
                      <td className="diff-before">{describeDiffValue(c.path, 'before' in c ? c.before : undefined)}</td>
                      <td className="diff-after">{describeDiffValue(c.path, 'after' in c ? c.after : undefined)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )
      ) : null}
    </>
  );
}
