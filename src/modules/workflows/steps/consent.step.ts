import { Injectable } from '@nestjs/common';
import { SYSTEM } from '../../../common/auth/roles.js';
import { ConsentService } from '../../consent/consent.service.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';

/** Erasure reaches the consent ledger: the subject's events are pseudonymised, the chain stays verifiable. */
@Injectable()
export class ConsentStep implements StepKind {
  readonly name = 'consent';
  constructor(private readonly consent: ConsentService) {}

  async run({ subject, previous }: StepInput): Promise<StepOutcome> {
    if (!subject.subjectId) return { result: { events: 0, skipped: subject.subjectIdUnproven ? 'the subject id is not proven: the consent ledger was not touched' : 'no subject id on the request' } };
    const events = (await this.consent.pseudonymise(subject.subjectId, SYSTEM)).events;
    return { result: { events: Math.max(events, Number(previous?.events ?? 0)) } };
  }
}
