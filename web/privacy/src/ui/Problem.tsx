import { useEffect, useRef } from 'react';
import { fmt } from '../../../shared/i18n';
import { LetheProblem } from '../api';
import { useLocale } from '../i18n';

/**
 * An error answer where it happened (role=alert, focused). The server words field errors in English,
 * so a form shows its own words beside each field named in the answer; here only the summary.
 */
export function ProblemAlert({ error }: { error: unknown }) {
  const { m } = useLocale();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [error]);
  let summary = m.problem.network;
  if (error instanceof LetheProblem) {
    if (error.status === 429) summary = m.problem.rateLimited;
    else if (error.status === 503) summary = m.problem.unavailable;
    else if (error.status >= 500) summary = fmt(m.problem.server, { instance: error.problem.instance ?? '' });
    else if (error.fieldErrors.length > 0) summary = m.problem.fix;
    else summary = error.problem.detail ?? m.problem.title;
  }
  return (
    <div className="notice notice-danger" role="alert" tabIndex={-1} ref={box}>
      <p>
        <strong>{m.problem.title}.</strong> {summary}
      </p>
    </div>
  );
}
