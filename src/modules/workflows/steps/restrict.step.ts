import { Injectable } from '@nestjs/common';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';

/** Restriction (Art 18): the store marks the subject's data as restricted. */
@Injectable()
export class RestrictStep implements StepKind {
  readonly name = 'restrict';
  constructor(private readonly stores: StepStores) {}

  async run({ step, identity }: StepInput): Promise<StepOutcome> {
    return { result: await this.stores.get(step.storeId).restrict(identity, true) };
  }
}
