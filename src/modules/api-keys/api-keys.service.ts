import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { actorOf, Caller, Role, SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { ConflictError, NotFoundError, ValidationFailed } from '../../common/errors/domain.error.js';
import { decodeCursor, Page, pageSize, toPage } from '../../common/pagination.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../../infrastructure/queue/jobs.service.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeyDto, ApiKeyListQueryDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto.js';

const KEY_PREFIX = 'lth_';
const EXPIRE_JOB = 'api-key.expire';
/** Keys are opaque: Lethe's own start with lth_, a configured LETHE_ADMIN_API_KEY may be any 32+ characters. */
const MIN_SECRET = 32;
const MAX_SECRET = 200;
/** Roles of the key generated at first start: every role a person uses in the console. */
export const FIRST_START_ROLES = ['admin', 'counsel', 'auditor'] as const;

export interface AuthenticatedKey {
  id: string;
  name: string;
  roles: ReadonlySet<Role>;
  expiresAt: number | null;
}

/** One key in the auditors' evidence pack: what it is and who made it, never its secret or hash. */
export interface ApiKeyInventoryEntry {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

@Injectable()
export class ApiKeysService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');
  /** Verified keys by hash, for LETHE_API_KEY_CACHE_SECONDS; revocation in this process clears it. */
  private readonly cache = new Map<string, { key: AuthenticatedKey | null; until: number }>();

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define(EXPIRE_JOB, (payload, context) => this.expire(String(payload.keyId), context.complete));
  }

  /**
   * Makes sure an admin can get in: LETHE_ADMIN_API_KEY (any secret of 32+ characters, `lth_…` or
   * not), or a generated key written to the data folder. Replicas booting together may all run
   * this: the configured key is inserted with ON CONFLICT DO NOTHING, and the generated one is made
   * under an advisory lock, so exactly one key is created and no process fails.
   */
  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.auth.adminApiKey;
    if (configured !== undefined) {
      const existing = await this.repository.bySecretHash(sha256Hex(configured));
      if (existing?.revokedAt) this.logger.warn('LETHE_ADMIN_API_KEY names a revoked key; it stays revoked. Set a new value.');
      if (!existing) await this.insert({ name: 'bootstrap admin (LETHE_ADMIN_API_KEY)', roles: ['admin'] }, SYSTEM, configured);
      return;
    }
    const created = await this.dataSource.transaction(async (manager) => {
      await this.repository.waitForBootstrapTurn(manager);
      if ((await this.repository.activeAdminCount(manager, this.clock.now())) > 0) return undefined;
      // The first-start key opens the whole console (board, register, administration) for whoever
      // installed Lethe; people then get their own keys or sign in with the identity provider.
      return this.insertIn(manager, { name: 'bootstrap admin (generated)', roles: [...FIRST_START_ROLES] }, SYSTEM, `${KEY_PREFIX}${randomToken(32)}`);
    });
    if (!created) return;
    const dir = resolve(this.config.dataDir);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'admin-api-key.txt');
    writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.logger.warn(`no admin API key existed: created one and wrote it to ${file} (readable by this user only)`);
  }

  create(dto: CreateApiKeyDto, caller: Caller): Promise<CreatedApiKeyDto> {
    if (dto.expiresAt !== undefined && new Date(dto.expiresAt).getTime() <= this.clock.now().getTime()) {
      throw new ValidationFailed([{ path: 'expiresAt', message: 'expiresAt must be in the future' }]);
    }
    return this.insert(dto, caller).then((created) => {
      // A fresh random secret cannot collide; if it ever did, say so rather than return nothing.
      if (!created) throw new ConflictError('key_collision', 'Creating the key collided with an existing one: try again');
      return created;
    });
  }

  async list(query: ApiKeyListQueryDto): Promise<Page<ApiKeyDto>> {
    const limit = pageSize(query);
    const cursor = decodeCursor(query.cursor, (v): v is { at: string; id: string } => typeof v.at === 'string' && typeof v.id === 'string');
    const rows = await this.repository.listPage(
      { activeAt: query.includeInactive ? undefined : this.clock.now() },
      cursor ? { at: new Date(cursor.at), id: cursor.id } : undefined,
      limit,
    );
    return toPage(rows, limit, (row) => ({ at: row.createdAt.toISOString(), id: row.id }), (row) => this.toDto(row));
  }

  async revoke(id: string, caller: Caller): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const key = await this.repository.lockById(manager, id);
      if (!key) throw new NotFoundError('API key');
      if (key.revokedAt) return;
      if (key.roles.includes('admin') && (await this.repository.activeAdminCount(manager, this.clock.now())) <= 1) {
        throw new ConflictError('last_admin_key', 'This is the last active admin key: create another admin key before revoking it');
      }
      await this.repository.markRevoked(manager, key, this.clock.now());
      await this.jobs.cancel(manager, `${EXPIRE_JOB}:${id}`);
      await this.audit.record(manager, caller, { action: 'api_key.revoked', targetType: 'api_key', targetId: id });
    });
    this.cache.clear();
  }

  /** The key behind a bearer token, or null when unknown, revoked or expired. */
  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    if (presented.length < MIN_SECRET || presented.length > MAX_SECRET) return null;
    const hash = sha256Hex(presented);
    return this.cachedKey(hash, () => this.repository.bySecretHash(hash));
  }

  /**
   * The key with this id while it is active, or null: what a console session signed in with a key
   * checks on every request, so revoking (or the expiry of) the key ends its sessions too.
   */
  async activeById(id: string): Promise<AuthenticatedKey | null> {
    return this.cachedKey(`id:${id}`, () => this.repository.byId(id));
  }

  /** Every key, revoked and expired ones too, oldest first: the evidence pack's inventory. */
  async inventory(): Promise<ApiKeyInventoryEntry[]> {
    const keys = await this.repository.all();
    return keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      roles: k.roles,
      createdAt: k.createdAt.toISOString(),
      createdBy: k.createdBy,
      expiresAt: k.expiresAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
  }

  private async cachedKey(cacheKey: string, load: () => Promise<ApiKeyEntity | null>): Promise<AuthenticatedKey | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(cacheKey);
    let key: AuthenticatedKey | null;
    if (cached && cached.until > Date.now()) {
      key = cached.key;
    } else {
      const row = await load();
      key = row && !row.revokedAt ? { id: row.id, name: row.name, roles: new Set(row.roles), expiresAt: row.expiresAt?.getTime() ?? null } : null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(cacheKey, { key, until: Date.now() + this.config.auth.keyCacheSeconds * 1000 });
    }
    if (key && key.expiresAt !== null && key.expiresAt <= now) return null;
    return key;
  }

  /** The expiry job: marks the key revoked and audits it. Idempotent. */
  private async expire(keyId: string, complete: (manager: EntityManager) => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const key = await this.repository.lockById(manager, keyId);
      if (key && !key.revokedAt) {
        await this.repository.markRevoked(manager, key, this.clock.now());
        await this.audit.record(manager, SYSTEM, { action: 'api_key.expired', targetType: 'api_key', targetId: keyId });
      }
      await complete(manager);
    });
    this.cache.clear();
  }

  private async insert(dto: CreateApiKeyDto, caller: Caller, secret = `${KEY_PREFIX}${randomToken(32)}`): Promise<CreatedApiKeyDto | undefined> {
    return this.dataSource.transaction((manager) => this.insertIn(manager, dto, caller, secret));
  }

  /** Inserts the key and audits it; undefined when a key with this secret exists already (a replica made it). */
  private async insertIn(manager: EntityManager, dto: CreateApiKeyDto, caller: Caller, secret: string): Promise<CreatedApiKeyDto | undefined> {
    const row = await this.repository.insertUnlessSecretExists(manager, {
      name: dto.name,
      // Enough to tell keys apart; a configured secret may be short on entropy, so it shows less of itself.
      prefix: secret.startsWith(KEY_PREFIX) ? secret.slice(0, 12) : `${secret.slice(0, 4)}…`,
      secretHash: sha256Hex(secret),
      roles: [...dto.roles].sort(),
      createdAt: this.clock.now(),
      createdBy: actorOf(caller),
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null,
      revokedAt: null,
    });
    if (!row) return undefined;
    if (row.expiresAt) {
      await this.jobs.schedule(manager, {
        name: EXPIRE_JOB,
        key: `${EXPIRE_JOB}:${row.id}`,
        payload: { keyId: row.id },
        runAt: row.expiresAt,
      });
    }
    await this.audit.record(manager, caller, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      details: { roles: row.roles, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    return { ...this.toDto(row), key: secret };
  }

  private toDto(row: ApiKeyEntity): ApiKeyDto {
    const now = this.clock.now().getTime();
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      roles: row.roles,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      active: !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > now),
    };
  }
}
