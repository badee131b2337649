import type { Jurisdiction } from '../deadlines/deadline.rules.js';
import type { Locale } from '../../common/i18n/locales.js';
import type { RequestStatus } from './request.state.js';

export const REQUEST_TYPES = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const CHANNELS = ['web', 'iam', 'email', 'post', 'phone', 'in_person', 'authorized_agent'] as const;
export type Channel = (typeof CHANNELS)[number];

export const REFUSAL_GROUNDS = ['manifestly_unfounded', 'excessive', 'identity_not_verified', 'exemption'] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

/**
 * A request as other modules see it (the workflows, the evidence pack): its facts, read-only, never
 * its sealed personal data. Ask the requests module's service for anything else.
 */
export interface RequestRecord {
  readonly id: string;
  readonly type: RequestType;
  readonly status: RequestStatus;
  readonly jurisdiction: Jurisdiction;
  readonly locale: Locale;
  readonly channel: Channel;
  /** The purposes an objection names. */
  readonly purposes: readonly string[];
  readonly subjectRef: string | null;
  readonly subjectIdProof: string | null;
  readonly receivedAt: Date;
  /** The end of the due date in force, in the request's time zone. */
  readonly dueAt: Date;
  readonly extended: boolean;
  readonly refusalGround: RefusalGround | null;
  readonly closedAt: Date | null;
}
