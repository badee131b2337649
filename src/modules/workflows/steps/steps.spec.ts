import { FixedClock } from '../../../common/clock.js';
import type { DataStoreAdapter, ErasurePlan } from '../../data-stores/data-store.port.js';
import type { RequestRecord } from '../../requests/request.types.js';
import type { SubjectOfRequest } from '../../requests/requests.service.js';
import type { WorkflowStepEntity } from '../workflow.entity.js';
import type { WorkflowsRepository } from '../workflows.repository.js';
import { CheckStep } from './check.step.js';
import { EraseStep } from './erase.step.js';
import { NeedsCounselError, type StepInput } from './step.kind.js';
import type { StepStores } from './step.stores.js';

/** Step kinds as units, with a fake repository and a fake store: what each decides from what it is given. */
const request = { id: 'r-1', type: 'rectification', locale: 'en' } as RequestRecord;
const subject = (changes: { field: string; newValue: string }[] = []): SubjectOfRequest => ({ email: 'ana@example.com', subjectId: null, subjectIdUnproven: false, name: null, changes });
const input = (extra: Partial<StepInput> = {}): StepInput => ({
  step: { key: 'r-1:x:crm', step: 'check', storeId: 'crm', result: null } as WorkflowStepEntity,
  request,
  subject: subject(),
  identity: { requestId: 'r-1', email: 'ana@example.com', subjectId: null },
  previous: null,
  attempt: 'attempt-1',
  ...extra,
});

describe('CheckStep (every asked correction really made somewhere)', () => {
  const rectified = (applied: { table: string; field: string; rows: number }[]) => [{ status: 'succeeded', result: { applied } }] as unknown as WorkflowStepEntity[];
  const check = (rows: WorkflowStepEntity[]) => new CheckStep({ steps: async () => rows } as unknown as WorkflowsRepository);

  it('passes when a store changed rows for each field asked', async () => {
    const step = check(rectified([{ table: 'customers', field: 'address', rows: 1 }, { table: 'crm', field: 'name', rows: 2 }]));
    await expect(step.run(input({ subject: subject([{ field: 'address', newValue: 'x' }, { field: 'name', newValue: 'y' }, { field: 'name', newValue: 'z' }]) }))).resolves.toEqual({ result: { fields: 2 } });
  });

  it('hands a field no store changed (0 rows, or not published) to counsel, naming it', async () => {
    const step = check(rectified([{ table: 'customers', field: 'address', rows: 0 }]));
    const run = step.run(input({ subject: subject([{ field: 'address', newValue: 'x' }, { field: 'phone', newValue: '1' }]) }));
    await expect(run).rejects.toBeInstanceOf(NeedsCounselError);
    await expect(run).rejects.toThrow(/no data store could correct address, phone/);
  });
});

describe('EraseStep (idempotent after a crash)', () => {
  const store = (items: ErasurePlan['items']) => ({ get: () => ({ erase: async () => ({ items }) }) as unknown as DataStoreAdapter }) as unknown as StepStores;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  it('reports what it erased, and when', async () => {
    const outcome = await new EraseStep(store([{ table: 'orders', action: 'delete', rows: 3 }]), clock).run(input());
    expect(outcome.result).toEqual({ items: [{ table: 'orders', action: 'delete', rows: 3 }], erasedAt: '2026-03-02T10:00:00.000Z' });
  });

  it('run again after a crash, keeps what the first run erased (the store now finds nothing) and its time', async () => {
    const previous = { items: [{ table: 'orders', action: 'delete', rows: 3 }], erasedAt: '2026-03-01T09:00:00.000Z' };
    const outcome = await new EraseStep(store([{ table: 'orders', action: 'delete', rows: 0 }]), clock).run(input({ previous }));
    expect(outcome.result).toEqual(previous);
  });
});
