import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { fmt } from '../../../shared/i18n';
import { signInHref, useAccount, useForgetAccount } from '../account';
import { accountApi, ensure, LetheProblem, type Schema } from '../api';
import { useCenter } from '../config';
import { useLocale } from '../i18n';
import { Loading, Notice, Page, Section } from '../ui/Page';
import { ProblemAlert } from '../ui/Problem';

type Consent = Schema<'MyConsentDto'>;
type SignInError = 'not_configured' | 'provider_unavailable' | 'state_mismatch' | 'provider_error' | 'failed';

/** `?signInError=` from a failed sign-in: read once, then taken out of the address. */
function takeSignInError(): SignInError | null {
  const url = new URL(window.location.href);
  const error = url.searchParams.get('signInError');
  if (!error) return null;
  url.searchParams.delete('signInError');
  window.history.replaceState(window.history.state, '', url.pathname + url.search);
  return ['not_configured', 'provider_unavailable', 'state_mismatch', 'provider_error', 'failed'].includes(error) ? (error as SignInError) : 'failed';
}

export function ConsentsPage() {
  const { m, locale } = useLocale();
  const center = useCenter().data!;
  const account = useAccount(center.signIn);
  const [signInError] = useState(takeSignInError);
  if (!center.signIn) {
    return (
      <Page title={m.consents.title}>
        <Notice>{m.account.errors.not_configured}</Notice>
      </Page>
    );
  }
  return (
    <Page title={m.consents.title}>
      {signInError ? <Notice tone="warn">{m.account.errors[signInError]}</Notice> : null}
      {account.isPending ? (
        <Loading />
      ) : account.isError ? (
        <ProblemAlert error={account.error} />
      ) : !account.data ? (
        <>
          <p>{m.consents.signInFirst}</p>
          <p>
            <a className="button-primary" href={signInHref('/consents', locale)}>
              {m.account.signIn}
            </a>
          </p>
        </>
      ) : (
        <SignedInConsents />
      )}
    </Page>
  );
}

function SignedInConsents() {
  const { m, locale } = useLocale();
  const forget = useForgetAccount();
  const client = useQueryClient();
  // Every visit asks the server to honour the browser's Global Privacy Control header (it judges the header, not this page).
  const signal = useQuery({
    queryKey: ['gpc'],
    queryFn: () => ensure(accountApi.POST('/v1/privacy/gpc')),
    staleTime: Infinity,
    retry: false,
  });
  const consents = useQuery({
    queryKey: ['my-consents', locale],
    queryFn: () => ensure(accountApi.GET('/v1/privacy/consents', { params: { query: { locale } } })),
    enabled: !signal.isPending,
  });
  useEffect(() => {
    for (const error of [signal.error, consents.error]) if (error instanceof LetheProblem && error.status === 401) forget();
  }, [signal.error, consents.error]);
  const [said, say] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (input: { purpose: string; granted: boolean }) =>
      ensure(accountApi.PUT('/v1/privacy/consents/{purpose}', { params: { path: { purpose: input.purpose } }, body: { granted: input.granted, locale } })),
    onSuccess: (saved) => {
      client.setQueryData<Schema<'MyConsentListDto'>>(['my-consents', locale], (list) => (list ? { ...list, items: list.items.map((c) => (c.purpose === saved.purpose ? saved : c)) } : list));
      say(fmt(saved.state === 'granted' ? m.consents.given : m.consents.withdrawn, { purpose: saved.title }));
    },
    onError: (error) => {
      if (error instanceof LetheProblem && error.status === 401) forget();
    },
  });
  const titles = new Map((consents.data?.items ?? []).map((c) => [c.purpose, c.title]));
  const names = (keys: string[]) => keys.map((k) => titles.get(k) ?? k).join(', ');
  return (
    <>
      <p className="lead">{m.consents.intro}</p>
      {signal.data?.signal && consents.data ? (
        <Notice tone="info">
          <h2>{m.consents.gpcTitle}</h2>
          {signal.data.optedOut.length ? <p>{fmt(m.consents.gpcText, { purposes: names(signal.data.optedOut) })}</p> : null}
          {signal.data.overrodeOptIn.length ? <p>{fmt(m.consents.gpcOverrode, { purposes: names(signal.data.overrodeOptIn) })}</p> : null}
          {signal.data.alreadyOptedOut.length ? <p>{fmt(m.consents.gpcAlready, { purposes: names(signal.data.alreadyOptedOut) })}</p> : null}
          {signal.data.reconsented.length ? <p>{fmt(m.consents.gpcReconsented, { purposes: names(signal.data.reconsented) })}</p> : null}
        </Notice>
      ) : null}
      {signal.isError && !(signal.error instanceof LetheProblem && signal.error.status === 401) ? <ProblemAlert error={signal.error} /> : null}
      {said ? <Notice tone="ok">{said}</Notice> : null}
      {change.isError ? <ProblemAlert error={change.error} /> : null}
      {consents.isPending ? <Loading /> : consents.isError ? <ProblemAlert error={consents.error} /> : consents.data.items.length === 0 ? <p>{m.consents.none}</p> : null}
      {consents.data?.items.map((c) => (
        <ConsentCard key={c.purpose} consent={c} busy={change.isPending && change.variables?.purpose === c.purpose} onChange={(granted) => change.mutate({ purpose: c.purpose, granted })} />
      ))}
    </>
  );
}

function ConsentCard({ consent: c, busy, onChange }: { consent: Consent; busy: boolean; onChange: (granted: boolean) => void }) {
  const { m, instant, day } = useLocale();
  const id = `consent-${c.purpose}`;
  const granted = c.state === 'granted';
  const receipt = useMutation({
    mutationFn: () => ensure(accountApi.GET('/v1/privacy/consents/{purpose}/receipt', { params: { path: { purpose: c.purpose } } })),
    onSuccess: (data) => {
      // A file the person keeps: built here from the answer, never stored by the page.
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `consent-receipt-${c.purpose}.json`;
      a.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
  return (
    <Section id={id} title={c.title}>
      <div className="card">
        <p>{c.description}</p>
        <p>
          <strong>{m.consents.states[c.state]}</strong>
          {c.since ? ` ${fmt(m.consents.since, { time: instant(c.since) })}` : ''}
          {c.noticeVersion && c.state !== 'erased' ? `, ${fmt(m.consents.underNotice, { version: c.noticeVersion })}` : ''}
          {c.method === 'gpc_signal' ? `, ${m.consents.bySignal}` : ''}.
        </p>
        {c.notice ? (
          <details>
            <summary>{fmt(m.consents.notice, { version: c.notice.version, date: day(c.notice.effectiveFrom.slice(0, 10)) })}</summary>
            {c.notice.text ? <p className="notice-text">{c.notice.text}</p> : null}
            {c.notice.url ? (
              <p>
                <a href={c.notice.url}>{m.consents.noticeLink}</a>
              </p>
            ) : null}
          </details>
        ) : null}
        <div className="row">
          {c.notice || granted ? (
            <button type="button" className="button-secondary" disabled={busy} onClick={() => onChange(!granted)} aria-describedby={id}>
              {busy ? m.consents.saving : granted ? m.consents.withdraw : m.consents.give}
            </button>
          ) : null}
          {c.receipt ? (
            <button type="button" className="button-secondary" disabled={receipt.isPending} onClick={() => receipt.mutate()}>
              {m.consents.receipt}
            </button>
          ) : null}
        </div>
        {receipt.isError ? <ProblemAlert error={receipt.error} /> : null}
      </div>
    </Section>
  );
}
