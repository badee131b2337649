import { Injectable } from '@nestjs/common';
import type { ChangeSummary } from '../../data-stores/data-store.port.js';
import { WorkflowsRepository } from '../workflows.repository.js';
import { NeedsCounselError, type StepInput, type StepKind, type StepOutcome } from './step.kind.js';

/**
 * Every field the requester asked to correct must have been changed in at least one store (rows
 * really updated). A field no store changed — none publishes it, or none found the subject's row —
 * is counsel's to settle: the request waits instead of completing with a correction that did not happen.
 */
@Injectable()
export class CheckStep implements StepKind {
  readonly name = 'check';
  constructor(private readonly repository: WorkflowsRepository) {}

  async run({ request, subject }: StepInput): Promise<StepOutcome> {
    const steps = await this.repository.steps(request.id, { step: 'rectify', status: 'succeeded' });
    const taken = new Set(steps.flatMap((s) => ((s.result as unknown as ChangeSummary | null)?.applied ?? []).filter((a) => a.rows > 0).map((a) => a.field)));
    const asked = [...new Set((subject.changes ?? []).map((c) => c.field))];
    const untaken = asked.filter((f) => !taken.has(f));
    if (untaken.length > 0) {
      throw new NeedsCounselError(
        `no data store could correct ${untaken.join(', ')}: correct it by hand or tell the requester why not, then waive this step saying what was done (the requester is told)`.slice(0, 500),
      );
    }
    return { result: { fields: asked.length } };
  }
}
