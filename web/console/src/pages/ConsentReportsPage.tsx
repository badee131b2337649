import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure } from '../../../shared/api';
import { formatDay } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { SelectField, TextField } from '../ui/Field';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { ConsentChart } from './auditor/ConsentChart';
import { addDays, isDay, todayUtc, useQueryState } from './auditor/util';
import { DownloadButton } from '../ui/DownloadButton';
import { TableWrap } from '../ui/TableWrap';

const m = messages.auditor.consent;

const MAX_DAYS = 366;

function spanError(from: string, to: string): { from?: string; to?: string } {
  if (!isDay(from)) return { from: m.invalidDate };
  if (!isDay(to)) return { to: m.invalidDate };
  if (to < from) return { to: m.toBeforeFrom };
  if (to > addDays(from, MAX_DAYS - 1)) return { to: m.tooLong };
  return {};
}

/** Grants and withdrawals per purpose and day: a chart, the same numbers as a table, and the CSV. */
export function ConsentReportsPage() {
  const [params, update] = useQueryState();
  const today = todayUtc();
  const from = params.get('from') ?? addDays(today, -29);
  const to = params.get('to') ?? today;
  const purpose = params.get('purpose') ?? '';
  const valid = Object.keys(spanError(from, to)).length === 0;
  const query = { purpose: purpose || undefined, from, to };
  const report = useQuery({
    queryKey: ['consent-reports', query],
    queryFn: () => ensure(api.GET('/v1/consent-reports/summary', { params: { query } })),
    enabled: valid,
  });
  const purposes = useQuery({
    queryKey: ['purposes', 'all'],
    queryFn: () => ensure(api.GET('/v1/purposes')),
  });
  const options = [{ value: '', label: m.allPurposes }, ...(purposes.data?.items ?? []).map((p) => ({ value: p.key, label: `${p.title} (${p.key})` }))];

  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <ReportForm key={params.toString()} from={from} to={to} purpose={purpose} options={options} onApply={(next) => update(next)} />
      {valid ? (
        <Section title={m.reportTitle}>
          <DownloadButton fileName={`consent-summary-${from}-${to}.csv`} fetch={() => api.GET('/v1/consent-reports/summary', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' })}>
            {m.csv}
          </DownloadButton>
          <QueryView query={report}>
            {(data) => {
              const shown = [...new Set(data.rows.map((r) => r.purpose))].sort();
              if (shown.length === 0) return <p>{m.noEvents}</p>;
              const caption = purpose ? fmt(m.chartCaptionPurpose, { purpose, from: formatDay(data.from), to: formatDay(data.to) }) : fmt(m.chartCaption, { from: formatDay(data.from), to: formatDay(data.to) });
              return (
                <>
                  <figure className="chart-figure">
                    <figcaption>{caption}</figcaption>
                    <ul className="chart-legend">
                      <li>
                        <span className="swatch swatch-granted" aria-hidden="true" /> {m.legendGranted}
                      </li>
                      <li>
                        <span className="swatch swatch-withdrawn" aria-hidden="true" /> {m.legendWithdrawn}
                      </li>
                    </ul>
                    {shown.map((p) => (
                      <ConsentChart key={p} purpose={p} rows={data.rows.filter((r) => r.purpose === p)} from={data.from} to={data.to} />
                    ))}
                  </figure>
                  <TableWrap label={fmt(m.tableCaption, { from: formatDay(data.from), to: formatDay(data.to) })}>
                    <table>
                      <caption>{fmt(m.tableCaption, { from: formatDay(data.from), to: formatDay(data.to) })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{m.colDate}</th>
                          <th scope="col">{m.colPurpose}</th>
                          <th scope="col" className="num">
                            {m.colGranted}
                          </th>
                          <th scope="col" className="num">
                            {m.colWithdrawn}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.rows.map((r) => (
                          <tr key={`${r.date}:${r.purpose}`}>
                            <td>{formatDay(r.date)}</td>
                            <td>{r.purpose}</td>
                            <td className="num">{r.granted}</td>
                            <td className="num">{r.withdrawn}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                </>
              );
            }}
          </QueryView>
        </Section>
      ) : null}
    </Page>
  );
}

function ReportForm({
  from,
  to,
  purpose,
  options,
  onApply,
}: {
  from: string;
  to: string;
  purpose: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onApply: (next: { from: string; to: string; purpose: string | undefined }) => void;
}) {
  const [draft, setDraft] = useState({ from, to, purpose });
  // A bad address bar shows its errors at once; a draft's errors show when it is submitted.
  const [errors, setErrors] = useState(() => spanError(from, to));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = spanError(draft.from, draft.to);
    setErrors(found);
    if (Object.keys(found).length === 0) onApply({ ...draft, purpose: draft.purpose || undefined });
  };
  return (
    <form className="card" onSubmit={submit} noValidate>
      <fieldset className="plain-fieldset">
        <legend>{m.filtersLegend}</legend>
        <div className="filter-grid">
          <SelectField label={m.purpose} options={options} value={draft.purpose} onChange={(e) => setDraft({ ...draft, purpose: e.target.value })} />
          <TextField label={m.from} hint={m.datesHint} error={errors.from} type="date" required value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          <TextField label={m.to} hint={m.datesHint} error={errors.to} type="date" required value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <button type="submit" className="button button-primary">
          {m.show}
        </button>
      </fieldset>
    </form>
  );
}
