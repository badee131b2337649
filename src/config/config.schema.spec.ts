import { ConfigError, loadConfig } from './config.schema.js';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.queue.redisUrl).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.http.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.queue.workers).toBe(true);
    expect(config.dataDir).toBe('./data');
    expect(config.ops).toEqual({ chainCheckIntervalMinutes: 60, chainCheckConsentSubjects: 20_000 });
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL is not a valid URL/],
    ['REDIS_URL', 'http://x', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['LETHE_WORKERS', 'maybe', /LETHE_WORKERS must be one of on, off/],
    ['LETHE_ADMIN_API_KEY', 'short', /LETHE_ADMIN_API_KEY must be 32 to 200 visible ASCII characters/],
    ['LETHE_ADMIN_API_KEY', 'correct horse battery staple and more words', /LETHE_ADMIN_API_KEY must be 32 to 200 visible ASCII characters without spaces/],
    ['LETHE_ADMIN_API_KEY', 'x'.repeat(201), /LETHE_ADMIN_API_KEY must be 32 to 200/],
    ['LETHE_ADMIN_API_KEY', `drp_${'x'.repeat(40)}`, /LETHE_ADMIN_API_KEY must not start with drp_/],
    ['LETHE_DRP_AGENTS', '[{"id": "A", "verifyKey": "x"}]', /LETHE_DRP_AGENTS: agents\[0\] \(A\)\.verifyKey must be/],
    ['LETHE_DRP_RATE_PER_AGENT_PER_MINUTE', '0', /LETHE_DRP_RATE_PER_AGENT_PER_MINUTE/],
    ['LETHE_BODY_LIMIT', '10gb', /LETHE_BODY_LIMIT must be a size/],
    ['LETHE_QUEUE_PREFIX', 'Bad-Prefix', /LETHE_QUEUE_PREFIX must be lowercase/],
    ['LETHE_ENCRYPTION_KEYS', 'k1:c2hvcnQ=', /LETHE_ENCRYPTION_KEYS must be a comma-separated list/],
    ['LETHE_HMAC_KEY', 'too-short', /LETHE_HMAC_KEY must be at least 32 characters/],
    ['LETHE_CONTROLLER_COUNTRY', 'ireland', /LETHE_CONTROLLER_COUNTRY must be an ISO 3166-1/],
    ['NODE_ENV', 'production', /LETHE_HMAC_KEY and LETHE_ENCRYPTION_KEYS must be set when NODE_ENV=production/],
    ['LETHE_AUDIT_EXPORT_OTLP_ENDPOINT', 'syslog://siem:514', /LETHE_AUDIT_EXPORT_OTLP_ENDPOINT must be a http:\/\/ or https:\/\/ URL/],
    ['LETHE_AUDIT_EXPORT_HEADERS', 'Authorization=Bearer%20x', /LETHE_AUDIT_EXPORT_HEADERS and LETHE_AUDIT_EXPORT_CA_FILE need LETHE_AUDIT_EXPORT_OTLP_ENDPOINT/],
    ['LETHE_CHAIN_CHECK_INTERVAL_MINUTES', '0', /LETHE_CHAIN_CHECK_INTERVAL_MINUTES must be a whole number from 1 to 10080/],
    ['LETHE_CHAIN_CHECK_INTERVAL_MINUTES', '1.5', /LETHE_CHAIN_CHECK_INTERVAL_MINUTES must be a whole number/],
    ['LETHE_CHAIN_CHECK_CONSENT_SUBJECTS', '0', /LETHE_CHAIN_CHECK_CONSENT_SUBJECTS must be a whole number from 1/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LETHE_WORKERS: 'x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('never echoes a database URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('parses a key ring, first key active', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const config = loadConfig({ LETHE_ENCRYPTION_KEYS: `k2:${k2}, k1:${k1}` });
    expect(config.secrets.encryptionKeys?.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(() => loadConfig({ LETHE_ENCRYPTION_KEYS: `k1:${k1},k1:${k2}` })).toThrow(/distinct/);
  });

  it('parses sizes and switches', () => {
    const config = loadConfig({ LETHE_BODY_LIMIT: '512kb', LETHE_WORKERS: 'off', DATABASE_URL: 'postgres://h/test' });
    expect(config.http.bodyLimitBytes).toBe(512 * 1024);
    expect(config.queue.workers).toBe(false);
    expect(config.database.url).toBe('postgres://h/test');
  });

  describe('audit export', () => {
    const endpoint = { LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'https://collector.example.com:4318/' };

    it('is off without an endpoint', () => {
      expect(loadConfig({}).auditExport).toBeUndefined();
    });

    it('posts to <endpoint>/v1/logs with the headers decoded', () => {
      const config = loadConfig({ ...endpoint, LETHE_AUDIT_EXPORT_HEADERS: 'Authorization=Bearer%20s3cr%3Dt, X-Scope-OrgID=lethe' });
      expect(config.auditExport).toMatchObject({
        logsUrl: 'https://collector.example.com:4318/v1/logs',
        headers: { Authorization: 'Bearer s3cr=t', 'X-Scope-OrgID': 'lethe' },
        sink: 'siem',
        start: 'beginning',
        batchSize: 200,
      });
      expect(loadConfig({ LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'http://otel:4318/prefix' }).auditExport?.logsUrl).toBe('http://otel:4318/prefix/v1/logs');
    });

    it.each([
      [{ LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'https://user:hunter2@collector.example.com' }, /must not carry credentials/],
      [{ LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'https://collector.example.com?x=1' }, /must not have a query/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_HEADERS: 'Authorization' }, /entry 1 is not/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_HEADERS: 'ok=1,bad name=hunter2' }, /entry 2 is not/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_HEADERS: 'Content-Type=text/plain' }, /must not set Content-Type/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_CA_FILE: '/nonexistent/ca.pem' }, /LETHE_AUDIT_EXPORT_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
      [{ LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'http://otel:4318', LETHE_AUDIT_EXPORT_CA_FILE: '/etc/hostname' }, /needs an https:\/\//],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_BACKOFF_MS: '5000', LETHE_AUDIT_EXPORT_MAX_BACKOFF_MS: '1000' }, /MAX_BACKOFF_MS must be at least/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_START: 'yesterday' }, /LETHE_AUDIT_EXPORT_START must be one of beginning, now/],
      [{ ...endpoint, LETHE_AUDIT_EXPORT_NAME: 'My SIEM' }, /LETHE_AUDIT_EXPORT_NAME must be lowercase/],
    ])('refuses %j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('never echoes a header value or a password in the endpoint', () => {
      const attempt = () => loadConfig({ LETHE_AUDIT_EXPORT_OTLP_ENDPOINT: 'https://u:hunter2@c.example.com', LETHE_AUDIT_EXPORT_HEADERS: 'x y=hunter2' });
      expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
    });
  });

  describe('trusted proxies (LETHE_TRUST_PROXY)', () => {
    it('trusts nobody by default', () => {
      expect(loadConfig({}).http.trustProxy).toBeUndefined();
    });

    it.each([
      ['loopback', 'loopback'],
      [' 10.0.0.0/8 , 192.168.1.7,loopback ', '10.0.0.0/8,192.168.1.7,loopback'],
      ['fd00::/8,::1', 'fd00::/8,::1'],
    ])('takes %j', (value, expected) => {
      expect(loadConfig({ LETHE_TRUST_PROXY: value }).http.trustProxy).toBe(expected);
    });

    it.each([
      ['true', /must name the proxies/],
      ['*', /must name the proxies/],
      ['1', /must name the proxies/],
      ['0.0.0.0/0', /must name the proxies/],
      ['10.0.0.0/33', /may list only IP addresses, CIDR ranges .*got "10\.0\.0\.0\/33"/],
      ['proxy.internal', /got "proxy\.internal"/],
      ['10.0.0.1/8/2', /got "10\.0\.0\.1\/8\/2"/],
    ])('refuses %j', (value, message) => {
      expect(() => loadConfig({ LETHE_TRUST_PROXY: value })).toThrow(message);
    });
  });

  describe('public URL', () => {
    it.each([
      ['no PORT: the default port', {}, 'http://localhost:3000'],
      ['PORT alone: links follow the port', { PORT: '3411' }, 'http://localhost:3411'],
      ['PORT=0 (a free port) has no address to name: the default', { PORT: '0' }, 'http://localhost:3000'],
      ['LETHE_PUBLIC_URL wins, trailing slash dropped', { PORT: '3411', LETHE_PUBLIC_URL: 'https://privacy.example.com/' }, 'https://privacy.example.com'],
    ])('%s', (_rule, env: Record<string, string>, url) => {
      expect(loadConfig(env).publicUrl).toBe(url);
    });
  });

  describe('mail transport', () => {
    const production = { NODE_ENV: 'production', LETHE_HMAC_KEY: 'h'.repeat(32), LETHE_ENCRYPTION_KEYS: `k:${Buffer.alloc(32, 1).toString('base64')}` };

    it.each([
      ['development without SMTP_URL writes .eml files', {}, 'files'],
      ['SMTP_URL sends', { SMTP_URL: 'smtp://mail:25' }, 'smtp'],
      ['production with SMTP_URL', { ...production, SMTP_URL: 'smtp://mail:25' }, 'smtp'],
      ['production may choose files explicitly', { ...production, LETHE_MAIL_TRANSPORT: 'files' }, 'files'],
      ['explicit smtp with its URL', { LETHE_MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtps://mail:465' }, 'smtp'],
    ])('%s', (_rule, env: Record<string, string>, transport) => {
      expect(loadConfig(env).mail.transport).toBe(transport);
    });

    it.each([
      ['production without SMTP_URL refuses to start', { ...production }, /SMTP_URL must be set when NODE_ENV=production.*LETHE_MAIL_TRANSPORT=files/],
      ['smtp without a URL', { LETHE_MAIL_TRANSPORT: 'smtp' }, /LETHE_MAIL_TRANSPORT=smtp needs SMTP_URL/],
      ['contradictory choice', { LETHE_MAIL_TRANSPORT: 'files', SMTP_URL: 'smtp://mail:25' }, /LETHE_MAIL_TRANSPORT=files and SMTP_URL are both set/],
      ['unknown transport', { LETHE_MAIL_TRANSPORT: 'pigeon' }, /LETHE_MAIL_TRANSPORT must be one of smtp, files/],
    ])('refused: %s', (_rule, env: Record<string, string>, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });
  describe('console sign-in (LETHE_SESSION_*, LETHE_OIDC_*)', () => {
    const oidc = { LETHE_OIDC_ISSUER: 'https://login.example.com/', LETHE_OIDC_CLIENT_ID: 'lethe', LETHE_OIDC_CLIENT_SECRET: 'secret' };

    it('defaults: 30 idle minutes, 12 hours at most, no identity provider', () => {
      const config = loadConfig({});
      expect(config.sessions).toEqual({ idleMinutes: 30, absoluteHours: 12, signInFailuresPer15Minutes: 10 });
      expect(config.oidc).toBeUndefined();
    });

    it('reads the identity provider with its defaults', () => {
      expect(loadConfig(oidc).oidc).toEqual({
        issuer: 'https://login.example.com',
        clientId: 'lethe',
        clientSecret: 'secret',
        rolesClaim: 'roles',
        roleMap: undefined,
        scopes: 'openid profile email',
        label: "Sign in with your organisation's account",
      });
    });

    it('parses the role map; a claim value may grant several roles', () => {
      const map = loadConfig({ ...oidc, LETHE_OIDC_ROLE_MAP: 'privacy-team=counsel, auditors=auditor,lethe-admins=admin,lethe-admins=auditor' }).oidc!.roleMap!;
      expect(Object.fromEntries(map)).toEqual({ 'privacy-team': ['counsel'], auditors: ['auditor'], 'lethe-admins': ['admin', 'auditor'] });
    });

    it.each([
      [{ ...oidc, LETHE_OIDC_ISSUER: 'http://login.example.com' }, /LETHE_OIDC_ISSUER must be an https:\/\/ URL \(plain http is allowed only for localhost/],
      [{ ...oidc, LETHE_OIDC_ISSUER: 'not a url' }, /LETHE_OIDC_ISSUER is not a valid URL/],
      [{ LETHE_OIDC_ISSUER: 'https://login.example.com' }, /LETHE_OIDC_CLIENT_ID must be set with LETHE_OIDC_ISSUER/],
      [{ LETHE_OIDC_CLIENT_ID: 'lethe' }, /LETHE_OIDC_CLIENT_ID is set but LETHE_OIDC_ISSUER is not/],
      [{ ...oidc, LETHE_OIDC_ROLE_MAP: 'privacy-team=lawyer' }, /LETHE_OIDC_ROLE_MAP entry 1 must be <claim value>=<role>/],
      [{ ...oidc, LETHE_OIDC_ROLE_MAP: 'counsel' }, /LETHE_OIDC_ROLE_MAP entry 1 must be/],
      [{ ...oidc, LETHE_OIDC_SCOPES: 'profile email' }, /LETHE_OIDC_SCOPES must be space-separated scopes including openid/],
      [{ LETHE_SESSION_IDLE_MINUTES: '0' }, /LETHE_SESSION_IDLE_MINUTES must be a whole number/],
      [{ LETHE_SESSION_ABSOLUTE_HOURS: 'x' }, /LETHE_SESSION_ABSOLUTE_HOURS must be a whole number/],
    ])('refuses %j naming the variable', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('allows plain http for an issuer on this machine', () => {
      expect(loadConfig({ ...oidc, LETHE_OIDC_ISSUER: 'http://127.0.0.1:8080' }).oidc?.issuer).toBe('http://127.0.0.1:8080');
      expect(loadConfig({ ...oidc, LETHE_OIDC_ISSUER: 'http://localhost:8080/realms/x' }).oidc?.issuer).toBe('http://localhost:8080/realms/x');
    });
  });
});
