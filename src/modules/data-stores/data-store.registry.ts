import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Keyring } from '../../common/keyring.js';
import { CONFIG } from '../../config/config.module.js';
import type { LetheConfig } from '../../config/config.schema.js';
import { HttpAdapter } from './adapters/http.adapter.js';
import { MemoryAdapter } from './adapters/memory.adapter.js';
import { PostgresAdapter } from './adapters/postgres.adapter.js';
import { DataStoreConfigError, StoreConfig } from './data-store.config.js';
import { DataStoreAdapter } from './data-store.port.js';

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
export class DataStoreRegistry implements OnApplicationShutdown {
  readonly adapters: ReadonlyMap<string, DataStoreAdapter>;

  constructor(
    @Inject(CONFIG) config: LetheConfig,
    keyring: Keyring,
    @Optional() @Inject(DATA_STORE_FACTORIES) custom: DataStoreFactory[] | null,
  ) {
    const factories = new Map([...BUILT_IN, ...(custom ?? [])].map((f) => [f.type, f]));
    const salt = keyring.keyedHash('anonymise-salt', 'v1');
    const stores = config.dataStores;
    const unknown = stores.map((s, i) => [s, i] as const).filter(([s]) => !factories.has(s.type));
    if (unknown.length > 0) {
      throw new DataStoreConfigError(unknown.map(([s, i]) => `stores[${i}] (${s.id}).type ${s.type} has no adapter (known: ${[...factories.keys()].join(', ')})`));
    }
    this.adapters = new Map(stores.map((s) => [s.id, factories.get(s.type)!.create(s, salt)]));
  }

  get(id: string): DataStoreAdapter | undefined {
    return this.adapters.get(id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.close?.()));
  }
}
