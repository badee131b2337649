import type { ReactNode } from 'react';

/**
 * A table frame that scrolls sideways on a narrow screen. It can take focus and is named by the
 * table's caption, so a keyboard user can scroll it too (WCAG 2.1.1; axe scrollable-region-focusable).
 */
export function TableWrap({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <div className="table-wrap table-scroll" role="region" aria-label={caption} tabIndex={0}>
      {children}
    </div>
  );
}
