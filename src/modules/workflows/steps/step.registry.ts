import { Inject, Injectable, type Provider } from '@nestjs/common';
import type { SubjectIdentity } from '../../data-stores/data-store.port.js';
import { UNPROVEN_SUBJECT_ID } from '../../requests/request.identity.js';
import type { RequestRecord } from '../../requests/request.types.js';
import type { SubjectOfRequest } from '../../requests/requests.service.js';
import type { WorkflowStepEntity } from '../workflow.entity.js';
import { STEP_NAMES, type StepName } from '../workflow.plan.js';
import { CertificateStep } from './certificate.step.js';
import { CheckStep } from './check.step.js';
import { ConsentStep } from './consent.step.js';
import { EraseStep } from './erase.step.js';
import { ExportStep } from './export.step.js';
import { LiftStep } from './lift.step.js';
import { NoticeStep } from './notice.step.js';
import { NotifyStep } from './notify.step.js';
import { ObjectStep } from './object.step.js';
import { PackageStep } from './package.step.js';
import { PlanStep } from './plan.step.js';
import { RectifyStep } from './rectify.step.js';
import { RestrictStep } from './restrict.step.js';
import type { StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';
import { VerifyStep } from './verify.step.js';

const KINDS = [ExportStep, PackageStep, RectifyStep, CheckStep, PlanStep, EraseStep, ConsentStep, VerifyStep, CertificateStep, RestrictStep, LiftStep, NoticeStep, ObjectStep, NotifyStep];
const STEP_KINDS = Symbol('STEP_KINDS');

/** Every step kind, and the registry that runs them (for WorkflowsModule's providers). */
export const STEP_PROVIDERS: Provider[] = [StepStores, ...KINDS, { provide: STEP_KINDS, useFactory: (...kinds: StepKind[]) => kinds, inject: KINDS }];

/** Runs a step by its kind. Every name of workflow.plan.ts has a kind, or the module does not boot. */
@Injectable()
export class StepRegistry {
  private readonly kinds: ReadonlyMap<StepName, StepKind>;

  constructor(@Inject(STEP_KINDS) kinds: StepKind[]) {
    this.kinds = new Map(kinds.map((k) => [k.name, k]));
    const missing = STEP_NAMES.filter((name) => !this.kinds.has(name));
    if (missing.length > 0) throw new Error(`no step kind runs ${missing.join(', ')}: add one in src/modules/workflows/steps/`);
  }

  async run(step: WorkflowStepEntity, request: RequestRecord, subject: SubjectOfRequest, attempt: string): Promise<StepOutcome> {
    const identity: SubjectIdentity = { requestId: request.id, email: subject.email, subjectId: subject.subjectId };
    const outcome = await this.kinds.get(step.step)!.run({ step, request, subject, identity, previous: step.result, attempt });
    // A typed subject id was left aside: the step says it used the verified email only.
    if (subject.subjectIdUnproven && step.step !== 'package' && step.step !== 'certificate') outcome.result = { ...outcome.result, subjectId: UNPROVEN_SUBJECT_ID };
    return outcome;
  }
}
