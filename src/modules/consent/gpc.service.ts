import { Injectable } from '@nestjs/common';
import type { Caller } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { noticeInLanguage, PurposeCatalog } from '../purposes/purpose-catalog.js';
import type { ConsentEventDto, ConsentStateDto } from './consent.dto.js';
import { ConsentService } from './consent.service.js';
import type { GpcResultDto, GpcSignalDto } from './gpc.dto.js';
import { type ConsentStateName, gpcSignal, planGpcOptOut } from './gpc.rules.js';

/**
 * The state the rules read. A grant recorded after this signal's last opt-out is an answer to the
 * re-consent offer. An erased subject has no event that opts out (only none is live), so the signal
 * records one.
 */
function planState(current: Pick<ConsentStateDto, 'state' | 'since'> | undefined, lastSignal: Date | undefined): ConsentStateName {
  if (current?.state === 'granted') return lastSignal && current.since && Date.parse(current.since) > lastSignal.getTime() ? 'reconsented' : 'granted';
  if (current?.state === 'withdrawn') return 'withdrawn';
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
    const result: GpcResultDto = { signal, optedOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [], withoutNotice: [], events: [] };
    if (!signal) return result;
    // Recorded when it arrives: the IAM API forwards the signal of the request it is answering.
    const now = this.clock.now();
    const [entries, current, lastSignal] = await Promise.all([this.catalog.all(), this.consent.current(subjectId), this.consent.lastSignalOptOuts(subjectId)]);
    const states = new Map(current.purposes.map((p) => [p.purpose, p]));
    const plan = planGpcOptOut(
      signal,
      entries.map((entry) => ({
        key: entry.purpose.key,
        optOutSignal: entry.purpose.optOutSignal,
        state: planState(states.get(entry.purpose.key), lastSignal.get(entry.purpose.key)),
      })),
    );
    const occurredAt = now.toISOString();
    const events: ConsentEventDto[] = [];
    for (const key of plan.optOut) {
      const entry = entries.find((e) => e.purpose.key === key)!;
      const notice = noticeInLanguage(entry, now, dto.proof?.locale);
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
    result.reconsented = plan.reconsented;
    return result;
  }
}
