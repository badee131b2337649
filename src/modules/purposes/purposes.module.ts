import { Module } from '@nestjs/common';
import { PurposeCatalog } from './purpose-catalog.js';
import { PurposesController } from './purposes.controller.js';
import { PurposesService } from './purposes.service.js';

@Module({ controllers: [PurposesController], providers: [PurposesService, PurposeCatalog], exports: [PurposeCatalog] })
export class PurposesModule {}
