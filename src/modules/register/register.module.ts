import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RegisterController } from './register.controller.js';
import { RegisterRepository } from './register.repository.js';
import { RegisterService } from './register.service.js';
import { TaxonomyModule } from './taxonomy.module.js';

@Module({ imports: [PurposesModule, TaxonomyModule], controllers: [RegisterController], providers: [RegisterService, RegisterRepository], exports: [RegisterService] })
export class RegisterModule {}
