import type { ReactNode } from 'react';
import { messages } from '../i18n';

/**
 * The frame of every table: a table wider than a phone scrolls inside it; the frame can take focus
 * and is named like the table, so a keyboard user can scroll it too (WCAG 2.1.1; axe
 * scrollable-region-focusable). A `wide` table says on a phone that its last columns are off screen.
 */
export function TableWrap({ label, wide = false, className, children }: { label: string; wide?: boolean; className?: string; children: ReactNode }) {
  return (
    <>
      {wide ? (
        <p className="scroll-hint" aria-hidden="true">
          {messages.common.scrollHint}
        </p>
      ) : null}
      <div className={['table-wrap', wide ? 'table-wrap-wide' : '', className ?? ''].filter(Boolean).join(' ')} role="region" aria-label={label} tabIndex={0}>
        {children}
      </div>
    </>
  );
}
