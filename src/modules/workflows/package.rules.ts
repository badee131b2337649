import type { JobSpec } from '../../infrastructure/queue/jobs.js';

/** When a package's link stops working: whole seconds (they are signed), `days` from `from`. */
export function linkExpiry(from: Date, days: number): Date {
  return new Date(Math.ceil((from.getTime() + days * 86_400_000) / 1000) * 1000);
}

export function expireJob(packageId: string, runAt: Date): JobSpec<'package.expire'> {
  return { name: 'package.expire', key: `package:${packageId}:expire`, payload: { packageId }, runAt };
}
