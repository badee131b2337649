import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messages } from '../i18n';
import { ProblemAlert } from './Problem';

export function Loading({ label = messages.common.loading }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** Renders a query's data, or its loading state, or its error with a retry button. */
export function QueryView<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <>
        <ProblemAlert error={query.error} />
        <button type="button" className="button" onClick={() => void query.refetch()}>
          {messages.common.retry}
        </button>
      </>
    );
  return <>{children(query.data)}</>;
}
