import type { QueueName } from './jobs.js';

/**
 * Every kind of job Lethe schedules, with its payload. Payloads hold ids and flags, never personal
 * data (mail is sealed). A handler is registered against a name here (`JobsService.define`), and
 * the process refuses to boot while a name has no handler, so a job can never wait for nobody.
 */
export interface JobPayloads {
  'mail.send': { sealed: { keyId: string; data: string } };
  'webhook.deliver': { deliveryId: string };
  'session.sweep': Record<string, never>;
  'api-key.expire': { keyId: string };
  'subprocessor.activate': { subprocessorId: string };
  'register.review-sweep': Record<string, never>;
  'request.reminder': { requestId: string; which: '7d' | '2d' | 'due' | 'overdue' | 'ack' };
  'request.unverified-reminder': { requestId: string };
  'request.expire-unverified': { requestId: string };
  'request.digest': Record<string, never>;
  'workflow.step': { key: string };
  'package.expire': { packageId: string };
  'request.files-cleanup': { requestId: string; all: boolean };
  'art19.webhook': { noticeId: string };
  'art19.email': { noticeId: string };
  'drp.callback': { callbackId: string };
  'ops.chain-check': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** The queue each kind runs on (one queue per kind of work keeps a slow kind from starving the others). */
export const JOB_QUEUES = {
  'mail.send': 'mail',
  'webhook.deliver': 'webhooks',
  'session.sweep': 'maintenance',
  'api-key.expire': 'maintenance',
  'subprocessor.activate': 'maintenance',
  'register.review-sweep': 'maintenance',
  'request.reminder': 'requests',
  'request.unverified-reminder': 'requests',
  'request.expire-unverified': 'requests',
  'request.digest': 'requests',
  'workflow.step': 'workflows',
  'package.expire': 'workflows',
  'request.files-cleanup': 'workflows',
  'art19.webhook': 'workflows',
  'art19.email': 'workflows',
  'drp.callback': 'webhooks',
  'ops.chain-check': 'maintenance',
} as const satisfies { readonly [N in JobName]: QueueName };

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];
