import { Injectable } from '@nestjs/common';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { noticeInForce, PurposeCatalog } from '../purposes/purpose-catalog.js';
import type { ConsentEventDto, ConsentStateDto } from './consent.dto.js';
import { ConsentService } from './consent.service.js';
import type { GpcResultDto, GpcSignalDto } from './gpc.dto.js';
import { type ConsentStateName, gpcSignal, planGpcOptOut } from './gpc.rules.js';

/** An erased subject has no live grant: for the signal, that is already opted out. */
function planState(state: ConsentStateDto['state'] | undefined): ConsentStateName {
  if (state === 'granted') return 'granted';
  if (state === 'withdrawn' || state === 'erased') return 'withdrawn';
  return 'none';
}

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
    const result: GpcResultDto = { signal, optedOut: [], overrodeOptIn: [], alreadyOptedOut: [], withoutNotice: [], events: [] };
    if (!signal) return result;
    const now = this.clock.now();
    const [entries, current] = await Promise.all([this.catalog.all(), this.consent.current(subjectId)]);
    const states = new Map(current.purposes.map((p) => [p.purpose, p.state]));
    const plan = planGpcOptOut(
      signal,
      entries.map((entry) => ({ key: entry.purpose.key, optOutSignal: entry.purpose.optOutSignal, state: planState(states.get(entry.purpose.key)) })),
    );
    const occurredAt = dto.occurredAt ?? now.toISOString();
    const events: ConsentEventDto[] = [];
    for (const key of plan.optOut) {
      const entry = entries.find((e) => e.purpose.key === key)!;
      const notice = noticeInForce(entry, new Date(occurredAt));
      if (!notice) {
        result.withoutNotice.push(key);
        continue;
      }
      events.push({
        subjectId,
        purpose: key,
        action: 'withdrawn',
        noticeVersion: notice.version,
        noticeLanguage: notice.language,
        occurredAt,
        method: 'gpc_signal',
        sourceSystem: dto.sourceSystem,
        proof: dto.proof,
      });
    }
    if (events.length > 0) result.events = (await this.consent.recordBatch({ events }, undefined, caller)).items;
    result.optedOut = events.map((e) => e.purpose);
    result.overrodeOptIn = plan.overrodeOptIn.filter((key) => result.optedOut.includes(key));
    result.alreadyOptedOut = plan.alreadyOptedOut;
    return result;
  }
}
