import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { type FormEvent, Fragment, useState } from 'react';
import { Link } from 'react-router';
import { api, ensure } from '../../../shared/api';
import { formatInstant, viewerTimeZone } from '../../../shared/dates';
import { fmt, plural } from '../../../shared/i18n';
import { locale, messages } from '../i18n';
import { fieldErrors, TextField } from '../ui/Field';
import { QueryView } from '../ui/Loading';
import { Page, Section } from '../ui/Page';
import { LoadMore } from '../ui/Pager';
import { Notice, ProblemAlert } from '../ui/Problem';
import { useActorLabel } from './auditor/actors';
import { addDays, isDay, localDayStart, useQueryState } from './auditor/util';
import { TableWrap } from '../ui/TableWrap';

const m = messages.auditor.audit;

const FILTERS = ['action', 'targetType', 'targetId', 'actor', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The audit trail, newest first, filtered by what is in the address bar (ids and days only); and the chain check. */
export function AuditPage() {
  const [params, update] = useQueryState();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
  const filtered = FILTERS.some((name) => filters[name] !== '');
  const query = {
    action: filters.action || undefined,
    targetType: filters.targetType || undefined,
    targetId: filters.targetId || undefined,
    actor: filters.actor || undefined,
    from: isDay(filters.from) ? localDayStart(filters.from) : undefined,
    to: isDay(filters.to) ? localDayStart(addDays(filters.to, 1)) : undefined,
  };
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', query],
    queryFn: ({ pageParam }) => ensure(api.GET('/v1/audit-events', { params: { query: { ...query, cursor: pageParam, limit: 50, order: 'desc' } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const actorLabel = useActorLabel(items.map((e) => e.actor));
  const filterLink = (changes: Partial<Filters>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) if (value) next.set(name, value);
    return { search: `?${next}` };
  };

  return (
    <Page title={m.title}>
      <p>{m.intro}</p>
      <VerifyChain />
      <FilterForm key={params.toString()} filters={filters} serverErrors={fieldErrors(events.error)} onApply={(next) => update(next)} />
      <Section title={m.entriesTitle}>
        <QueryView query={events}>
          {() =>
            items.length === 0 ? (
              <p>{m.none}</p>
            ) : (
              <>
                <p role="status" className="muted">
                  {plural(locale, items.length, m.shown)}
                </p>
                <TableWrap wide label={filtered ? m.captionFiltered : m.caption}>
                  <table className="audit-table">
                    <caption>{filtered ? m.captionFiltered : m.caption}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{m.colSeq}</th>
                        <th scope="col">{m.colAt}</th>
                        <th scope="col">{m.colActor}</th>
                        <th scope="col">{m.colAction}</th>
                        <th scope="col">{m.colTarget}</th>
                        <th scope="col">{m.colDetails}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((e) => (
                        <tr key={e.seq}>
                          <td>{e.seq}</td>
                          <td className="nowrap">{formatInstant(e.at)}</td>
                          <td className="cell-id">
                            <Link to={filterLink({ actor: e.actor })}>{actorLabel(e.actor)}</Link>
                          </td>
                          <td>
                            <code className="action">{breakAtDots(e.action)}</code>
                          </td>
                          <td className="cell-id">
                            <code>{e.targetType}</code>
                            {e.targetId ? (
                              <>
                                <br />
                                <Link to={filterLink({ targetType: e.targetType, targetId: e.targetId })}>{e.targetId}</Link>
                              </>
                            ) : null}
                          </td>
                          <td>
                            <Details details={e.details} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
                <LoadMore hasNext={events.hasNextPage} loading={events.isFetchingNextPage} onMore={() => void events.fetchNextPage()} />
              </>
            )
          }
        </QueryView>
      </Section>
    </Page>
  );
}

/** Lets a dotted name wrap at its dots, not mid-word. */
function breakAtDots(name: string) {
  return name.split('.').map((part, i) => (
    <Fragment key={i}>
      {i > 0 ? (
        <>
          .<wbr />
        </>
      ) : null}
      {part}
    </Fragment>
  ));
}

/** An entry's details, one line per key: strings and lists as they are, anything else as JSON. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <>—</>;
  const show = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.join(', ')
        : JSON.stringify(value);
  return (
    <dl className="details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function VerifyChain() {
  const verify = useMutation({ mutationFn: () => ensure(api.GET('/v1/audit-events/verify')) });
  const result = verify.data;
  return (
    <Section title={m.verifyTitle}>
      <p className="hint">{m.verifyIntro}</p>
      <p>
        <button type="button" className="button button-primary" disabled={verify.isPending} onClick={() => verify.mutate()}>
          {verify.isPending ? m.verifying : m.verify}
        </button>
      </p>
      <ProblemAlert error={verify.error} />
      {result ? (
        result.valid ? (
          <Notice>{plural(locale, result.checked, m.valid)}</Notice>
        ) : (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{fmt(m.broken, { seq: result.firstBrokenSeq ?? '?', checked: result.checked })}</p>
          </div>
        )
      ) : null}
    </Section>
  );
}

function FilterForm({ filters, serverErrors, onApply }: { filters: Filters; serverErrors: Record<string, string>; onApply: (next: Filters) => void }) {
  const [draft, setDraft] = useState<Filters>(filters);
  const [datesError, setDatesError] = useState<string | undefined>();
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isDay(draft.from) && isDay(draft.to) && draft.to < draft.from) return setDatesError(m.toBeforeFrom);
    setDatesError(undefined);
    onApply(Object.fromEntries(FILTERS.map((name) => [name, draft[name].trim()])) as Filters);
  };
  const clear = () => onApply(Object.fromEntries(FILTERS.map((name) => [name, ''])) as Filters);
  return (
    <form className="card" onSubmit={submit} noValidate>
      <fieldset className="plain-fieldset">
        <legend>{m.filtersLegend}</legend>
        <div className="filter-grid">
          <TextField label={m.action} hint={m.actionHint} error={serverErrors.action} name="action" value={draft.action} onChange={set('action')} spellCheck={false} />
          <TextField label={m.targetType} hint={m.targetTypeHint} error={serverErrors.targetType} name="targetType" value={draft.targetType} onChange={set('targetType')} spellCheck={false} />
          <TextField label={m.targetId} error={serverErrors.targetId} name="targetId" value={draft.targetId} onChange={set('targetId')} spellCheck={false} />
          <TextField label={m.actor} hint={m.actorHint} error={serverErrors.actor} name="actor" value={draft.actor} onChange={set('actor')} spellCheck={false} />
          <TextField label={m.from} hint={fmt(m.datesHint, { zone: viewerTimeZone() })} error={serverErrors.from} type="date" name="from" value={draft.from} onChange={set('from')} />
          <TextField label={m.to} hint={fmt(m.datesHint, { zone: viewerTimeZone() })} error={datesError ?? serverErrors.to} type="date" name="to" value={draft.to} onChange={set('to')} />
        </div>
        <div className="row">
          <button type="submit" className="button button-primary">
            {m.apply}
          </button>
          <button type="button" className="button button-secondary" onClick={clear}>
            {m.clear}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
