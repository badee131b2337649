import { join } from 'node:path';
import { loadStoresConfig, StoreConfig } from './data-stores.config.js';
import { loadRecipients, RecipientContact } from './recipients.config.js';
import { auditExportConfig, type AuditExportConfig } from './audit-export.config.js';
import { DRP_ID, type DrpAgentConfig, loadDrpAgents } from './drp.config.js';
import { oidcConfig, type OidcConfig, subjectOidcConfig, type SubjectOidcConfig } from './oidc.config.js';
import { type Env, Reader } from './reader.js';
import { trustProxyConfig } from './trust-proxy.config.js';

export { type AuditExportConfig } from './audit-export.config.js';
export { type OidcConfig, parseRoleMap, type SubjectOidcConfig } from './oidc.config.js';

/**
 * The one place that reads the environment. Every variable Lethe understands is declared here,
 * parsed once at boot, and a bad value stops the process with a message that names the variable.
 * The README's configuration table mirrors this list.
 */
export interface LetheConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    /** LETHE_TRUST_PROXY: the proxies whose X-Forwarded-For names the client (a proxy-addr list); undefined: none. */
    readonly trustProxy: string | undefined;
  };
  readonly database: {
    /** Unset: the embedded PGlite under dataDir. */
    readonly url: string | undefined;
    readonly poolSize: number;
    /** TCP port for the embedded PGlite socket server; 0 picks a free one. */
    readonly embeddedPort: number;
    /** Keep the embedded database under dataDir (off: in memory, for tests and demos). */
    readonly embeddedPersist: boolean;
    /** A file holding an empty PGlite cluster: a new embedded database starts from it (written on first use). */
    readonly embeddedTemplate: string | undefined;
  };
  readonly dataDir: string;
  readonly queue: {
    /** Unset: BullMQ's Postgres backend in the same database. */
    readonly redisUrl: string | undefined;
    readonly prefix: string;
    readonly workers: boolean;
    readonly concurrency: number;
    readonly reconcileIntervalSeconds: number;
  };
  readonly auth: { readonly adminApiKey: string | undefined; readonly keyCacheSeconds: number };
  readonly secrets: {
    /** Key for keyed hashes (subject references, IP addresses, pseudonymisation). */
    readonly hmacKey: string | undefined;
    /** `id:base64key,…` (32-byte AES-256-GCM keys); the first encrypts, all decrypt. */
    readonly encryptionKeys: ReadonlyArray<{ readonly id: string; readonly key: Buffer }> | undefined;
  };
  /** The controller, as consent receipts and notices name it. */
  readonly controller: {
    readonly name: string;
    readonly contact: string;
    readonly address: string | undefined;
    readonly privacyNoticeUrl: string | undefined;
    readonly country: string;
  };
  readonly consent: {
    /** How far in the future an occurredAt may be, for clock skew between the IAM API and Lethe. */
    readonly clockSkewSeconds: number;
    /** How a subject withdraws, as consent receipts state it (Art 7(3)). */
    readonly withdrawalMethod: string;
  };
  readonly webhooks: { readonly maxAttempts: number; readonly backoffMs: number; readonly timeoutMs: number };
  readonly mail: {
    /**
     * `smtp`: sent through smtpUrl. `files`: written as .eml files under <dataDir>/mail, for
     * development (the default without SMTP_URL, except in production where it must be chosen).
     */
    readonly transport: 'smtp' | 'files';
    /** smtp(s)://…; set exactly when transport is `smtp`. */
    readonly smtpUrl: string | undefined;
    readonly from: string;
    /** Where counsel's reminders and digests go when a request has no assignee. */
    readonly counselEmail: string;
  };
  /** Base URL the API is reached at, for links in emails and calendar feeds (default: http://localhost:<PORT>). */
  readonly publicUrl: string;
  readonly requests: {
    readonly defaultJurisdiction: 'EU' | 'UK' | 'US-CA' | 'BR' | 'CA-QC' | 'US-VA';
    /** Types that wait for counsel's approval once verified. */
    readonly approvalRequired: ReadonlyArray<string>;
    readonly unverifiedReminderDays: number;
    readonly unverifiedPurgeDays: number;
    /** Intake limits: requests per minute per IP address, and per hour per email address. */
    readonly ratePerIpPerMinute: number;
    readonly ratePerEmailPerHour: number;
  };
  /** LETHE_DATA_STORES (a YAML/JSON file path or inline JSON), parsed and validated. */
  readonly dataStores: readonly StoreConfig[];
  /** Art 28(2): days customers have to object to a new or replacing subprocessor. */
  readonly objectionWindowDays: number;
  readonly workflows: {
    /** Tries of one store's step before it shows as failed for counsel to retry or waive. */
    readonly stepAttempts: number;
    /** First retry delay of a failed step; doubles each try. */
    readonly stepBackoffMs: number;
    /** How long a running step's claim lasts unless renewed (a third of it between renewals); another run takes the step over only after. */
    readonly stepLeaseMs: number;
    /** Where access and portability packages are written (shared storage when workers run on several hosts). */
    readonly exportDir: string;
    /** How long a package's download link works; the file is deleted then. */
    readonly exportLinkDays: number;
    readonly exportMaxDownloads: number;
    /** LETHE_RECIPIENTS: how to reach each recipient for Art 19 notices. */
    readonly recipients: readonly RecipientContact[];
  };
  readonly iam: {
    readonly jwksUrl: string | undefined;
    readonly publicKey: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    readonly algorithm: string;
  };
  /** Console sign-in: server-side sessions behind the `__Host-lethe_session` cookie. */
  readonly sessions: {
    /** A session unused this long ends. */
    readonly idleMinutes: number;
    /** A session ends this long after sign-in, used or not. */
    readonly absoluteHours: number;
    /** Failed API-key sign-ins allowed per client address per 15 minutes. */
    readonly signInFailuresPer15Minutes: number;
  };
  /** OpenID Connect sign-in for the console; undefined when LETHE_OIDC_ISSUER is unset. */
  readonly oidc: OidcConfig | undefined;
  /** The privacy center at /privacy: how it looks, and who may frame it. */
  readonly privacyCenter: {
    /** An https (or same-site) image URL; its origin is allowed by the page's CSP. */
    readonly logoUrl: string | undefined;
    /** `#rrggbb`. */
    readonly accent: string;
    /** CSP frame-ancestors sources (origins) that may embed the pages; empty: none may. */
    readonly frameAncestors: readonly string[];
    /** Data subjects' sign-in through the IAM's identity provider; undefined when LETHE_SUBJECT_OIDC_ISSUER is unset. */
    readonly oidc: SubjectOidcConfig | undefined;
  };
  /**
   * The Data Rights Protocol (Covered Business side): the business's id in the DRP directory and the
   * authorized agents that may pair with it. Off (the routes answer 404) while no agent is listed.
   */
  readonly drp: {
    readonly businessId: string | undefined;
    readonly agents: readonly DrpAgentConfig[];
    /** Calls per agent per minute, all routes together (pairing counts for the agent its path names). */
    readonly ratePerAgentPerMinute: number;
  };
  /**
   * The audit trail streamed to a SIEM as OpenTelemetry logs over OTLP/HTTP (JSON); undefined when
   * LETHE_AUDIT_EXPORT_OTLP_ENDPOINT is unset.
   */
  readonly auditExport: AuditExportConfig | undefined;
  /** Operations: the scheduled verification of the audit trail and the consent ledger (/metrics, alerts). */
  readonly ops: {
    /** Minutes between two verifications of the chains. */
    readonly chainCheckIntervalMinutes: number;
    /** Subjects' consent chains verified per run; the next run goes on from where this one stopped. */
    readonly chainCheckConsentSubjects: number;
  };
  readonly log: { readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  readonly shutdownGraceSeconds: number;
  /** A process not ready within this many seconds exits with an error (for its supervisor to restart it). */
  readonly bootTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}


/** Parses the environment; throws ConfigError listing every bad variable at once. */
export function loadConfig(env: Env): LetheConfig {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'test', 'production'], 'development');
  const port = read.int('PORT', 3000, 0, 65535);
  const smtpUrl = read.url('SMTP_URL', ['smtp:', 'smtps:']);
  const config: LetheConfig = {
    env: nodeEnv,
    http: {
      host: read.string('HOST', '0.0.0.0'),
      port,
      bodyLimitBytes: read.bytes('LETHE_BODY_LIMIT', '1mb'),
      trustProxy: trustProxyConfig(read, problems),
    },
    database: {
      url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      poolSize: read.int('LETHE_DB_POOL_SIZE', 10, 1, 200),
      embeddedPort: read.int('LETHE_EMBEDDED_PG_PORT', 0, 0, 65535),
      embeddedPersist: read.oneOf('LETHE_EMBEDDED_PERSIST', ['on', 'off'], 'on') === 'on',
      embeddedTemplate: read.string('LETHE_EMBEDDED_TEMPLATE', '') || undefined,
    },
    dataDir: read.string('LETHE_DATA_DIR', './data'),
    queue: {
      redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
      prefix: read.pattern('LETHE_QUEUE_PREFIX', /^[a-z][a-z0-9_]{0,40}$/, 'lethe', 'lowercase letters, digits and _'),
      workers: read.oneOf('LETHE_WORKERS', ['on', 'off'], 'on') === 'on',
      concurrency: read.int('LETHE_WORKER_CONCURRENCY', 4, 1, 64),
      reconcileIntervalSeconds: read.int('LETHE_RECONCILE_INTERVAL_SECONDS', 300, 0, 86_400),
    },
    auth: {
      adminApiKey: read.bearerSecret('LETHE_ADMIN_API_KEY'),
      keyCacheSeconds: read.int('LETHE_API_KEY_CACHE_SECONDS', 10, 0, 3600),
    },
    secrets: {
      hmacKey: read.secret('LETHE_HMAC_KEY', 32),
      encryptionKeys: read.keyList('LETHE_ENCRYPTION_KEYS'),
    },
    controller: {
      name: read.string('LETHE_CONTROLLER_NAME', 'Example Controller Ltd'),
      contact: read.string('LETHE_CONTROLLER_CONTACT', 'privacy@example.com'),
      address: read.optional('LETHE_CONTROLLER_ADDRESS'),
      privacyNoticeUrl: read.optional('LETHE_PRIVACY_NOTICE_URL'),
      country: read.pattern('LETHE_CONTROLLER_COUNTRY', /^[A-Z]{2}$/, 'IE', 'an ISO 3166-1 alpha-2 code such as IE'),
    },
    consent: {
      clockSkewSeconds: read.int('LETHE_CONSENT_CLOCK_SKEW_SECONDS', 300, 0, 3600),
      withdrawalMethod: read.string(
        'LETHE_CONSENT_WITHDRAWAL_METHOD',
        'Withdraw at any time, as easily as you gave consent: in your account settings, or with the link in any message we send you.',
      ),
    },
    webhooks: {
      maxAttempts: read.int('LETHE_WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
      backoffMs: read.int('LETHE_WEBHOOK_BACKOFF_MS', 10_000, 10, 3_600_000),
      timeoutMs: read.int('LETHE_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    },
    mail: {
      transport: mailTransport(read.optional('LETHE_MAIL_TRANSPORT'), smtpUrl, nodeEnv, problems),
      smtpUrl,
      from: read.string('LETHE_MAIL_FROM', 'Lethe <privacy@example.com>'),
      counselEmail: read.pattern('COUNSEL_EMAIL', /^[^\s@]+@[^\s@]+$/, 'privacy-counsel@example.com', 'an email address'),
    },
    // Port 0 (a free port, tests) has no address to name before listening: links then say 3000.
    publicUrl: (read.url('LETHE_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port === 0 ? 3000 : port}`).replace(/\/$/, ''),
    requests: {
      defaultJurisdiction: read.oneOf('LETHE_DEFAULT_JURISDICTION', ['EU', 'UK', 'US-CA', 'BR', 'CA-QC', 'US-VA'], 'EU'),
      approvalRequired: read.list('LETHE_APPROVAL_REQUIRED_TYPES', ['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'], [
        'rectification',
        'erasure',
        'restriction',
        'objection',
      ]),
      unverifiedReminderDays: read.int('LETHE_UNVERIFIED_REMINDER_DAYS', 7, 1, 365),
      unverifiedPurgeDays: read.int('LETHE_UNVERIFIED_PURGE_DAYS', 30, 1, 3650),
      ratePerIpPerMinute: read.int('LETHE_INTAKE_RATE_PER_IP_PER_MINUTE', 10, 1, 100_000),
      ratePerEmailPerHour: read.int('LETHE_INTAKE_RATE_PER_EMAIL_PER_HOUR', 5, 1, 100_000),
    },
    objectionWindowDays: read.int('LETHE_OBJECTION_WINDOW_DAYS', 30, 0, 365),
    dataStores: read.structured('LETHE_DATA_STORES', loadStoresConfig),
    workflows: {
      stepAttempts: read.int('LETHE_STEP_ATTEMPTS', 3, 1, 20),
      stepBackoffMs: read.int('LETHE_STEP_BACKOFF_MS', 30_000, 10, 3_600_000),
      stepLeaseMs: read.int('LETHE_STEP_LEASE_SECONDS', 10, 3, 600) * 1000,
      exportDir: read.string('LETHE_EXPORT_DIR', join(read.string('LETHE_DATA_DIR', './data'), 'exports')),
      exportLinkDays: read.int('LETHE_EXPORT_LINK_DAYS', 7, 1, 90),
      exportMaxDownloads: read.int('LETHE_EXPORT_MAX_DOWNLOADS', 5, 1, 100),
      recipients: read.structured('LETHE_RECIPIENTS', loadRecipients),
    },
    iam: {
      jwksUrl: read.url('IAM_JWKS_URL', ['https:', 'http:']),
      publicKey: read.optional('IAM_JWT_PUBLIC_KEY'),
      issuer: read.optional('IAM_JWT_ISSUER'),
      audience: read.optional('IAM_JWT_AUDIENCE'),
      algorithm: read.oneOf('IAM_JWT_ALGORITHM', ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'], 'RS256'),
    },
    sessions: {
      idleMinutes: read.int('LETHE_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      absoluteHours: read.int('LETHE_SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
      signInFailuresPer15Minutes: read.int('LETHE_SIGN_IN_FAILURES_PER_15_MINUTES', 10, 1, 100_000),
    },
    oidc: oidcConfig(read, problems),
    privacyCenter: {
      logoUrl: read.url('LETHE_PRIVACY_LOGO_URL', ['https:', 'http:']),
      accent: read.pattern('LETHE_PRIVACY_ACCENT', /^#[0-9a-fA-F]{6}$/, '#1d4ed8', 'a colour written #rrggbb').toLowerCase(),
      frameAncestors: frameAncestors(read.optional('LETHE_PRIVACY_FRAME_ANCESTORS'), problems),
      oidc: subjectOidcConfig(read, problems),
    },
    drp: drpConfig(read, problems),
    auditExport: auditExportConfig(read, problems),
    ops: {
      chainCheckIntervalMinutes: read.int('LETHE_CHAIN_CHECK_INTERVAL_MINUTES', 60, 1, 10_080),
      chainCheckConsentSubjects: read.int('LETHE_CHAIN_CHECK_CONSENT_SUBJECTS', 20_000, 1, 10_000_000),
    },
    log: { level: read.oneOf('LETHE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') },
    shutdownGraceSeconds: read.int('LETHE_SHUTDOWN_GRACE_SECONDS', 25, 1, 600),
    bootTimeoutSeconds: read.int('LETHE_BOOT_TIMEOUT_SECONDS', 120, 5, 3600),
  };

  if (config.env === 'production' && (config.secrets.hmacKey === undefined || config.secrets.encryptionKeys === undefined)) {
    problems.push('LETHE_HMAC_KEY and LETHE_ENCRYPTION_KEYS must be set when NODE_ENV=production (generated keys would be lost with the container)');
  }
  if ((config.iam.jwksUrl !== undefined || config.iam.publicKey !== undefined) && (config.iam.issuer === undefined || config.iam.audience === undefined)) {
    problems.push('IAM_JWT_ISSUER and IAM_JWT_AUDIENCE must be set with IAM_JWKS_URL or IAM_JWT_PUBLIC_KEY');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function drpConfig(read: Reader, problems: string[]): LetheConfig['drp'] {
  const businessId = read.optional('LETHE_DRP_BUSINESS_ID');
  const agents = read.structured('LETHE_DRP_AGENTS', loadDrpAgents);
  if (businessId !== undefined && !DRP_ID.test(businessId)) problems.push('LETHE_DRP_BUSINESS_ID must be this business\'s id in the DRP directory (1-100 letters, digits, _ . : -)');
  if (agents.length > 0 && businessId === undefined) problems.push('LETHE_DRP_AGENTS needs LETHE_DRP_BUSINESS_ID: agents sign requests for a business id, and Lethe must know its own');
  return { businessId, agents, ratePerAgentPerMinute: read.int('LETHE_DRP_RATE_PER_AGENT_PER_MINUTE', 120, 1, 100_000) };
}

/** Space-separated origins (https://shop.example.com) that may frame the privacy center. */
function frameAncestors(value: string | undefined, problems: string[]): string[] {
  const items = (value ?? '').split(/\s+/).filter((v) => v !== '');
  for (const item of items) {
    let ok = false;
    try {
      const u = new URL(item);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === item.replace(/\/$/, '');
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`LETHE_PRIVACY_FRAME_ANCESTORS must list origins such as https://www.example.com, separated by spaces (got "${item}")`);
  }
  return items.map((v) => v.replace(/\/$/, ''));
}

function mailTransport(value: string | undefined, smtpUrl: string | undefined, env: LetheConfig['env'], problems: string[]): 'smtp' | 'files' {
  if (value !== undefined && value !== 'smtp' && value !== 'files') {
    problems.push(`LETHE_MAIL_TRANSPORT must be one of smtp, files (got "${value}")`);
    return smtpUrl === undefined ? 'files' : 'smtp';
  }
  if (value === 'files') {
    if (smtpUrl !== undefined) problems.push('LETHE_MAIL_TRANSPORT=files and SMTP_URL are both set: unset one of them');
    return 'files';
  }
  if (smtpUrl !== undefined) return 'smtp';
  if (value === 'smtp') problems.push('LETHE_MAIL_TRANSPORT=smtp needs SMTP_URL');
  else if (env === 'production') {
    problems.push(
      'SMTP_URL must be set when NODE_ENV=production (requesters would never get their verification codes); ' +
        'to write mail as .eml files under LETHE_DATA_DIR/mail instead, set LETHE_MAIL_TRANSPORT=files',
    );
  }
  return 'files';
}
