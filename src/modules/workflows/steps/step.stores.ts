import { Injectable } from '@nestjs/common';
import { DataStoreAdapter, DataStoreError } from '../../data-stores/data-store.port.js';
import { DataStoreRegistry } from '../../data-stores/data-store.registry.js';

/** The configured store a step runs against; a store gone from the configuration is unavailable. */
@Injectable()
export class StepStores {
  constructor(private readonly registry: DataStoreRegistry) {}

  get(id: string): DataStoreAdapter {
    const adapter = this.registry.get(id);
    if (!adapter) throw new DataStoreError(id, 'unavailable', 'the store is no longer configured');
    return adapter;
  }
}

/** Per item, the larger row count of two runs of an idempotent change. */
export function keepLarger<T extends { rows: number }>(before: T[] | undefined, now: T[], keyOf: (item: T) => string): T[] {
  if (!before?.length) return now;
  return now.map((item) => {
    const earlier = before.find((b) => keyOf(b) === keyOf(item));
    return earlier && earlier.rows > item.rows ? { ...item, rows: earlier.rows } : item;
  });
}
