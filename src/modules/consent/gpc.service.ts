import { Injectable } from '@nestjs/common';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { ConsentService } from './consent.service.js';
import type { GpcResultDto, GpcSignalDto } from './gpc.dto.js';
import { gpcCandidates } from './gpc.candidates.js';
import { gpcSignal, gpcWithdrawals } from './gpc.rules.js';

/**
 * Honours a Global Privacy Control signal for a subject (rules and sources in gpc.rules.ts): a
 * `withdrawn` event, method `gpc_signal`, for each purpose the catalogue marks as covered by
 * opt-out signals, recorded in the ledger like any other event (all or nothing).
 */
@Injectable()
export class GpcService {
  constructor(
    private readonly consent: ConsentService,
    private readonly catalog: PurposeCatalog,
    private readonly clock: Clock,
  ) {}

  async honour(subjectId: string, header: string | string[] | undefined, dto: GpcSignalDto, caller: Caller): Promise<GpcResultDto> {
    const signal = gpcSignal(header);
    const result: GpcResultDto = { signal, optedOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [], withoutNotice: [], events: [] };
    if (!signal) return result;
    // Recorded when it arrives: the IAM API forwards the signal of the request it is answering.
    const now = this.clock.now();
    const [entries, current, lastSignal] = await Promise.all([this.catalog.all(), this.consent.current(subjectId), this.consent.lastSignalOptOuts(subjectId)]);
    const states = new Map(current.purposes.map((p) => [p.purpose, p]));
    const { plan, events, withoutNotice } = gpcWithdrawals(
      signal,
      gpcCandidates(entries, states, lastSignal, now, dto.proof?.locale),
      { subjectId, occurredAt: now.toISOString(), sourceSystem: dto.sourceSystem, proof: dto.proof },
    );
    result.withoutNotice = withoutNotice;
    if (events.length > 0) result.events = (await this.consent.recordBatch({ events }, undefined, caller)).items;
    result.optedOut = events.map((e) => e.purpose);
    result.overrodeOptIn = plan.overrodeOptIn.filter((key) => result.optedOut.includes(key));
    result.alreadyOptedOut = plan.alreadyOptedOut;
    result.reconsented = plan.reconsented;
    return result;
  }
}
