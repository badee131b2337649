import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { ErasurePlan } from '../../data-stores/data-store.port.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { keepLarger, StepStores } from './step.stores.js';

/** Erasure. Erasing again finds nothing: after a crash, what the first run did is what it reports. */
@Injectable()
export class EraseStep implements StepKind {
  readonly name = 'erase';
  constructor(
    private readonly stores: StepStores,
    private readonly clock: Clock,
  ) {}

  async run({ step, identity, previous }: StepInput): Promise<StepOutcome> {
    const done = await this.stores.get(step.storeId).erase(identity);
    return { result: { items: keepLarger(previous?.items as ErasurePlan['items'] | undefined, done.items, (i) => i.table), erasedAt: previous?.erasedAt ?? this.clock.now().toISOString() } };
  }
}
