import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { Keyring } from '../../../common/keyring.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { Mailer } from '../../../infrastructure/mail/mailer.js';
import { liftNoticeMessage } from '../workflow.mail.js';
import { type StepInput, type StepKind, type StepOutcome, WaitingError } from './step.kind.js';

/** Art 18(3): sent straight to SMTP, so the stores lift the restriction only once the requester was told. */
@Injectable()
export class NoticeStep implements StepKind {
  readonly name = 'notice';
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly mailer: Mailer,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  async run({ step, request, subject }: StepInput): Promise<StepOutcome> {
    const sealed = step.result?.notice as { keyId: string; data: string } | undefined;
    if (!sealed) return { result: { sentAt: null } };
    if (!subject.email) throw new WaitingError('no email address on the request: tell the requester another way, then waive this step with how they were told');
    const { reason } = JSON.parse(this.keyring.open(sealed)) as { reason: string };
    const c = { controller: this.config.controller.name, contact: this.config.controller.contact, requestId: request.id, type: request.type, name: subject.name, locale: request.locale };
    await this.mailer.sendNow({ to: subject.email, ...liftNoticeMessage(c, reason) });
    return { result: { sentAt: this.clock.now().toISOString() } };
  }
}
