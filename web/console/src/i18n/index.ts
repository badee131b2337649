import { admin } from './admin';
import { auditor } from './auditor';
import { common } from './common';

/**
 * The console's catalogue (English). Each area adds its own file (counsel.ts, auditor.ts, admin.ts)
 * and one line here; pages read `messages.<area>.<key>`.
 */
export const messages = { common, admin, auditor } as const;

export const locale = 'en';
