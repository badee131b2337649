import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { LetheProblem } from '../../shared/api';
import { SignedInApp } from './App';
import { Loading } from './ui/Loading';
import { ProblemAlert } from './ui/Problem';
import { SESSION_KEY, sessionEndedOnItsOwn, startOver, useSessionQuery } from './session';
import { SignInPage } from './SignInPage';
import './styles.css';

/** A 401 on any call means the session ended (idle, absolute timeout, signed out elsewhere). */
function onUnauthorized(error: unknown): void {
  if (error instanceof LetheProblem && error.status === 401 && queryClient.getQueryData(SESSION_KEY)) {
    startOver(queryClient, null, 'ended');
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthorized }),
  mutationCache: new MutationCache({ onError: onUnauthorized }),
  defaultOptions: {
    queries: { retry: (count, error) => !(error instanceof LetheProblem && error.status < 500) && count < 2, refetchOnWindowFocus: true },
  },
});

function Root() {
  const session = useSessionQuery();
  // One router per signed-in session: a new person starts from a clean slate.
  const app = useMemo(() => (session.data ? <SignedInApp session={session.data} /> : null), [session.data]);
  if (session.isPending) return <Loading />;
  if (session.isError)
    return (
      <main id="main">
        <ProblemAlert error={session.error} />
      </main>
    );
  if (!session.data) return <SignInPage expired={sessionEndedOnItsOwn()} />;
  return app;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  </StrictMode>,
);
