import { Module } from '@nestjs/common';
import { RegisterModule } from '../register/register.module.js';
import { SubprocessorsController } from './subprocessors.controller.js';
import { SubprocessorsRepository } from './subprocessors.repository.js';
import { SubprocessorsService } from './subprocessors.service.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({ imports: [RegisterModule], controllers: [SubprocessorsController], providers: [SubprocessorsService, SubscriptionsService, SubprocessorsRepository], exports: [SubprocessorsService] })
export class SubprocessorsModule {}
