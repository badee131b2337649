import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, ensure } from '../../../shared/api';
import { formatDay, formatInstant } from '../../../shared/dates';
import { fmt, plural } from '../../../shared/i18n';
import { locale, messages } from '../i18n';
import { hasRole, useSession } from '../session';
import { Badge } from '../ui/Badge';
import { TextField } from '../ui/Field';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { LoadMore } from '../ui/Pager';
import { useActorLabel } from './auditor/actors';
import { RegisterRecord } from './auditor/RegisterRecord';
import { describeMissing, STATUS_TONE } from './auditor/registerWords';
import { isDay, useQueryState, utcDayEnd } from './auditor/util';
import { DownloadButton } from '../ui/DownloadButton';
import { TableWrap } from '../ui/TableWrap';

const m = messages.auditor.register;

/** The Art 30 register: records now or as of a day, what is missing, a record's versions and diffs, the export. */
export function RegisterPage() {
  const session = useSession();
  const [params, update] = useQueryState();
  const asOfDay = isDay(params.get('asOf')) ? params.get('asOf')! : undefined;
  const asOf = asOfDay ? utcDayEnd(asOfDay) : undefined;
  const recordId = params.get('record') ?? undefined;

  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <AsOfForm key={asOfDay ?? ''} asOfDay={asOfDay} onChange={(day) => update({ asOf: day })} />
      <p role="status" className="muted">
        {asOfDay ? fmt(m.asOfShowing, { date: formatDay(asOfDay) }) : m.asOfNow}
      </p>
      {recordId ? <RegisterRecord key={`${recordId}:${asOf ?? ''}`} id={recordId} asOf={asOf} asOfDay={asOfDay} onClose={() => update({ record: undefined })} /> : null}
      <Records asOf={asOf} asOfDay={asOfDay} />
      {hasRole(session, 'counsel', 'auditor') ? (
        <Section title={m.exportTitle}>
          <p className="hint">{m.exportHint}</p>
          <div className="row">
            <ExportButton format="json" asOf={asOf} label={m.exportJson} />
            <ExportButton format="csv" asOf={asOf} label={m.exportCsv} />
            <ExportButton format="html" asOf={asOf} label={m.exportHtml} />
          </div>
        </Section>
      ) : null}
      <Completeness />
    </Page>
  );
}

type ExportFormat = 'json' | 'csv' | 'html';

function ExportButton({ format, asOf, label }: { format: ExportFormat; asOf: string | undefined; label: string }) {
  return (
    <DownloadButton fileName={`register.${format}`} fetch={() => api.GET('/v1/register/export', { params: { query: { format, asOf } }, parseAs: 'blob' })}>
      {label}
    </DownloadButton>
  );
}

function AsOfForm({ asOfDay, onChange }: { asOfDay: string | undefined; onChange: (day: string | undefined) => void }) {
  const [draft, setDraft] = useState(asOfDay ?? '');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft === '') return onChange(undefined);
    if (!isDay(draft)) return setError(m.asOfInvalid);
    setError(undefined);
    onChange(draft);
  };
  return (
    <form className="card" onSubmit={submit} noValidate>
      <fieldset className="plain-fieldset">
        <legend>{m.asOfLegend}</legend>
        <TextField label={m.asOfLabel} hint={m.asOfHint} error={error} type="date" name="asOf" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <div className="row">
          <button type="submit" className="button button-primary">
            {m.asOfShow}
          </button>
          {asOfDay ? (
            <button type="button" className="button button-secondary" onClick={() => onChange(undefined)}>
              {m.asOfToday}
            </button>
          ) : null}
        </div>
      </fieldset>
    </form>
  );
}

function Records({ asOf, asOfDay }: { asOf: string | undefined; asOfDay: string | undefined }) {
  const records = useInfiniteQuery({
    queryKey: ['register', 'records', asOf ?? 'now'],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/register/records', { params: { query: { asOf, cursor: pageParam, limit: 100 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = records.data?.pages.flatMap((p) => p.items) ?? [];
  const actorLabel = useActorLabel(items.map((r) => r.changedBy));
  return (
    <Section title={m.recordsTitle}>
      <QueryView query={records}>
        {() =>
          items.length === 0 ? (
            <p>{m.noRecords}</p>
          ) : (
            <>
              <TableWrap wide label={asOfDay ? fmt(m.recordsCaptionAsOf, { date: formatDay(asOfDay) }) : m.recordsCaption}>
                <table>
                  <caption>{asOfDay ? fmt(m.recordsCaptionAsOf, { date: formatDay(asOfDay) }) : m.recordsCaption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.colName}</th>
                      <th scope="col">{m.colKind}</th>
                      <th scope="col">{m.colStatus}</th>
                      <th scope="col">{m.colVersion}</th>
                      <th scope="col">{m.colChanged}</th>
                      <th scope="col">{m.colChangedBy}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((r) => {
                      const doc = r.document as { name?: string; kind?: string; status?: string };
                      const search = new URLSearchParams({ ...(asOfDay ? { asOf: asOfDay } : {}), record: r.id });
                      return (
                        <tr key={r.id}>
                          <td>
                            <Link to={{ search: `?${search}` }}>{doc.name ?? r.id}</Link>
                          </td>
                          <td>{m.kind[doc.kind ?? ''] ?? doc.kind}</td>
                          <td>
                            <Badge tone={STATUS_TONE[doc.status ?? ''] ?? 'neutral'}>{m.status[doc.status ?? ''] ?? doc.status}</Badge>
                          </td>
                          <td>{r.version}</td>
                          <td>{formatInstant(r.changedAt)}</td>
                          <td className="cell-id">{actorLabel(r.changedBy)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableWrap>
              <LoadMore hasNext={records.hasNextPage} loading={records.isFetchingNextPage} onMore={() => void records.fetchNextPage()} />
            </>
          )
        }
      </QueryView>
    </Section>
  );
}

function Completeness() {
  const completeness = useInfiniteQuery({
    queryKey: ['register', 'completeness'],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/register/completeness', { params: { query: { cursor: pageParam, limit: 100 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const incomplete = (completeness.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => !c.complete);
  return (
    <Section title={m.completenessTitle}>
      <p className="hint">{m.completenessIntro}</p>
      <QueryView query={completeness}>
        {() =>
          incomplete.length === 0 ? (
            <p>{m.allComplete}</p>
          ) : (
            <>
              <p>{plural(locale, incomplete.length, m.incompleteCount)}</p>
              <ul className="card-list">
                {incomplete.map((c) => (
                  <li key={c.id} className="card">
                    <h3>
                      <Link to={{ search: `?record=${c.id}` }}>{c.name}</Link>{' '}
                      <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{m.status[c.status] ?? c.status}</Badge>
                    </h3>
                    {c.missing.length > 0 ? (
                      <>
                        <p className="gap-lead">{m.missingLead}</p>
                        <ul>
                          {c.missing.map((gap) => (
                            <li key={gap}>{describeMissing(gap)}</li>
                          ))}
                        </ul>
                      </>
                    ) : null}
                    {c.conflicts.length > 0 ? (
                      <>
                        <p className="gap-lead">{m.conflictsLead}</p>
                        <ul>
                          {c.conflicts.map((conflict) => (
                            <li key={conflict}>{conflict}</li>
                          ))}
                        </ul>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
              <LoadMore hasNext={completeness.hasNextPage} loading={completeness.isFetchingNextPage} onMore={() => void completeness.fetchNextPage()} />
            </>
          )
        }
      </QueryView>
    </Section>
  );
}
