import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { fmt } from '../../../shared/i18n';
import { signInHref, useAccount } from '../account';
import { accountApi, api, ensure, LetheProblem, rememberToken, type Schema } from '../api';
import { useCenter } from '../config';
import { useLocale } from '../i18n';
import { isRight, type Right } from '../rights';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { Notice, Page, Section } from '../ui/Page';
import { ProblemAlert } from '../ui/Problem';

type Jurisdiction = NonNullable<Schema<'CreateRequestDto'>['jurisdiction']>;
interface Change {
  key: number;
  field: string;
  newValue: string;
  note: string;
}

/** The server's field paths (`changes[0].newValue`) to the field they belong to. */
function fieldOf(path: string): string {
  return path.replace(/\[.*$/, '').replace(/\..*$/, '');
}

export function RequestFormPage() {
  const { type } = useParams();
  const { m, locale, day } = useLocale();
  const center = useCenter().data!;
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [jurisdiction, setJurisdiction] = useState<Jurisdiction>(center.defaultJurisdiction);
  const [details, setDetails] = useState('');
  const fields = center.rectifiableFields;
  const [changes, setChanges] = useState<Change[]>([{ key: 0, field: fields[0]?.field ?? '', newValue: '', note: '' }]);
  const [purposes, setPurposes] = useState<string[]>([]);

  const account = useAccount(center.signIn).data;
  const send = useMutation({
    // Signed in with their account, the person needs no code: the identity provider proved who they are.
    mutationFn: (body: Schema<'CreateRequestDto'>) => ensure(account ? accountApi.POST('/v1/privacy/requests', { body }) : api.POST('/v1/requests', { body })),
    onSuccess: (created) => {
      if (created.statusToken) {
        rememberToken(created.id, created.statusToken);
        void navigate(`/requests/${created.id}`);
      }
    },
  });
  if (!isRight(type) || (type === 'objection' && center.objectablePurposes.length === 0)) return <Navigate to="/" replace />;
  const requestType: Right = type;
  const right = m.rights[requestType];

  const errors = new Map<string, string>();
  if (send.error instanceof LetheProblem) {
    for (const e of send.error.fieldErrors) {
      const field = fieldOf(e.path);
      errors.set(field, (m.form.invalid as Record<string, string>)[field] ?? m.form.invalid.other);
    }
  }
  const clock = center.clocks.find((c) => c.jurisdiction === jurisdiction);

  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate({
      type: requestType,
      email: account?.email ? undefined : email.trim() || undefined,
      name: name.trim() || undefined,
      jurisdiction,
      locale,
      details: details.trim() || undefined,
      changes: type === 'rectification' ? changes.map((c) => ({ field: c.field.trim(), newValue: c.newValue, note: c.note.trim() || undefined })) : undefined,
      purposes: type === 'objection' ? purposes : undefined,
    });
  }

  const updateChange = (key: number, patch: Partial<Change>) => setChanges((all) => all.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  return (
    <Page title={fmt(m.form.title, { right: right.title })}>
      <p className="lead">
        {right.summary} <span className="muted">({right.article})</span>
      </p>
      {send.data?.duplicate ? (
        <Notice tone="info">
          <h2>{m.form.duplicateTitle}</h2>
          <p>{m.form.duplicate}</p>
        </Notice>
      ) : (
        <form onSubmit={submit} noValidate={false} aria-describedby="next-steps">
          {send.isError ? <ProblemAlert error={send.error} /> : null}
          {account?.email ? (
            <Notice tone="ok">
              <p>{m.account.noCode}</p>
              <p>{fmt(m.account.writeTo, { email: account.email })}</p>
            </Notice>
          ) : !account && center.signIn ? (
            <div className="card">
              <p>{m.account.signInHint}</p>
              <p>
                <a href={signInHref(`/request/${requestType}`, locale)}>{m.account.signIn}</a>
              </p>
            </div>
          ) : null}
          {/* Signed in with an address, we write to the account's; otherwise the address typed is proven with a code. */}
          {account?.email ? null : (
            <TextField
              label={m.form.email}
              hint={m.form.emailHint}
              error={errors.get('email')}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              maxLength={254}
            />
          )}
          <TextField label={m.form.name} hint={m.form.nameHint} error={errors.get('name')} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          <SelectField
            label={m.form.jurisdiction}
            hint={m.form.jurisdictionHint}
            required
            value={jurisdiction}
            onChange={(e) => setJurisdiction(e.target.value as Jurisdiction)}
            options={center.clocks.map((c) => ({ value: c.jurisdiction, label: m.form.jurisdictions[c.jurisdiction] }))}
          />
          {type === 'rectification' ? (
            <fieldset className="changes">
              <legend>{m.form.changesLegend}</legend>
              {errors.get('changes') ? <p className="field-error">{errors.get('changes')}</p> : null}
              {changes.map((c, i) => (
                <fieldset key={c.key} className="card">
                  <legend>{fmt(m.form.changeNumber, { n: i + 1 })}</legend>
                  {fields.length ? (
                    <SelectField label={m.form.changeField} required value={c.field} onChange={(e) => updateChange(c.key, { field: e.target.value })} options={fields.map((f) => ({ value: f.field, label: f.label }))} />
                  ) : (
                    <TextField label={m.form.changeFieldFree} required value={c.field} maxLength={100} onChange={(e) => updateChange(c.key, { field: e.target.value })} />
                  )}
                  <TextField label={m.form.changeValue} required value={c.newValue} maxLength={1000} onChange={(e) => updateChange(c.key, { newValue: e.target.value })} />
                  <TextField label={m.form.changeNote} value={c.note} maxLength={500} onChange={(e) => updateChange(c.key, { note: e.target.value })} />
                  {changes.length > 1 ? (
                    <button type="button" className="button-secondary" onClick={() => setChanges((all) => all.filter((x) => x.key !== c.key))}>
                      {m.form.removeChange}
                    </button>
                  ) : null}
                </fieldset>
              ))}
              {changes.length < 50 ? (
                <button type="button" className="button-secondary" onClick={() => setChanges((all) => [...all, { key: Math.max(...all.map((x) => x.key)) + 1, field: fields[0]?.field ?? '', newValue: '', note: '' }])}>
                  {m.form.addChange}
                </button>
              ) : null}
            </fieldset>
          ) : null}
          {type === 'objection' ? (
            <fieldset className={errors.get('purposes') ? 'choices field-invalid' : 'choices'} aria-describedby="purposes-hint">
              <legend>{m.form.purposesLegend}</legend>
              <p className="hint" id="purposes-hint">
                {m.form.purposesHint}
              </p>
              {errors.get('purposes') ? <p className="field-error">{errors.get('purposes')}</p> : null}
              {center.objectablePurposes.map((p) => (
                <div className="choice" key={p.key}>
                  <input
                    type="checkbox"
                    id={`purpose-${p.key}`}
                    checked={purposes.includes(p.key)}
                    onChange={(e) => setPurposes((all) => (e.target.checked ? [...all, p.key] : all.filter((k) => k !== p.key)))}
                    aria-describedby={`purpose-${p.key}-about`}
                  />
                  <label htmlFor={`purpose-${p.key}`}>{p.title}</label>
                  <p className="hint" id={`purpose-${p.key}-about`}>
                    {p.description}
                  </p>
                </div>
              ))}
            </fieldset>
          ) : null}
          <TextArea label={m.form.details} hint={m.form.detailsHint} error={errors.get('details')} value={details} onChange={(e) => setDetails(e.target.value)} maxLength={5000} />
          <Section id="next-steps" title={m.form.nextHeading}>
            {account?.email ? null : <p>{m.form.nextCode}</p>}
            {clock ? <p>{fmt(m.form.nextDue, { date: day(clock.dueOn) })}</p> : null}
            {clock?.extendedDueOn ? <p>{fmt(m.form.nextExtension, { date: day(clock.extendedDueOn) })}</p> : null}
          </Section>
          <button type="submit" className="button-primary" disabled={send.isPending}>
            {send.isPending ? m.form.sending : m.form.submit}
          </button>
        </form>
      )}
    </Page>
  );
}
