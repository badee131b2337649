import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { CONFIG } from '../../../config/config.module.js';
import type { LetheConfig } from '../../../config/config.schema.js';
import { StagingSink } from '../export.package.js';
import type { StepInput, StepKind, StepOutcome } from './step.kind.js';
import { StepStores } from './step.stores.js';

/** Where a request's exports are staged until the package is built. */
export function stagingDir(config: LetheConfig, requestId: string): string {
  return join(config.workflows.exportDir, requestId, 'staging');
}

/** Access and portability: one store's records, staged as files (only what the subject provided, for portability). */
@Injectable()
export class ExportStep implements StepKind {
  readonly name = 'export';
  constructor(
    @Inject(CONFIG) private readonly config: LetheConfig,
    private readonly stores: StepStores,
  ) {}

  async run({ step, request, identity, attempt }: StepInput): Promise<StepOutcome> {
    const portability = request.type === 'portability';
    const sink = await StagingSink.open(stagingDir(this.config, request.id), step.storeId, attempt, portability);
    const adapter = this.stores.get(step.storeId);
    try {
      if (adapter.exportFiles) return { result: { ...sink.filesWritten(await adapter.exportFiles(identity, sink, { providedOnly: portability })) } };
      const summary = await adapter.export(identity, sink);
      return { result: { ...(await sink.close(summary.uncategorised)) } };
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }
}
