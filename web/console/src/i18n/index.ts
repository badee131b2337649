import { admin } from './admin';
import { auditor } from './auditor';
import { common } from './common';
import { counselBoard } from './counsel-board';

/**
 * The console's catalogue (English). Each area adds its own file (counsel.ts, auditor.ts, admin.ts)
 * and one line here; pages read `messages.<area>.<key>`.
 */
export const messages = { common, admin, auditor, counselBoard } as const;

export const locale = 'en';
