import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, ensure, LetheProblem } from '../../shared/api';
import { messages } from './i18n';
import { startOver } from './session';
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

/** Why the key was refused, in words, when it is the key (not Lethe) that is the trouble. */
function signInRefusal(error: unknown): string | undefined {
  if (!(error instanceof LetheProblem)) return undefined;
  if (error.status === 401) return m.keyRefused;
  if (error.status === 403) return m.keyNoConsoleRole; // no_console_role: e.g. an iam-only key
  if (error.status === 429) return m.keyRateLimited;
  return undefined;
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
      // Nothing the previous person saw stays in the cache for the next one.
      startOver(client, session, 'signed-in');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(apiKey);
  };
  // The page asked for, with its query (ids, states and dates only: no personal data is put in an address).
  const search = new URLSearchParams(window.location.search);
  search.delete('signInError');
  const returnTo = `${window.location.pathname}${search.size > 0 ? `?${search}` : ''}`;
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
          {signInRefusal(signIn.error) ? (
            <div className="alert alert-error" role="alert">
              {signInRefusal(signIn.error)}
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
