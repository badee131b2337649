import { Global, Module } from '@nestjs/common';
import { DataStoreRegistry } from './data-store.registry.js';
import { DataStoresController } from './data-stores.controller.js';

@Global()
@Module({ controllers: [DataStoresController], providers: [DataStoreRegistry], exports: [DataStoreRegistry] })
export class DataStoresModule {}
