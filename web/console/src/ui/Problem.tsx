import { useEffect, useRef } from 'react';
import { LetheProblem } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';

const m = messages.common.problem;

/** What went wrong, in words: the server's own explanation plus what the person can do about it. */
export function describeProblem(error: unknown): { summary: string; detail?: string; fields: ReadonlyArray<{ path: string; message: string }> } {
  if (!(error instanceof LetheProblem)) return { summary: m.network, fields: [] };
  const detail = error.problem.detail;
  const fields = error.fieldErrors;
  switch (error.status) {
    case 401:
      return { summary: m.unauthorized, fields: [] };
    case 403:
      return { summary: m.forbidden, detail, fields };
    case 409:
      return { summary: m.conflict, detail, fields };
    case 429:
      return { summary: m.rateLimited, fields: [] };
    case 503:
      return { summary: m.unavailable, fields: [] };
    default:
      if (error.status >= 500) return { summary: fmt(m.server, { instance: error.problem.instance ?? '' }), fields: [] };
      return { summary: detail ?? error.problem.title ?? m.title, fields };
  }
}

/** An error answer shown where it happened, announced to screen readers (role=alert). */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const { summary, detail, fields } = describeProblem(error);
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{summary}</p>
      {detail && detail !== summary ? <p>{detail}</p> : null}
      {fields.length > 0 ? (
        <>
          <p>{m.fieldErrors}</p>
          <ul>
            {fields.map((f) => (
              <li key={`${f.path}:${f.message}`}>
                <code>{f.path}</code>: {f.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/**
 * A success note, announced politely. With `takeFocus` it takes the keyboard focus when it appears:
 * for the outcome of a step whose button is gone (a key revoked, a secret dismissed, an edit saved).
 * Give it a `key` per outcome so a second outcome focuses it again.
 */
export function Notice({ children, takeFocus = false }: { children: React.ReactNode; takeFocus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus) ref.current?.focus();
  }, [takeFocus]);
  return (
    <div className="alert alert-ok" role="status" ref={ref} tabIndex={takeFocus ? -1 : undefined}>
      {children}
    </div>
  );
}
