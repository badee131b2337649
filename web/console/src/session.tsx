import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { api, LetheProblem, type Schema, setCsrfToken } from '../../shared/api';

export type Session = Schema<'SessionDto'>;
export type Role = Session['roles'][number];

export const SESSION_KEY = ['session'] as const;

/** The signed-in person, or null. A 401 means "not signed in", not an error. */
export async function fetchSession(): Promise<Session | null> {
  const { data, response, error } = await api.GET('/v1/session');
  if (response.status === 401) {
    setCsrfToken(undefined);
    return null;
  }
  if (!response.ok || !data) throw new LetheProblem(response.status, (error ?? {}) as object);
  setCsrfToken(data.csrfToken);
  return data;
}

export function useSessionQuery() {
  const client = useQueryClient();
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      const session = await fetchSession();
      // A refetch that finds no session (idle, expired, signed out elsewhere) ends it like any other 401.
      const before = client.getQueryData<Session | null>(SESSION_KEY);
      if (before && (!session || session.actor !== before.actor)) {
        startOver(client, session, session ? 'signed-in' : 'ended');
      }
      return session;
    },
    staleTime: 60_000,
    retry: false,
  });
}

let ended = false;

/** True when the last session ended on its own (a 401), not by signing out: the sign-in page says so. */
export function sessionEndedOnItsOwn(): boolean {
  return ended;
}

/**
 * A clean slate whenever the person changes: on sign-in, on sign-out and when a 401 ends the session.
 * Everything the server told the previous person (queries and mutations, secrets included) is dropped
 * before the next person sees anything; only the session entry remains.
 */
export function startOver(client: QueryClient, session: Session | null, why: 'signed-in' | 'signed-out' | 'ended'): void {
  ended = why === 'ended';
  setCsrfToken(session?.csrfToken);
  client.getMutationCache().clear();
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  client.setQueryData(SESSION_KEY, session);
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in person (inside the signed-in part of the app). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function hasRole(session: Session, ...roles: Role[]): boolean {
  return roles.some((role) => session.roles.includes(role));
}

/** Forget the session locally (after a sign-out the server confirmed, or a 401): the app shows the sign-in page. */
export function useForgetSession(): (why: 'signed-out' | 'ended') => void {
  const client = useQueryClient();
  return (why) => startOver(client, null, why);
}
