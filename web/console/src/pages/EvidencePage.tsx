import { useState } from 'react';
import { formatDay } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { TextField } from '../ui/Field';
import { Page, Section } from '../ui/Page';
import { api } from '../../../shared/api';
import { DownloadButton } from '../ui/DownloadButton';
import { addDays, isDay, todayUtc } from './auditor/util';

const m = messages.auditor.evidence;

/** The previous calendar month (UTC): the period an auditor most often asks for. */
function lastMonth(): { from: string; to: string } {
  const firstOfThisMonth = `${todayUtc().slice(0, 7)}-01`;
  const to = addDays(firstOfThisMonth, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}

function periodErrors(from: string, to: string): { from?: string; to?: string } {
  const errors: { from?: string; to?: string } = {};
  if (!isDay(from)) errors.from = m.required;
  if (!isDay(to)) errors.to = m.required;
  if (!errors.from && !errors.to && to < from) errors.to = m.toBeforeFrom;
  return errors;
}

/** Choose a period and download the evidence pack for it; what the pack holds, file by file. */
export function EvidencePage() {
  const [period, setPeriod] = useState(lastMonth);
  const errors = periodErrors(period.from, period.to);
  const valid = !errors.from && !errors.to;
  // Both days are included: from the first instant of the first day to the last instant of the last (UTC).
  const range = { from: `${period.from}T00:00:00.000Z`, to: `${period.to}T23:59:59.999Z` };
  const fileName = `evidence-pack-${period.from}-${period.to}.zip`;
  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <Section title={m.periodTitle}>
        <form className="card" noValidate onSubmit={(e) => e.preventDefault()}>
          <div className="filter-grid">
            <TextField label={m.from} hint={m.datesHint} error={errors.from} type="date" required value={period.from} onChange={(e) => setPeriod({ ...period, from: e.target.value })} />
            <TextField label={m.to} hint={m.datesHint} error={errors.to} type="date" required value={period.to} onChange={(e) => setPeriod({ ...period, to: e.target.value })} />
          </div>
          <div aria-live="polite">
            {valid ? (
              <>
                <DownloadButton className="button button-primary button-large" fileName={fileName} fetch={() => api.GET('/v1/evidence-pack', { params: { query: range }, parseAs: 'blob' })}>
                  {fmt(m.download, { from: formatDay(period.from), to: formatDay(period.to) })}
                </DownloadButton>
                <p className="hint">{fmt(m.fileName, { name: fileName })}</p>
              </>
            ) : (
              <p className="alert alert-warn">{m.fixFirst}</p>
            )}
          </div>
        </form>
      </Section>
      <Section title={m.contentsTitle}>
        <dl className="contents-list">
          {m.contents.map(([name, what]) => (
            <div key={name} className="contents-item">
              <dt>
                <code>{name}</code>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </Section>
    </Page>
  );
}
