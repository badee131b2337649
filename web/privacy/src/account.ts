import { useQuery, useQueryClient } from '@tanstack/react-query';
import { accountApi, ensure, LetheProblem, type Schema } from './api';

export type Account = Schema<'SubjectSessionDto'>;
export const ACCOUNT_KEY = ['account'] as const;

/** Who is signed in with their account in this browser, or null. */
export function useAccount(enabled: boolean) {
  return useQuery({
    queryKey: ACCOUNT_KEY,
    enabled,
    queryFn: async (): Promise<Account | null> => {
      try {
        return await ensure(accountApi.GET('/v1/privacy/session'));
      } catch (error) {
        if (error instanceof LetheProblem && error.status === 401) return null;
        throw error;
      }
    },
  });
}

/** After a 401 from an account route: the session ended (30 minutes), so the page shows signed out. */
export function useForgetAccount() {
  const client = useQueryClient();
  return () => client.setQueryData(ACCOUNT_KEY, null);
}

/** The identity provider's sign-in, coming back to `page` (a privacy center path) in `locale`. */
export function signInHref(page: string, locale: string): string {
  return `/v1/privacy/session/oidc/start?returnTo=${encodeURIComponent(`/privacy${page}?lang=${locale}`)}`;
}
