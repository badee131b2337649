import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import type { TableConfig } from '../../../config/data-stores.config.js';
import { DataStoreError, type ErasurePlan } from '../../data-stores/data-store.port.js';
import { WorkflowsRepository } from '../workflows.repository.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';

/**
 * Exports again after erasure. Records may remain only in tables the plan retains, or in anonymised
 * tables with every anonymised column blanked, hashed (`anon:`), fixed or truncated; anything else
 * is erasable data left behind, and the step fails.
 */
@Injectable()
export class VerifyStep implements StepKind {
  readonly name = 'verify';
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly repository: WorkflowsRepository,
    private readonly stores: StepStores,
    private readonly clock: Clock,
  ) {}

  async run({ step, request, identity }: StepInput): Promise<StepOutcome> {
    const storeId = step.storeId;
    const [erased] = await this.repository.steps(request.id, { step: 'erase' }).then((rows) => rows.filter((s) => s.storeId === storeId));
    const items = new Map(((erased?.result?.items ?? []) as ErasurePlan['items']).map((i) => [i.table, i]));
    const tables = this.config.dataStores.find((s) => s.id === storeId)?.tables ?? [];
    const kept: Record<string, number> = {};
    const left: Record<string, number> = {};
    await this.stores.get(storeId).export(identity, {
      write: async (record) => {
        const item = items.get(record.table);
        const ok = item?.action === 'retain' || (item?.action === 'anonymise' && isAnonymised(record.data, item.columns ?? [], tables.find((t) => t.name === record.table)));
        const tally = ok ? kept : left;
        tally[record.table] = (tally[record.table] ?? 0) + 1;
      },
    });
    const n = Object.values(left).reduce((a, b) => a + b, 0);
    if (n > 0) throw new DataStoreError(storeId, 'failed', `verification found ${n} erasable record(s) in ${Object.keys(left).join(', ')}`);
    return { result: { verifiedAt: this.clock.now().toISOString(), kept } };
  }
}

function isAnonymised(data: Record<string, unknown>, columns: string[], table: TableConfig | undefined): boolean {
  return columns.every((name) => {
    const value = data[name];
    const rule = table?.columns[name];
    if (value === null || value === undefined || /^anon:[0-9a-f]{64}$/.test(String(value))) return true;
    if (rule?.anonymise === 'fixed') return value === rule.fixedValue;
    if (rule?.anonymise === 'truncate') return String(value).length <= (rule.truncateTo ?? 0);
    return false;
  });
}
