import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { JobsService } from '../queue/jobs.service.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header fields (List-Unsubscribe). */
  headers?: Record<string, string>;
  /** Small documents only (an erasure certificate): they are sealed into the job with the message. */
  attachments?: { filename: string; content: string; contentType: string }[];
}

const SEND_JOB = 'mail.send';

/**
 * Outgoing mail as durable jobs. A message is rendered, sealed (it holds an address and often a
 * name) and scheduled in the caller's transaction; the job sends it with retries. With SMTP_URL
 * unset, messages are written as .eml files under <dataDir>/mail so a quick start needs no server.
 */
@Injectable()
export class Mailer implements OnModuleInit {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter;
  private readonly folder: string | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly jobs: JobsService,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {
    if (config.mail.transport === 'smtp' && config.mail.smtpUrl) {
      this.transport = nodemailer.createTransport(config.mail.smtpUrl);
    } else {
      this.folder = resolve(join(config.dataDir, 'mail'));
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  onModuleInit(): void {
    this.jobs.define(SEND_JOB, async (payload) => this.deliver(payload), { attempts: 8, backoffMs: 30_000 });
    if (this.folder) this.logger.log(`LETHE_MAIL_TRANSPORT=files: outgoing mail is written to ${this.folder}`);
  }

  /** Sends `message` once the caller's transaction commits. `key` makes it idempotent. */
  async queue(manager: EntityManager, key: string, message: MailMessage): Promise<void> {
    const sealed = this.keyring.seal(JSON.stringify(message));
    await this.jobs.schedule(manager, { name: SEND_JOB, key: `mail:${key}`, payload: { sealed }, runAt: this.clock.now() });
  }

  private async deliver(payload: Record<string, unknown>): Promise<void> {
    await this.sendNow(JSON.parse(this.keyring.open(payload.sealed as { keyId: string; data: string })) as MailMessage);
  }

  /**
   * Sends at once, for a caller that must know the message went before it goes on (a restriction is
   * lifted only after the requester was told). Callers run it from a durable job, which retries.
   */
  async sendNow(message: MailMessage): Promise<void> {
    try {
      await this.send(message);
    } catch (error) {
      // SMTP replies often quote the recipient's address: keep only the codes.
      const { code, responseCode } = error as { code?: string; responseCode?: number };
      throw Object.assign(new Error(`mail was not accepted${responseCode ? ` (SMTP ${responseCode})` : ''}`), { name: 'MailNotSent', code: code ?? (responseCode ? String(responseCode) : undefined) });
    }
  }

  private async send(message: MailMessage): Promise<void> {
    const info = (await this.transport.sendMail({ from: this.config.mail.from, ...message })) as { messageId: string; message?: Buffer };
    if (this.folder && info.message) {
      mkdirSync(this.folder, { recursive: true });
      const file = join(this.folder, `${this.clock.now().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}.eml`);
      writeFileSync(file, info.message, { mode: 0o600 });
    }
  }
}
