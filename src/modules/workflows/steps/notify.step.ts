import { Injectable } from '@nestjs/common';
import { RecipientNotices } from '../recipient.notices.js';
import { WorkflowsRepository } from '../workflows.repository.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';

/** Art 19: every recipient of the affected categories is told; the request records who and when. */
@Injectable()
export class NotifyStep implements StepKind {
  readonly name = 'notify';
  constructor(
    private readonly repository: WorkflowsRepository,
    private readonly notices: RecipientNotices,
  ) {}

  async run({ request }: StepInput): Promise<StepOutcome> {
    const steps = await this.repository.steps(request.id, { status: 'succeeded' });
    const categories = this.notices.affectedCategories(request.type, steps);
    const recipients = await this.notices.recipientsOf(categories);
    return {
      result: { recipients: recipients.length, categories },
      commit: (m, locked) => this.notices.send(m, locked, recipients),
    };
  }
}
