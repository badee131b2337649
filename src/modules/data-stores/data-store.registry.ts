import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { HttpAdapter } from './adapters/http.adapter.js';
import { MemoryAdapter } from './adapters/memory.adapter.js';
import { PostgresAdapter } from './adapters/postgres.adapter.js';
import { DataStoreConfigError, StoreConfig } from '../../config/data-stores.config.js';
import type { DataStoreDto } from './data-store.dto.js';
import { Capability, DataStoreAdapter } from './data-store.port.js';

/** Builds adapters of one `type` from configuration. Custom adapters provide one under DATA_STORE_FACTORIES. */
export interface DataStoreFactory {
  readonly type: string;
  create(config: StoreConfig, salt: string): DataStoreAdapter;
}

export const DATA_STORE_FACTORIES = Symbol('DataStoreFactories');

const BUILT_IN: DataStoreFactory[] = [
  { type: 'postgres', create: (config, salt) => new PostgresAdapter(config, salt) },
  { type: 'http', create: (config) => new HttpAdapter(config) },
  { type: 'memory', create: (config, salt) => new MemoryAdapter(config, salt) },
];

/** Every configured data store, built at boot; a request fans out to all of them. */
@Injectable()
export class DataStoreRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly adapters: ReadonlyMap<string, DataStoreAdapter>;
  private readonly stores: readonly StoreConfig[];

  constructor(
    @Inject(CONFIG) config: LetheConfig,
    keyring: Keyring,
    @Optional() @Inject(DATA_STORE_FACTORIES) custom: DataStoreFactory[] | null,
  ) {
    const factories = new Map([...BUILT_IN, ...(custom ?? [])].map((f) => [f.type, f]));
    const salt = keyring.keyedHash('anonymise-salt', 'v1');
    const stores = config.dataStores;
    this.stores = stores;
    const unknown = stores.map((s, i) => [s, i] as const).filter(([s]) => !factories.has(s.type));
    if (unknown.length > 0) {
      throw new DataStoreConfigError(unknown.map(([s, i]) => `stores[${i}] (${s.id}).type ${s.type} has no adapter (known: ${[...factories.keys()].join(', ')})`));
    }
    this.adapters = new Map(stores.map((s) => [s.id, factories.get(s.type)!.create(s, salt)]));
  }

  /** What was loaded, for people: ids, types, tables and capabilities; never URLs or secrets. */
  describe(): DataStoreDto[] {
    return this.stores.map((store) => describeStore(store, this.adapters.get(store.id)!.capabilities));
  }

  /** Says at boot which stores were loaded, so a typo in LETHE_DATA_STORES shows at once. */
  onApplicationBootstrap(): void {
    const logger = new Logger('DataStores');
    const stores = this.describe();
    if (stores.length === 0) logger.warn('no data stores configured (LETHE_DATA_STORES): requests are tracked, but no workflow reaches any data');
    for (const store of stores) {
      const tables = store.tables.length > 0 ? `tables ${store.tables.map((t) => t.name).join(', ')}` : 'no table configuration';
      logger.log(`data store ${store.id} (${store.type}): ${tables}; can ${store.capabilities.join(', ') || 'nothing'}`);
    }
  }

  get(id: string): DataStoreAdapter | undefined {
    return this.adapters.get(id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.close?.()));
  }
}

const CAPABILITY_ORDER: readonly Capability[] = ['export', 'rectify', 'erase', 'restrict'];

/** One store's public description: the configuration minus URLs and secrets. */
export function describeStore(store: StoreConfig, capabilities: ReadonlySet<Capability>): DataStoreDto {
  const tables = store.tables ?? [];
  const categories = new Set(store.categories ?? []);
  for (const table of tables) for (const column of Object.values(table.columns ?? {})) for (const c of column.categories ?? []) categories.add(c);
  return {
    id: store.id,
    label: store.label ?? store.id,
    type: store.type,
    capabilities: CAPABILITY_ORDER.filter((c) => capabilities.has(c)),
    tables: tables.map((table) => ({ name: table.name, erasure: table.erasure.action })),
    categories: [...categories].sort(),
  };
}
