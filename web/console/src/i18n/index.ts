import { common } from './common';
import { counselBoard } from './counsel-board';

/**
 * The console's catalogue (English). Each area adds its own file (counsel.ts, auditor.ts, admin.ts)
 * and one line here; pages read `messages.<area>.<key>`.
 */
export const messages = { common, counselBoard } as const;

export const locale = 'en';
