import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../../common/audit/audit.service.js';
import { sha256Hex } from '../../common/crypto.js';
import { FixedClock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { loadConfig } from '../../config/config.schema.js';
import type { MailMessage, Mailer } from '../../infrastructure/mail/mailer.js';
import type { JobSpec } from '../../infrastructure/queue/jobs.js';
import type { JobsService } from '../../infrastructure/queue/jobs.service.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import type { CreateRequestDto } from './request.dto.js';
import type { RequestEntity, RequestEventEntity } from './request.entity.js';
import { RequestIntake } from './request.intake.js';
import { RequestLifecycle } from './request.lifecycle.js';
import { MAX_CODE_ATTEMPTS, RequestVerification } from './request.verification.js';
import type { RequestsRepository } from './requests.repository.js';

/**
 * Intake and verification as services, with fakes for what they talk to: an in-memory repository
 * (each read a copy, as from a database), a job table, an outbox of mails and an audit list. The
 * rules under test are the services' own: what is checked together, what is sealed, what is
 * scheduled, how codes are counted and locked. The e2e suites run the same flows on Postgres.
 */
class FakeRequests {
  readonly rows = new Map<string, RequestEntity>();
  readonly timeline: Omit<RequestEventEntity, 'id'>[] = [];
  private copy = (r: RequestEntity) => Object.assign(Object.create(Object.getPrototypeOf(r) as object) as RequestEntity, structuredClone({ ...r }));

  async byId(id: string) {
    const row = this.rows.get(id);
    return row ? this.copy(row) : null;
  }
  async lock(_m: EntityManager, id: string) {
    return this.byId(id);
  }
  async insert(_m: EntityManager, r: RequestEntity) {
    this.rows.set(r.id, this.copy(r));
  }
  async save(_m: EntityManager, r: RequestEntity) {
    this.rows.set(r.id, this.copy(r));
  }
  async openDuplicate(type: string, emailHash: string | null) {
    return [...this.rows.values()].find((r) => r.type === type && r.emailHash === emailHash && !r.closedAt) ?? null;
  }
  async insertEvent(_m: EntityManager, event: Omit<RequestEventEntity, 'id'>) {
    this.timeline.push(event);
  }
  async events(id: string, all: boolean) {
    return this.timeline.filter((e) => e.requestId === id && (all || e.isPublic)).map((e, i) => ({ id: String(i), ...e }));
  }
  async insertNote() {}
}

function harness(env: Record<string, string> = {}) {
  const config = loadConfig({ LETHE_APPROVAL_REQUIRED_TYPES: 'erasure', ...env });
  const clock = new FixedClock('2026-03-02T10:00:00Z');
  const keyring = new Keyring(Buffer.alloc(32, 7), [{ id: 'k1', key: Buffer.alloc(32, 1) }]);
  const fake = new FakeRequests();
  const repository = fake as unknown as RequestsRepository;
  const jobs = new Map<string, JobSpec>();
  const mails: { key: string; message: MailMessage }[] = [];
  const audit: string[] = [];
  const dataSource = { transaction: (work: (m: EntityManager) => Promise<unknown>) => work({} as EntityManager) } as unknown as DataSource;
  const fakeJobs = { schedule: async (_m: EntityManager, spec: JobSpec) => void jobs.set(spec.key, spec), cancel: async (_m: EntityManager, key: string) => void jobs.delete(key) } as unknown as JobsService;
  const mailer = { queue: async (_m: EntityManager, key: string, message: MailMessage) => void mails.push({ key, message }) } as unknown as Mailer;
  const auditor = { record: async (_m: EntityManager, _caller: unknown, entry: { action: string }) => void audit.push(entry.action) } as unknown as AuditService;
  const deadlines = new DeadlinesService(config);
  const lifecycle = new RequestLifecycle(config, repository, deadlines, keyring, auditor, fakeJobs, mailer, clock);
  const verification = new RequestVerification(dataSource, repository, lifecycle, deadlines, keyring, auditor, clock);
  const intake = new RequestIntake(config, dataSource, repository, lifecycle, verification, keyring, auditor, clock);
  const codeIn = () => /\b(\d{6})\b/.exec([...mails].reverse().find((m) => m.key.includes(':code-'))!.message.text)![1]!;
  return { intake, verification, fake, jobs, mails, audit, clock, codeIn };
}

const access = (extra: Partial<CreateRequestDto> = {}) => ({ type: 'access', email: 'ana@example.com', jurisdiction: 'EU', ...extra }) as CreateRequestDto;

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('RequestIntake', () => {
  it('checks the request as a whole and names every field, storing and sending nothing', async () => {
    const h = harness();
    const error = await rejection(h.intake.intake({ type: 'rectification', receivedAt: '2026-03-01', channel: 'post' } as CreateRequestDto, {}));
    expect(error.status).toBe(400);
    expect((error.extensions.errors as { path: string }[]).map((e) => e.path)).toEqual(['receivedAt', 'channel', 'changes', 'email']);
    expect(h.fake.rows.size).toBe(0);
    expect(h.mails).toEqual([]);
    expect(h.jobs.size).toBe(0);
  });

  it('seals what the requester gave, keeps only hashes to find it, and asks for a code', async () => {
    const h = harness();
    const created = await h.intake.intake(access({ name: 'Ana Lima', details: 'my orders' }), {});
    const row = h.fake.rows.get(created.id)!;
    expect(row.status).toBe('awaiting_verification');
    expect(JSON.stringify(row)).not.toMatch(/ana@example\.com|Ana Lima|my orders/);
    expect(row.statusTokenHash).toBe(sha256Hex(created.statusToken!));
    expect(h.mails.map((m) => m.key.replace(/code-\d+/, 'code'))).toEqual([`request:${created.id}:code`, `request:${created.id}:received`]);
    expect(h.mails.every((m) => m.message.to === 'ana@example.com')).toBe(true);
    expect([...h.jobs.keys()]).toEqual(expect.arrayContaining([`request:${created.id}:unverified-reminder`, `request:${created.id}:expire-unverified`, `request:${created.id}:reminder:due`]));
    expect(h.audit).toEqual(['request.received', 'request.request_verification']);
  });

  it('answers the same request twice with the first one, without a token that would leak it', async () => {
    const h = harness();
    const first = await h.intake.intake(access(), {});
    const again = await h.intake.intake(access({ email: ' ANA@example.com ' }), {});
    expect(again).toEqual({ id: first.id, status: 'awaiting_verification', statusToken: null, duplicate: true });
    expect(h.fake.rows.size).toBe(1);
    expect(h.mails.at(-1)!.key).toMatch(new RegExp(`^request:${first.id}:duplicate-`));
  });

  it('takes a signed-in subject as verified: no code, straight to work', async () => {
    const h = harness();
    const created = await h.intake.intake({ type: 'access', jurisdiction: 'EU' } as CreateRequestDto, { iam: { subjectId: 'usr_1', email: 'ana@example.com' } });
    const row = h.fake.rows.get(created.id)!;
    expect(row.status).toBe('in_progress');
    expect(row.subjectIdProof).toBe('iam_token');
    expect(h.mails.some((m) => m.key.includes(':code-'))).toBe(false);
    expect(h.jobs.has(`request:${created.id}:expire-unverified`)).toBe(false);
  });
});

describe('RequestVerification', () => {
  it('the emailed code verifies the request, ends the unverified jobs and mails the due date', async () => {
    const h = harness();
    const { id, statusToken } = await h.intake.intake(access(), {});
    h.clock.advance(5 * 60_000);
    const status = await h.verification.verifyCode(id, statusToken!, h.codeIn());
    expect(status.status).toBe('in_progress');
    expect(h.fake.rows.get(id)!.codeHash).toBeNull();
    expect(h.jobs.has(`request:${id}:expire-unverified`)).toBe(false);
    expect(h.mails.at(-1)!.key).toBe(`request:${id}:verified`);
  });

  it('counts every wrong code, even though it answers 400, and locks after the fifth', async () => {
    const h = harness();
    const { id, statusToken } = await h.intake.intake(access(), {});
    const wrong = h.codeIn() === '000000' ? '000001' : '000000';
    for (let i = 1; i < MAX_CODE_ATTEMPTS; i++) {
      const error = await rejection(h.verification.verifyCode(id, statusToken!, wrong));
      expect([error.status, error.code, error.extensions.attemptsLeft]).toEqual([400, 'code_invalid', MAX_CODE_ATTEMPTS - i]);
    }
    expect((await rejection(h.verification.verifyCode(id, statusToken!, wrong))).status).toBe(423);
    // Locked: even the right code is refused until counsel unlocks it.
    expect((await rejection(h.verification.verifyCode(id, statusToken!, h.codeIn()))).code).toBe('verification_locked');
    expect(h.fake.rows.get(id)!.codeAttempts).toBe(MAX_CODE_ATTEMPTS);
  });

  it('an expired code is refused as expired, and a wrong token looks like no request at all', async () => {
    const h = harness();
    const { id, statusToken } = await h.intake.intake(access(), {});
    const code = h.codeIn();
    expect((await rejection(h.verification.verifyCode(id, 'rt_wrong', code))).status).toBe(404);
    h.clock.advance(16 * 60_000);
    expect((await rejection(h.verification.verifyCode(id, statusToken!, code))).code).toBe('code_expired');
  });

  it('sends a new code at most once a minute and five times a day', async () => {
    const h = harness();
    const { id, statusToken } = await h.intake.intake(access(), {});
    const soon = await rejection(h.verification.resendCode(id, statusToken!));
    expect([soon.status, soon.code, soon.extensions.retryAfterSeconds]).toEqual([429, 'too_soon', 60]);
    for (let i = 2; i <= 5; i++) {
      h.clock.advance(61_000);
      await h.verification.resendCode(id, statusToken!);
    }
    h.clock.advance(61_000);
    expect((await rejection(h.verification.resendCode(id, statusToken!))).code).toBe('too_many_codes');
    expect(h.mails.filter((m) => m.key.includes(':code-'))).toHaveLength(5);
  });
});
