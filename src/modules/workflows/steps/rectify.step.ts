import { Injectable } from '@nestjs/common';
import type { ChangeSummary } from '../../data-stores/data-store.port.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { keepLarger, StepStores } from './step.stores.js';

/** Rectification: the store changes the fields it holds. */
@Injectable()
export class RectifyStep implements StepKind {
  readonly name = 'rectify';
  constructor(private readonly stores: StepStores) {}

  async run({ step, subject, identity, previous }: StepInput): Promise<StepOutcome> {
    const changes = (subject.changes ?? []).map(({ field, newValue }) => ({ field, newValue }));
    const done = await this.stores.get(step.storeId).rectify(identity, changes);
    return { result: { ...done, applied: keepLarger(previous?.applied as ChangeSummary['applied'] | undefined, done.applied, (a) => `${a.table}.${a.field}`) } };
  }
}
