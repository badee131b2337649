import { common } from './common';
import { counselRequest } from './counsel-request';

/**
 * The console's catalogue (English). Each area adds its own file (counsel.ts, auditor.ts, admin.ts)
 * and one line here; pages read `messages.<area>.<key>`.
 */
export const messages = { common, counselRequest } as const;

export const locale = 'en';
