import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RegisterController } from './register.controller.js';
import { RegisterService } from './register.service.js';

@Module({ imports: [PurposesModule], controllers: [RegisterController], providers: [RegisterService], exports: [RegisterService] })
export class RegisterModule {}
