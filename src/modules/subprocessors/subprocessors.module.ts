import { Module } from '@nestjs/common';
import { RegisterModule } from '../register/register.module.js';
import { SubprocessorsController } from './subprocessors.controller.js';
import { SubprocessorsRepository } from './subprocessors.repository.js';
import { SubprocessorsService } from './subprocessors.service.js';

@Module({ imports: [RegisterModule], controllers: [SubprocessorsController], providers: [SubprocessorsService, SubprocessorsRepository], exports: [SubprocessorsService] })
export class SubprocessorsModule {}
