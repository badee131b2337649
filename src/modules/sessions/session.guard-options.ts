import { SetMetadata } from '@nestjs/common';

export const IGNORE_SESSION_KEY = 'lethe:ignore-session';

/**
 * The guard does not look at the session cookie on this route: signing in (again) replaces whatever
 * session the browser had, so a stale tab without the CSRF token is not refused.
 */
export const IgnoreSession = (): MethodDecorator => SetMetadata(IGNORE_SESSION_KEY, true);
