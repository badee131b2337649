import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure } from '../../../shared/api';
import { formatDay, formatInstant, viewerTimeZone } from '../../../shared/dates';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { Checkbox, fieldErrors, SelectField, TextField } from '../ui/Field';
import { Loading } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { ProblemAlert } from '../ui/Problem';
import { type Jurisdiction, JURISDICTIONS } from './board/filters';

const m = messages.counselBoard;
const c = m.calculator;

interface Facts {
  jurisdiction: Jurisdiction;
  receivedAt: string;
  extended: boolean;
  kind: 'standard' | 'opt_out';
  pauseFrom: string;
  pauseTo: string;
  identityRequestedAt: string;
  identityReceivedAt: string;
}

const EMPTY: Facts = { jurisdiction: 'EU', receivedAt: '', extended: false, kind: 'standard', pauseFrom: '', pauseTo: '', identityRequestedAt: '', identityReceivedAt: '' };

/** Only what was filled in goes to the server (empty date fields are left out). */
function queryOf(f: Facts) {
  const opt = (v: string) => (v === '' ? undefined : v);
  return {
    jurisdiction: f.jurisdiction,
    receivedAt: f.receivedAt,
    extended: f.extended,
    kind: f.jurisdiction === 'US-CA' ? f.kind : undefined,
    pauseFrom: opt(f.pauseFrom),
    pauseTo: opt(f.pauseTo),
    identityRequestedAt: opt(f.identityRequestedAt),
    identityReceivedAt: opt(f.identityReceivedAt),
  };
}

/** Counsel types in the facts of a request; the server's legal clock answers, with the rules it applied. */
export function CalculatorPage() {
  const [facts, setFacts] = useState<Facts>(EMPTY);
  const [asked, setAsked] = useState<ReturnType<typeof queryOf> | null>(null);
  const preview = useQuery({
    queryKey: ['deadlines', 'preview', asked],
    queryFn: () => ensure(api.GET('/v1/deadlines/preview', { params: { query: asked! } })),
    enabled: asked !== null,
    retry: false,
  });
  const errors = fieldErrors(preview.error);
  const set = <K extends keyof Facts>(key: K) => (value: Facts[K]) => setFacts((f) => ({ ...f, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked(queryOf(facts));
  };
  const r = preview.data;
  return (
    <Page title={c.title}>
      <p>{c.intro}</p>
      <form className="card calculator-form" onSubmit={submit} noValidate>
        <h2>{c.facts}</h2>
        <SelectField
          label={c.jurisdiction}
          value={facts.jurisdiction}
          error={errors.jurisdiction}
          onChange={(e) => set('jurisdiction')(e.target.value as Jurisdiction)}
          options={JURISDICTIONS.map((j) => ({ value: j, label: m.jurisdictions[j] ?? j }))}
        />
        <TextField label={c.receivedAt} hint={c.receivedHint} type="date" required value={facts.receivedAt} error={errors.receivedAt} onChange={(e) => set('receivedAt')(e.target.value)} />
        {facts.jurisdiction === 'US-CA' ? (
          <SelectField
            label={c.kind}
            value={facts.kind}
            error={errors.kind}
            onChange={(e) => set('kind')(e.target.value as Facts['kind'])}
            options={[
              { value: 'standard', label: c.kindStandard },
              { value: 'opt_out', label: c.kindOptOut },
            ]}
          />
        ) : null}
        <Checkbox label={c.extended} hint={c.extendedHint} checked={facts.extended} onChange={(e) => set('extended')(e.target.checked)} />
        <fieldset>
          <legend>{c.clarification}</legend>
          <div className="grid grid-2">
            <TextField label={c.pauseFrom} type="date" value={facts.pauseFrom} error={errors.pauseFrom} onChange={(e) => set('pauseFrom')(e.target.value)} />
            <TextField label={c.pauseTo} type="date" value={facts.pauseTo} error={errors.pauseTo} onChange={(e) => set('pauseTo')(e.target.value)} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{c.identity}</legend>
          <p className="hint">{c.identityHint}</p>
          <div className="grid grid-2">
            <TextField
              label={c.identityRequestedAt}
              type="date"
              value={facts.identityRequestedAt}
              error={errors.identityRequestedAt}
              onChange={(e) => set('identityRequestedAt')(e.target.value)}
            />
            <TextField
              label={c.identityReceivedAt}
              type="date"
              value={facts.identityReceivedAt}
              error={errors.identityReceivedAt}
              onChange={(e) => set('identityReceivedAt')(e.target.value)}
            />
          </div>
        </fieldset>
        <button type="submit" className="button button-primary">
          {c.submit}
        </button>
      </form>
      <ProblemAlert error={preview.error} />
      {preview.isFetching ? <Loading /> : null}
      {r ? (
        <Section title={c.result}>
          <div className="card calculator-result">
            <dl className="facts">
              <dt>{r.extendedDueOn && asked?.extended ? c.effectiveDueOn : c.dueOn}</dt>
              <dd>
                <strong>{fmt(c.dueOnValue, { day: formatDay(r.effectiveDueOn), jurisdiction: m.jurisdictions[r.jurisdiction] ?? r.jurisdiction, zone: r.timeZone })}</strong>
              </dd>
              <dt>{c.dueAt}</dt>
              <dd>{fmt(c.dueAtValue, { instant: formatInstant(asked?.extended && r.extendedDueAt ? r.extendedDueAt : r.dueAt), zone: viewerTimeZone() })}</dd>
              {asked?.extended && r.extendedDueOn ? (
                <>
                  <dt>{c.dueOn}</dt>
                  <dd>{formatDay(r.dueOn)}</dd>
                </>
              ) : null}
              <dt>{c.extendedDueOn}</dt>
              <dd>{r.extendedDueOn ? formatDay(r.extendedDueOn) : c.noExtension}</dd>
              {r.extensionNoticeBy ? (
                <>
                  <dt>{c.extensionNoticeBy}</dt>
                  <dd>{formatDay(r.extensionNoticeBy)}</dd>
                </>
              ) : null}
              {r.acknowledgeBy ? (
                <>
                  <dt>{c.acknowledgeBy}</dt>
                  <dd>{formatDay(r.acknowledgeBy)}</dd>
                </>
              ) : null}
              <dt>{c.clockStartedOn}</dt>
              <dd>{formatDay(r.clockStartedOn)}</dd>
              <dt>{c.pausedDays}</dt>
              <dd>{r.pausedDays}</dd>
            </dl>
            <h3>{c.rules}</h3>
            <p className="hint">{c.rulesIntro}</p>
            <ol className="rules">
              {r.rules.map((rule) => (
                <li key={rule}>{rule}</li>
              ))}
            </ol>
          </div>
        </Section>
      ) : null}
    </Page>
  );
}
