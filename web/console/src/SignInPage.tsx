import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, ensure, LetheProblem, setCsrfToken } from '../../shared/api';
import { messages } from './i18n';
import { SESSION_KEY } from './session';
import { TextField } from './ui/Field';
import { Page } from './ui/Page';
import { ProblemAlert } from './ui/Problem';

const m = messages.common.signIn;

/** Reads `?signInError=` once (set by the OIDC callback) and removes it from the address bar. */
function useSignInError(): string | undefined {
  const [code] = useState(() => new URLSearchParams(window.location.search).get('signInError') ?? undefined);
  useEffect(() => {
    if (code === undefined) return;
    const url = new URL(window.location.href);
    url.searchParams.delete('signInError');
    window.history.replaceState(null, '', url);
  }, [code]);
  return code;
}

export function SignInPage({ expired = false }: { expired?: boolean }) {
  const client = useQueryClient();
  const errorCode = useSignInError();
  const methods = useQuery({ queryKey: ['session-methods'], queryFn: () => ensure(api.GET('/v1/session/methods')) });
  const [apiKey, setApiKey] = useState('');
  const signIn = useMutation({
    mutationFn: (key: string) => ensure(api.POST('/v1/session', { body: { apiKey: key } })),
    onSuccess: (session) => {
      setApiKey('');
      setCsrfToken(session.csrfToken);
      client.setQueryData(SESSION_KEY, session);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(apiKey);
  };
  const returnTo = `${window.location.pathname}`;
  const oidc = methods.data?.oidc;
  return (
    <main id="main" className="sign-in" tabIndex={-1}>
      <Page title={m.title}>
        <p>{m.intro}</p>
        {expired ? <p className="alert alert-info" role="status">{m.expired}</p> : null}
        {errorCode ? (
          <div className="alert alert-error" role="alert">
            {m.errors[errorCode] ?? m.errors.failed}
          </div>
        ) : null}
        {oidc ? (
          <p>
            <a className="button button-primary button-large" href={`/v1/session/oidc/start?returnTo=${encodeURIComponent(returnTo)}`}>
              {oidc.label || m.withOidc}
            </a>
          </p>
        ) : null}
        <form onSubmit={submit} className="card">
          <h2>{oidc ? m.orKey : m.withKey}</h2>
          <TextField
            label={m.keyLabel}
            hint={m.keyHint}
            type="password"
            name="apiKey"
            autoComplete="off"
            spellCheck={false}
            required
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
          />
          {signIn.error instanceof LetheProblem && signIn.error.status === 401 ? (
            <div className="alert alert-error" role="alert">
              {m.keyRefused}
            </div>
          ) : (
            <ProblemAlert error={signIn.error} />
          )}
          <button type="submit" className="button button-primary" disabled={signIn.isPending || apiKey.length === 0}>
            {m.submit}
          </button>
          <p className="hint">{m.firstRun}</p>
        </form>
      </Page>
    </main>
  );
}
