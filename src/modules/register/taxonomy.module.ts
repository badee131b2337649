import { Module } from '@nestjs/common';
import { TaxonomyRepository } from './taxonomy.repository.js';
import { TaxonomyService } from './taxonomy.service.js';

/** The data-category taxonomy, on its own so that purposes can check categories without depending on the register. */
@Module({ providers: [TaxonomyService, TaxonomyRepository], exports: [TaxonomyService] })
export class TaxonomyModule {}
