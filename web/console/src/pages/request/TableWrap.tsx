import type { ReactNode } from 'react';

/**
 * A table that may scroll sideways on a phone: the scrolling box takes keyboard focus (WCAG 2.1.1),
 * named after the table's caption.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="group" aria-label={label}>
      {children}
    </div>
  );
}
