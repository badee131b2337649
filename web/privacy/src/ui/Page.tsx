import { type ReactNode, useEffect, useRef } from 'react';
import { useLocale } from '../i18n';

/** One page: its title in the tab, focus on its heading when it changes (a screen reader announces it). */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const { m } = useLocale();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${m.common.appName}`;
    heading.current?.focus();
  }, [title, m]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </>
  );
}

/** A titled part of a page. */
export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A message in a coloured box; `role=status` so it is announced without taking focus. */
export function Notice({ tone = 'info', children }: { tone?: 'info' | 'ok' | 'warn'; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { m } = useLocale();
  return (
    <p className="muted" role="status">
      {m.common.loading}
    </p>
  );
}
