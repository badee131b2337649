import { Global, Module } from '@nestjs/common';
import { DataStoreRegistry } from './data-store.registry.js';

@Global()
@Module({ providers: [DataStoreRegistry], exports: [DataStoreRegistry] })
export class DataStoresModule {}
