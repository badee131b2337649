import { admin } from './admin';
import { auditor } from './auditor';
import { common } from './common';
import { counselBoard } from './counsel-board';
import { counselRequest } from './counsel-request';

/**
 * The console's catalogue (English): one file per area; pages read `messages.<area>.<key>`.
 * Another language is another set of these files.
 */
export const messages = { common, admin, auditor, counselBoard, counselRequest } as const;

export const locale = 'en';
