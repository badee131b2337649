import { Injectable } from '@nestjs/common';
import { SYSTEM } from '../../../common/auth/roles.js';
import { Clock } from '../../../common/clock.js';
import { sha256Hex } from '../../../common/crypto.js';
import { ConsentService } from '../../consent/consent.service.js';
import { PurposeCatalog } from '../../purposes/purpose-catalog.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';

/** Art 21: the objection withdraws, in the consent ledger, every objected purpose the subject had granted. */
@Injectable()
export class ObjectStep implements StepKind {
  readonly name = 'object';
  constructor(
    private readonly consent: ConsentService,
    private readonly catalog: PurposeCatalog,
    private readonly clock: Clock,
  ) {}

  async run({ request, subject }: StepInput): Promise<StepOutcome> {
    // The purposes' titles, for the requester's mail: read here, outside the completing transaction.
    const titles = Object.fromEntries(await Promise.all(request.purposes.map(async (key) => [key, (await this.catalog.get(key))?.purpose.title ?? key] as const)));
    if (!subject.subjectId) {
      return { result: { recorded: request.purposes, ledger: `${subject.subjectIdUnproven ? 'the subject id is not proven' : 'no subject id on the request'}: recorded on the request only`, titles } };
    }
    const current = await this.consent.current(subject.subjectId);
    const withdrawn: string[] = [];
    for (const purpose of request.purposes) {
      const state = current.purposes.find((p) => p.purpose === purpose);
      if (state?.state !== 'granted' || !state.noticeVersion) continue;
      await this.consent.record(
        {
          eventId: deterministicUuid(`${request.id}:object:${purpose}`),
          subjectId: subject.subjectId,
          purpose,
          action: 'withdrawn',
          noticeVersion: state.noticeVersion,
          occurredAt: this.clock.now().toISOString(),
          // An opt-out an authorized agent filed over DRP is recorded as such (the ledger's proof of how it came).
          method: request.channel === 'authorized_agent' ? 'authorized_agent' : 'other',
          sourceSystem: request.channel === 'authorized_agent' ? 'lethe-drp' : 'lethe-objection',
        },
        undefined,
        SYSTEM,
      );
      withdrawn.push(purpose);
    }
    return { result: { recorded: request.purposes, withdrawn, titles } };
  }
}

function deterministicUuid(seed: string): string {
  const h = sha256Hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
