import { Injectable } from '@nestjs/common';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';

/** Lifting a restriction, once the requester was told (the notice step). */
@Injectable()
export class LiftStep implements StepKind {
  readonly name = 'lift';
  constructor(private readonly stores: StepStores) {}

  async run({ step, identity }: StepInput): Promise<StepOutcome> {
    return { result: await this.stores.get(step.storeId).restrict(identity, false) };
  }
}
