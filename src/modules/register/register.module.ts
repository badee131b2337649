import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RegisterController } from './register.controller.js';
import { RegisterService } from './register.service.js';
import { TaxonomyModule } from './taxonomy.module.js';

@Module({ imports: [PurposesModule, TaxonomyModule], controllers: [RegisterController], providers: [RegisterService], exports: [RegisterService] })
export class RegisterModule {}
