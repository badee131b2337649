import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service.js';
import { SYSTEM } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { randomToken, safeEqual, sha256Hex } from '../../common/crypto.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { render } from '../../infrastructure/mail/templates.js';
import { SubprocessorEntity, SubprocessorNoticeEntity } from './subprocessor.entity.js';
import { SubprocessorsRepository } from './subprocessors.repository.js';
import { subscriptionPage } from './subscription.page.js';

/**
 * Customers' subscriptions to subprocessor change notices: the public double opt-in, the stop link of
 * every notice email, and the notice emails themselves.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly dataSource: DataSource,
    private readonly repository: SubprocessorsRepository,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  async subscribe(email: string): Promise<void> {
    const hash = this.keyring.keyedHash('subprocessor-subscriber', email.trim().toLowerCase());
    const token = `sub_${randomToken(24)}`;
    await this.dataSource.transaction(async (m) => {
      const existing = await this.repository.subscriberByEmailHash(m, hash);
      if (existing?.confirmedAt && !existing.unsubscribedAt) return; // already subscribed: say nothing more
      const sealed = this.keyring.seal(email);
      if (existing) {
        Object.assign(existing, { tokenHash: sha256Hex(token), emailSealed: sealed.data, keyId: sealed.keyId, unsubscribedAt: null, confirmedAt: null });
        await this.repository.saveSubscriber(m, existing);
      } else {
        await this.repository.insertSubscriber(m, { emailHash: hash, emailSealed: sealed.data, keyId: sealed.keyId, tokenHash: sha256Hex(token), confirmedAt: null, unsubscribedAt: null, createdAt: this.clock.now() });
      }
      const link = `${this.config.publicUrl}/v1/public/subprocessors/subscriptions/confirm?token=${token}`;
      await this.mailer.queue(m, `subprocessor-subscribe:${hash}:${this.clock.now().getTime()}`, {
        to: email,
        ...render('Confirm: subprocessor change notices', ['Please confirm that you want to be told before we add or replace a subprocessor.', `Confirm: ${link}`, `Or send this token to POST /v1/public/subprocessors/subscriptions/confirm: ${token}`, 'If you did not ask for this, ignore this email.'], `${this.config.controller.name} — ${this.config.controller.contact}`),
      });
    });
  }

  /** The confirmation as a person following the emailed link sees it. */
  async confirmationPage(token: string): Promise<{ status: 200 | 404; html: string }> {
    const controller = this.config.controller.name;
    return (await this.confirm(token))
      ? { status: 200, html: subscriptionPage(controller, 'You are subscribed', `Thank you. We will email you before we add or replace a subprocessor, so that you can object. If you did not ask for this, write to ${this.config.controller.contact}.`) }
      : { status: 404, html: subscriptionPage(controller, 'This link does not work', `The link is not valid or is no longer valid. You can subscribe again, or write to ${this.config.controller.contact}.`) };
  }

  async confirm(token: string): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.repository.subscriberByTokenHash(m, sha256Hex(token));
      if (!row) return false;
      if (!row.confirmedAt) {
        row.confirmedAt = this.clock.now();
        row.unsubscribedAt = null; // an old stop link pressed while this subscription waited for confirmation
        await this.repository.saveSubscriber(m, row);
        await this.audit.record(m, SYSTEM, { action: 'subprocessor.subscriber_confirmed', targetType: 'subprocessor_subscriber', targetId: row.id });
      }
      return true;
    });
  }

  /** The stop link of a subscriber's notice emails: its id and a keyed hash of it, so nothing is stored and nothing can be guessed. */
  private unsubscribeLink(subscriberId: string): string {
    return `${this.config.publicUrl}/v1/public/subprocessors/subscriptions/unsubscribe?id=${subscriberId}&token=${this.keyring.keyedHash('subprocessor-unsubscribe', subscriberId)}`;
  }

  isUnsubscribeLink(id: string, token: string): boolean {
    return safeEqual(token, this.keyring.keyedHash('subprocessor-unsubscribe', id));
  }

  /** Stops a subscriber's notices (audited once); false when the link is not one we sent. */
  async unsubscribe(id: string, token: string): Promise<boolean> {
    if (!this.isUnsubscribeLink(id, token)) return false;
    return this.dataSource.transaction(async (m) => {
      const row = await this.repository.lockSubscriber(m, id);
      if (!row) return false;
      if (!row.unsubscribedAt) {
        row.unsubscribedAt = this.clock.now();
        await this.repository.saveSubscriber(m, row);
        await this.audit.record(m, SYSTEM, { action: 'subprocessor.subscriber_unsubscribed', targetType: 'subprocessor_subscriber', targetId: row.id });
      }
      return true;
    });
  }

  /**
   * The stop link as a person sees it: following it (GET) asks, with one button; pressing it (POST,
   * also what a mail client's one-click unsubscribe sends, RFC 8058) stops the emails. A GET never
   * unsubscribes, because mail scanners fetch links.
   */
  async unsubscribePage(id: string, token: string, act: boolean): Promise<{ status: 200 | 404; html: string }> {
    const controller = this.config.controller.name;
    const broken = { status: 404 as const, html: subscriptionPage(controller, 'This link does not work', `The link is not one we sent, or it was cut short. Copy the whole link from the email, or write to ${this.config.controller.contact}.`) };
    if (!this.isUnsubscribeLink(id, token)) return broken;
    if (!act) {
      return {
        status: 200,
        html: subscriptionPage(controller, 'Stop subprocessor change notices?', 'We will no longer email you before we add or replace a subprocessor. You can subscribe again at any time.', 'Stop these emails'),
      };
    }
    return (await this.unsubscribe(id, token))
      ? { status: 200, html: subscriptionPage(controller, 'You will get no more notices', `We will not email you about subprocessor changes again. If this was a mistake, subscribe again, or write to ${this.config.controller.contact}.`) }
      : broken;
  }

  /** Emails every confirmed subscriber the Art 28(2) notice, in the proposal's transaction. */
  async notify(m: EntityManager, sub: SubprocessorEntity, notice: SubprocessorNoticeEntity): Promise<void> {
    const subscribers = await this.repository.subscribers(m);
    for (const s of subscribers.filter((x) => x.confirmedAt && !x.unsubscribedAt)) {
      const to = this.keyring.open({ keyId: s.keyId, data: s.emailSealed });
      const stop = this.unsubscribeLink(s.id);
      await this.mailer.queue(m, `subprocessor-notice:${notice.id}:${s.id}`, {
        to,
        // One-click (RFC 8058) needs an https link; mail providers also want the message DKIM-signed.
        headers: { 'List-Unsubscribe': `<${stop}>`, ...(stop.startsWith('https:') ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) },
        ...render(
          `Notice of a new subprocessor: ${sub.name}`,
          [
            `Under Article 28(2) GDPR we are telling you that we intend to ${notice.replacesId ? 'replace a subprocessor with' : 'add'} ${sub.name} (${sub.legalEntity}) for ${sub.service}.`,
            `Processing countries: ${sub.processingCountries.join(', ')}. Data: ${sub.dataCategories.join(', ')}.${sub.transferMechanism ? ` Transfer safeguard: ${sub.transferMechanism}.` : ''}`,
            `You may object until ${notice.objectionDeadline.toISOString().slice(0, 10)} by writing to ${this.config.controller.contact} (reference ${notice.id}).`,
            `To stop these emails: ${stop}`,
          ],
          `${this.config.controller.name} — ${this.config.controller.contact}`,
        ),
      });
    }
  }
}
