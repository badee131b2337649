import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { safeEqual } from '../../common/crypto.js';
import { ConflictError, DomainError } from '../../common/errors/domain.error.js';
import { Keyring } from '../../common/keyring.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import type { RequestStatusDto } from './request.dto.js';
import type { RequestEntity } from './request.entity.js';
import { RequestLifecycle, type Personal } from './request.lifecycle.js';
import { requesterMail } from './request.mail.js';
import { requesterView } from './request.requester-view.js';
import { allowedActions } from './request.state.js';
import { RequestsRepository } from './requests.repository.js';

const CODE_DIGITS = 6;
const CODE_TTL_MINUTES = 15;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_CODE_SENDS_PER_DAY = 5;
export const RESEND_INTERVAL_MS = 60_000;

/** The requester, with the status token: follows the request, proves who they are with the emailed code, withdraws. */
@Injectable()
export class RequestVerification {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly deadlines: DeadlinesService,
    private readonly keyring: Keyring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async status(id: string, token: string | undefined): Promise<RequestStatusDto> {
    const request = await this.lifecycle.withToken(id, token);
    const timeline = await this.repository.events(id, false);
    const limits = { maxAttempts: MAX_CODE_ATTEMPTS, maxSendsPerDay: MAX_CODE_SENDS_PER_DAY, resendIntervalMs: RESEND_INTERVAL_MS };
    const view = requesterView(request, this.deadlines.profile(request.jurisdiction), this.clock.now(), limits, this.lifecycle.unverifiedPlan(request).expiresOn);
    return { ...view, timeline: timeline.map((e) => ({ at: e.at.toISOString(), kind: e.kind })) };
  }

  async verifyCode(id: string, token: string | undefined, code: string): Promise<RequestStatusDto> {
    await this.lifecycle.withToken(id, token);
    const outcome = await this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      const actor: Caller = { kind: 'subject', requestId: id };
      if (request.status !== 'awaiting_verification') {
        throw new ConflictError('not_awaiting_verification', `This request is ${request.status}; there is nothing to verify`, { allowed: allowedActions(request.status) });
      }
      if (request.codeLockedAt) throw new DomainError(423, 'verification_locked', 'Locked', 'Too many wrong codes: the request is locked until privacy counsel unlocks it');
      const now = this.clock.now();
      const right = request.codeHash !== null && safeEqual(request.codeHash, this.codeHash(id, code));
      if (!right || !request.codeExpiresAt || request.codeExpiresAt.getTime() < now.getTime()) {
        request.codeAttempts += 1;
        const locked = request.codeAttempts >= MAX_CODE_ATTEMPTS;
        if (locked) request.codeLockedAt = now;
        await this.repository.save(m, request);
        await this.lifecycle.event(m, request, actor, locked ? 'verification_locked' : 'verification_failed', false, { attempts: request.codeAttempts });
        await this.audit.record(m, actor, { action: locked ? 'request.verification_locked' : 'request.verification_failed', targetType: 'request', targetId: id, details: { attempts: request.codeAttempts } });
        return { failed: right ? 'expired' : 'wrong', locked, attemptsLeft: MAX_CODE_ATTEMPTS - request.codeAttempts };
      }
      await this.lifecycle.verify(m, request, actor, 'email_code');
      await this.repository.save(m, request);
      return { failed: null };
    });
    if (outcome.failed !== null) {
      // Written above, in its own committed transaction: the attempt counts even though we answer 4xx.
      if (outcome.locked) throw new DomainError(423, 'verification_locked', 'Locked', 'Too many wrong codes: the request is locked until privacy counsel unlocks it');
      throw new DomainError(400, outcome.failed === 'expired' ? 'code_expired' : 'code_invalid', 'Bad Request', outcome.failed === 'expired' ? 'The code has expired: ask for a new one' : 'The code is not right', {
        attemptsLeft: outcome.attemptsLeft,
      });
    }
    return this.status(id, token);
  }

  async resendCode(id: string, token: string | undefined): Promise<void> {
    await this.lifecycle.withToken(id, token);
    await this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      if (request.status !== 'awaiting_verification') throw new ConflictError('not_awaiting_verification', `This request is ${request.status}`, { allowed: allowedActions(request.status) });
      if (request.codeLockedAt) throw new DomainError(423, 'verification_locked', 'Locked', 'The request is locked until privacy counsel unlocks it');
      const now = this.clock.now();
      const today = now.toISOString().slice(0, 10);
      if (request.codeLastSentAt && now.getTime() - request.codeLastSentAt.getTime() < RESEND_INTERVAL_MS) {
        throw new DomainError(429, 'too_soon', 'Too Many Requests', 'A code was sent less than a minute ago', { retryAfterSeconds: Math.ceil((RESEND_INTERVAL_MS - (now.getTime() - request.codeLastSentAt.getTime())) / 1000) });
      }
      if (request.codeSendsDay === today && request.codeSends >= MAX_CODE_SENDS_PER_DAY) {
        throw new DomainError(429, 'too_many_codes', 'Too Many Requests', `At most ${MAX_CODE_SENDS_PER_DAY} codes a day`);
      }
      await this.sendCode(m, request, this.lifecycle.personal(request));
      await this.repository.save(m, request);
    });
  }

  async withdraw(id: string, token: string | undefined): Promise<RequestStatusDto> {
    await this.lifecycle.withToken(id, token);
    await this.dataSource.transaction(async (m) => {
      const request = await this.lifecycle.lock(m, id);
      const actor: Caller = { kind: 'subject', requestId: id };
      await this.lifecycle.move(m, request, 'withdraw', actor);
      await this.lifecycle.close(m, request);
      await this.lifecycle.mail(m, request, this.lifecycle.personal(request), 'withdrawn', (c) => requesterMail.withdrawn(c));
      await this.repository.save(m, request);
    });
    return this.status(id, token);
  }

  /** A new code, mailed; only its keyed hash is kept, for 15 minutes. */
  async sendCode(m: EntityManager, request: RequestEntity, personal: Personal): Promise<void> {
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const now = this.clock.now();
    const today = now.toISOString().slice(0, 10);
    request.codeHash = this.codeHash(request.id, code);
    request.codeExpiresAt = new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
    request.codeSends = request.codeSendsDay === today ? request.codeSends + 1 : 1;
    request.codeSendsDay = today;
    request.codeLastSentAt = now;
    await this.lifecycle.mail(m, request, personal, `code-${now.getTime()}`, (c) => requesterMail.code(c, code, CODE_TTL_MINUTES));
    await this.lifecycle.event(m, request, { kind: 'subject', requestId: request.id }, 'verification_code_sent', true, {});
  }

  private codeHash(requestId: string, code: string): string {
    return this.keyring.keyedHash('request-code', `${requestId}:${code}`);
  }
}
