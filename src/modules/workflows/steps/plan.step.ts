import { Injectable } from '@nestjs/common';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';

/** Erasure's dry run: what the store would erase, anonymise or retain, for counsel to approve. */
@Injectable()
export class PlanStep implements StepKind {
  readonly name = 'plan';
  constructor(private readonly stores: StepStores) {}

  async run({ step, identity }: StepInput): Promise<StepOutcome> {
    return { result: { items: (await this.stores.get(step.storeId).planErasure(identity)).items } };
  }
}
