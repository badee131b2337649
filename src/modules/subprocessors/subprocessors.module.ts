import { Module } from '@nestjs/common';
import { SubprocessorsController } from './subprocessors.controller.js';
import { SubprocessorsService } from './subprocessors.service.js';

@Module({ controllers: [SubprocessorsController], providers: [SubprocessorsService], exports: [SubprocessorsService] })
export class SubprocessorsModule {}
