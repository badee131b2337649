import { Injectable } from '@nestjs/common';
import { canonicalJson } from '../../common/crypto.js';
import type { FieldError } from '../../common/errors/problem.js';
import { Keyring } from '../../common/keyring.js';
import { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { decodeSignals, hasEvidence, type SignalEvidence, signalsDigest } from './iab-signals.js';
import type { ConsentEventDto, RecordedConsentDto, SignalGpcOutcomeDto, SubjectConsentsDto, SubjectGpcOutcomeDto } from './consent.dto.js';
import type { ReceiptSignals } from './consent.receipt.js';
import type { PreparedEvent } from './consent.repository.js';
import { gpcCandidates } from './gpc.candidates.js';
import { gpcWithdrawals } from './gpc.rules.js';

/** An event's TC/GPP strings, decoded: the errors naming each that does not decode; `gpc` when a GPP string says Gpc = 1. */
export interface EventSignals {
  evidence: SignalEvidence;
  errors: FieldError[];
  gpc: boolean;
}

/** An event ready to append, with the DTO it came from and whether its GPP string said Gpc = 1. */
export interface Signalled {
  dto: ConsentEventDto;
  event: PreparedEvent;
  gpc: boolean;
}

/** The withdrawals a GPP string's Gpc = 1 calls for, for one subject. */
export interface GpcFollowUp {
  subjectId: string;
  outcome: Omit<SignalGpcOutcomeDto, 'events'>;
  events: PreparedEvent[];
}

/**
 * What the follow-ups need of the ledger, handed in by ConsentService (which depends on this class,
 * so it cannot be injected here): the subject's states as a read shows them, and an event checked
 * and prepared as the service records it (undefined when it does not validate).
 */
export interface SignalLedger {
  current(subjectId: string): Promise<SubjectConsentsDto>;
  lastSignalOptOuts(subjectId: string): Promise<Map<string, Date>>;
  prepare(dto: ConsentEventDto): Promise<PreparedEvent | undefined>;
}

/** The stored strings could not be opened (an edited column, or a key no longer configured). */
export const UNREADABLE = 'unreadable';

/**
 * IAB TCF/GPP strings as consent evidence (decoded by the pure iab-signals.ts): checked on the
 * way in, sealed with the keyring for consent_event.signals_sealed, opened again for the chain's
 * verification and the receipt, and a GPP string's Gpc = 1 turned into the withdrawals the GPC
 * rules (gpc.rules.ts) call for. ConsentService records; this class never touches the ledger.
 */
@Injectable()
export class ConsentSignals {
  constructor(
    private readonly keyring: Keyring,
    private readonly catalog: PurposeCatalog,
  ) {}

  /** The event's strings, decoded only when one came: an event without one costs nothing more. */
  check(dto: Pick<ConsentEventDto, 'tcString' | 'gppString'>): EventSignals {
    if (dto.tcString === undefined && dto.gppString === undefined) return { evidence: {}, errors: [], gpc: false };
    const evidence: SignalEvidence = {
      ...(dto.tcString !== undefined ? { tcString: dto.tcString } : {}),
      ...(dto.gppString !== undefined ? { gppString: dto.gppString } : {}),
    };
    const { signals, errors } = decodeSignals(evidence);
    return { evidence, errors, gpc: signals.gpp?.gpc === true };
  }

  /** What the proof digest commits to: SHA-256 of the strings, undefined without any. */
  digest(evidence: SignalEvidence): string | undefined {
    return signalsDigest(evidence);
  }

  /** The strings as the ledger keeps them: canonical JSON, sealed with the keyring, `keyId:data`; null without any. */
  seal(evidence: SignalEvidence): string | null {
    if (!hasEvidence(evidence)) return null;
    const sealed = this.keyring.seal(canonicalJson(evidence));
    return `${sealed.keyId}:${sealed.data}`;
  }

  /** The stored strings; null when none (never sent, or pseudonymised); UNREADABLE when the column does not open. */
  open(column: string | null): SignalEvidence | null | typeof UNREADABLE {
    if (column === null) return null;
    try {
      const at = column.indexOf(':');
      const value = JSON.parse(this.keyring.open({ keyId: column.slice(0, at), data: column.slice(at + 1) })) as SignalEvidence;
      return typeof value === 'object' && value !== null ? { tcString: value.tcString, gppString: value.gppString } : UNREADABLE;
    } catch {
      return UNREADABLE;
    }
  }

  /** A stored row's signal digest, recomputed from the strings as stored (for the chain's verification). */
  storedDigest(column: string | null): string | undefined {
    const evidence = this.open(column);
    return evidence === UNREADABLE ? UNREADABLE : evidence ? signalsDigest(evidence) : undefined;
  }

  /** The receipt's `signals` block: the stored strings, decoded again with the pinned libraries. */
  receipt(column: string | null): ReceiptSignals | null {
    const stored = this.open(column);
    if (stored === null) return null;
    if (stored === UNREADABLE) return { tcString: null, gppString: null, tcf: null, gpp: null, unreadable: true };
    const { signals } = decodeSignals(stored);
    return { tcString: stored.tcString ?? null, gppString: stored.gppString ?? null, tcf: signals.tcf ?? null, gpp: signals.gpp ?? null, unreadable: false };
  }

  /**
   * The withdrawals the Global Privacy Control rules (gpc.rules.ts) call for, for each subject one of
   * whose events carried a GPP string with Gpc = 1: as if the IAM API had forwarded `Sec-GPC: 1` right
   * after those events. The rules read the subject's states as they are now with the batch's own
   * events laid over them as the ledger's statement applies them (a later occurredAt wins); the
   * withdrawals are recorded at the later of now and those events. Like the header route, two
   * signals racing for one subject may both record the same opt-out, which changes nothing.
   */
  async gpcFollowUps(batch: Signalled[], now: Date, ledger: SignalLedger): Promise<GpcFollowUp[]> {
    const entries = await this.catalog.all();
    const followUps: GpcFollowUp[] = [];
    for (const subjectId of new Set(batch.filter((b) => b.gpc).map((b) => b.dto.subjectId))) {
      const own = batch.filter((b) => b.dto.subjectId === subjectId);
      const signalled = own.filter((b) => b.gpc).at(-1)!.dto;
      const [current, lastSignal] = await Promise.all([ledger.current(subjectId), ledger.lastSignalOptOuts(subjectId)]);
      const states = new Map(current.purposes.map((p) => [p.purpose, { state: p.state as string, since: p.since }]));
      let at = now;
      for (const { event } of own) {
        const before = states.get(event.purpose);
        if (!before?.since || before.state === 'erased' || Date.parse(before.since) <= event.occurredAt.getTime()) {
          states.set(event.purpose, { state: event.action, since: event.occurredAt.toISOString() });
        }
        const last = lastSignal.get(event.purpose);
        if (event.method === 'gpc_signal' && event.action === 'withdrawn' && (!last || last < event.occurredAt)) lastSignal.set(event.purpose, event.occurredAt);
        if (event.occurredAt > at) at = event.occurredAt;
      }
      const { plan, events, withoutNotice } = gpcWithdrawals(
        true,
        gpcCandidates(entries, states, lastSignal, at, signalled.proof?.locale),
        { subjectId, occurredAt: at.toISOString(), sourceSystem: signalled.sourceSystem, proof: signalled.proof },
      );
      const prepared: PreparedEvent[] = [];
      for (const dto of events) {
        const withdrawal = await ledger.prepare(dto);
        if (withdrawal) prepared.push(withdrawal);
        else withoutNotice.push(dto.purpose);
      }
      const optedOut = prepared.map((e) => e.purpose);
      followUps.push({
        subjectId,
        events: prepared,
        outcome: {
          optedOut,
          overrodeOptIn: plan.overrodeOptIn.filter((key) => optedOut.includes(key)),
          alreadyOptedOut: plan.alreadyOptedOut,
          reconsented: plan.reconsented,
          withoutNotice,
        },
      });
    }
    return followUps;
  }
}

/** Each subject's outcome with its withdrawals as recorded: `recorded` holds the follow-ups' events in order. */
export function gpcOutcomes(followUps: GpcFollowUp[], recorded: RecordedConsentDto[]): SubjectGpcOutcomeDto[] {
  let next = 0;
  return followUps.map((f) => {
    const events = recorded.slice(next, next + f.events.length);
    next += f.events.length;
    return { subjectId: f.subjectId, ...f.outcome, events };
  });
}
