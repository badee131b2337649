import { Module } from '@nestjs/common';
import { TaxonomyModule } from '../register/taxonomy.module.js';
import { PurposeCatalog } from './purpose-catalog.js';
import { PurposeTemplatesController } from './purpose-templates.controller.js';
import { PurposesController } from './purposes.controller.js';
import { PurposesRepository } from './purposes.repository.js';
import { PurposesService } from './purposes.service.js';

@Module({ imports: [TaxonomyModule], controllers: [PurposesController, PurposeTemplatesController], providers: [PurposesService, PurposeCatalog, PurposesRepository], exports: [PurposeCatalog] })
export class PurposesModule {}
