import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest as Request } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, type AuthenticatedRequest, type Caller, type Role, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, safeEqual, sha256Hex } from '../../common/crypto.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { decodeCursor, Page, pageSize, toPage } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { CSRF_HEADER } from './session.cookies.js';
import { ApiKeySignInDto, SessionDto, SignInMethodsDto, UserDto, UserListQueryDto } from './session.dto.js';
import { ConsoleSessionEntity, ConsoleUserEntity, SignInMethod } from './session.entity.js';
import { hasConsoleRole, needsTouch, originAllowed, SAFE_METHODS, sessionState } from './session.rules.js';
import { SessionsRepository } from './sessions.repository.js';
import { SignInLimiter } from './sign-in.limiter.js';

/** A session the guard found live for this request. */
export interface LiveSession {
  token: string;
  row: ConsoleSessionEntity;
  caller: Caller;
}

export interface SessionRequest extends AuthenticatedRequest {
  consoleSession?: LiveSession;
}

/** What a sign-in method established about who is signing in. */
export interface Identity {
  method: SignInMethod;
  caller: Caller;
  keyId: string | null;
  sub: string | null;
  name: string;
  email: string | null;
  roles: Role[];
}

export interface SignedIn {
  token: string;
  session: SessionDto;
}

/**
 * Console sessions: created by a sign-in method (an API key here, the identity provider in
 * oidc.sign-in.ts), found from the cookie on every request, ended by sign-out or by the clock.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: SessionsRepository,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    private readonly limiter: SignInLimiter,
  ) {}

  methods(): SignInMethodsDto {
    return { apiKey: true, oidc: this.config.oidc ? { label: this.config.oidc.label } : null };
  }

  // ── Finding the session of a request ─────────────────────────────────────────────────────────

  /**
   * The live session behind a cookie value, or null (unknown, ended, idle, past its end, or its key
   * revoked). A background request (the console refreshing on its own) does not count as activity.
   */
  async resolve(token: string, options: { background?: boolean } = {}): Promise<LiveSession | null> {
    const row = await this.repository.byTokenHash(sha256Hex(token));
    if (!row) return null;
    const now = this.clock.now();
    const state = sessionState(row, now, this.idleMs());
    if (state !== 'live') {
      if (state !== 'ended') await this.endQuietly(row, state === 'idle' ? 'idle_timeout' : 'expired');
      return null;
    }
    let caller: Caller;
    if (row.method === 'api_key') {
      const key = row.keyId ? await this.keys.activeById(row.keyId) : null;
      if (!key) {
        await this.endQuietly(row, 'key_inactive');
        return null;
      }
      caller = { kind: 'api_key', keyId: key.id, roles: key.roles };
    } else {
      caller = { kind: 'user', sub: row.sub!, sessionId: row.id, roles: new Set(row.roles), email: row.email };
    }
    if (needsTouch(row.lastSeenAt, now, options.background)) {
      await this.repository.touch(row.id, now);
      row.lastSeenAt = now;
    }
    return { token, row, caller };
  }

  /**
   * Why a change made with this session must be refused, or undefined when it may go ahead: safe
   * methods pass; others need X-CSRF-Token equal to the session's token and, when the browser sends
   * Origin, this service's own origin.
   */
  csrfFailure(live: LiveSession, request: Request): string | undefined {
    if (SAFE_METHODS.has(request.method)) return undefined;
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !safeEqual(sha256Hex(presented), live.row.csrfHash)) {
      return 'A change made with the session cookie needs the X-CSRF-Token header from GET /v1/session';
    }
    const origin = request.headers.origin;
    if (!originAllowed(typeof origin === 'string' ? origin : undefined, this.config.publicUrl, request.headers.host)) {
      return 'The request comes from another origin';
    }
    return undefined;
  }

  toDto(live: LiveSession): SessionDto {
    const row = live.row;
    return {
      method: row.method,
      actor: row.actor,
      name: row.name,
      email: row.email,
      roles: live.caller.kind === 'api_key' || live.caller.kind === 'user' ? [...live.caller.roles].sort() : row.roles,
      csrfToken: this.csrfToken(live.token),
      expiresAt: row.expiresAt.toISOString(),
      idleTimeoutSeconds: this.config.sessions.idleMinutes * 60,
    };
  }

  // ── Signing in and out ───────────────────────────────────────────────────────────────────────

  /**
   * Signs in with an API key; failed attempts count against the client address (SignInLimiter).
   * `previous`: the session cookies the browser presented, ended as `replaced` once signed in.
   */
  async signInWithKey(dto: ApiKeySignInDto, clientAddress: string | undefined, previous: string[] = []): Promise<SignedIn> {
    const wait = await this.limiter.retryAfter(clientAddress);
    if (wait > 0) {
      this.limiter.refused('rate_limited');
      throw tooManyAttempts(wait);
    }
    const key = await this.keys.authenticate(dto.apiKey);
    if (!key) {
      await this.limiter.failed(clientAddress, 'invalid_key');
      await this.recordFailure('api_key', 'invalid_key', SYSTEM);
      throw new UnauthorizedException('The API key is unknown, revoked or expired');
    }
    const caller: Caller = { kind: 'api_key', keyId: key.id, roles: key.roles };
    if (!hasConsoleRole(key.roles)) {
      // A valid key: audited under its own id, not counted against the address.
      this.limiter.refused('no_console_role');
      await this.recordFailure('api_key', 'no_console_role', caller);
      throw new DomainError(
        403,
        'no_console_role',
        'Forbidden',
        'This API key holds none of the roles the console has pages for (admin, counsel, auditor): keep using it as a bearer token, or sign in with another key',
      );
    }
    return this.dataSource.transaction((manager) =>
      this.create(manager, { method: 'api_key', caller, keyId: key.id, sub: null, name: key.name, email: null, roles: [...key.roles].sort() }, previous),
    );
  }

  /**
   * Creates the session and audits the sign-in in the caller's transaction. The sessions behind
   * `previous` (the cookies this browser presented) end as `replaced`: one browser, one session.
   */
  async create(manager: EntityManager, identity: Identity, previous: string[] = []): Promise<SignedIn> {
    const now = this.clock.now();
    const replaced = await this.repository.endByTokenHashes(manager, previous.map(sha256Hex), now, 'replaced');
    const token = randomToken(32);
    const row = await this.repository.insert(manager, {
      tokenHash: sha256Hex(token),
      method: identity.method,
      actor: actorOf(identity.caller),
      keyId: identity.keyId,
      sub: identity.sub,
      name: identity.name,
      email: identity.email,
      roles: identity.roles,
      csrfHash: sha256Hex(this.csrfToken(token)),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessions.absoluteHours * 3_600_000),
    });
    const caller: Caller = identity.caller.kind === 'user' ? { ...identity.caller, sessionId: row.id } : identity.caller;
    await this.audit.record(manager, caller, {
      action: 'session.signed_in',
      targetType: 'session',
      targetId: row.id,
      details: { method: identity.method, sessionId: row.id, roles: identity.roles, ...(replaced.length > 0 ? { replacedSessionIds: replaced } : {}) },
    });
    this.logger.log({ sessionId: row.id, method: identity.method, replaced: replaced.length }, 'signed in');
    return { token, session: this.toDto({ token, row, caller }) };
  }

  async signOut(live: LiveSession): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.end(manager, live.row.id, this.clock.now(), 'signed_out'))) return;
      await this.audit.record(manager, live.caller, {
        action: 'session.signed_out',
        targetType: 'session',
        targetId: live.row.id,
        details: { method: live.row.method, sessionId: live.row.id },
      });
    });
    this.logger.log({ sessionId: live.row.id }, 'signed out');
  }

  /** Audits a refused sign-in: the method and a reason code, never the key or anything about the person. */
  async recordFailure(method: SignInMethod, reason: string, actor: Caller): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, { action: 'session.sign_in_failed', targetType: 'session', targetId: null, details: { method, reason } }),
    );
    this.logger.warn({ method, reason }, 'sign-in refused');
  }

  // ── People who signed in ─────────────────────────────────────────────────────────────────────

  async users(query: UserListQueryDto): Promise<Page<UserDto>> {
    const limit = pageSize(query);
    const after = decodeCursor(query.cursor, (v): v is { sub: string } => typeof v.sub === 'string')?.sub;
    const rows = await this.repository.listUsers({ sub: query.actor?.slice('user:'.length), afterSub: after }, limit);
    return toPage(rows, limit, (row) => ({ sub: row.sub }), toUserDto);
  }

  /** The CSRF token is derived from the cookie with the server's HMAC key: the page can always fetch it, nobody stores it. */
  private csrfToken(sessionToken: string): string {
    return this.keyring.keyedHash('session-csrf', sessionToken);
  }

  private idleMs(): number {
    return this.config.sessions.idleMinutes * 60_000;
  }

  /** Marks a session found dead as ended, so the table says what happened; not audited (no one acted). */
  private async endQuietly(row: ConsoleSessionEntity, reason: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.repository.end(manager, row.id, this.clock.now(), reason));
  }
}

function toUserDto(row: ConsoleUserEntity): UserDto {
  return {
    actor: `user:${row.sub}`,
    name: row.displayName,
    roles: row.roles,
    firstSignInAt: row.firstSignInAt.toISOString(),
    lastSignInAt: row.lastSignInAt.toISOString(),
  };
}

function tooManyAttempts(resetSeconds: number): DomainError {
  return new DomainError(429, 'too_many_sign_in_attempts', 'Too Many Requests', `Too many failed sign-ins from this address: try again in ${resetSeconds} seconds`, {
    retryAfterSeconds: resetSeconds,
  });
}
