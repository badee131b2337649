import { useQuery, useQueryClient } from '@tanstack/react-query';
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
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000, retry: false });
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

/** Forget the session locally (after sign-out or a 401): the app shows the sign-in page. */
export function useForgetSession(): () => void {
  const client = useQueryClient();
  return () => {
    setCsrfToken(undefined);
    client.setQueryData(SESSION_KEY, null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  };
}
