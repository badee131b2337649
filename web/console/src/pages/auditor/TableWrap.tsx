import type { ReactNode } from 'react';
import { messages } from '../../i18n';

/**
 * The `.table-wrap` box, focusable and named by the table's caption: a table wider than a phone
 * scrolls inside it, and a keyboard user can scroll it too (WCAG 2.1.1; axe scrollable-region-focusable).
 * A `wide` table says so on a phone, where its last columns start off screen.
 */
export function TableWrap({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <>
      {wide ? (
        <p className="scroll-hint" aria-hidden="true">
          {messages.auditor.scrollHint}
        </p>
      ) : null}
      <div className={wide ? 'table-wrap table-wrap-wide' : 'table-wrap'} role="region" aria-label={label} tabIndex={0}>
        {children}
      </div>
    </>
  );
}
