import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module.js';
import { DeadlineFeedController } from './deadline-feed.controller.js';
import { DeadlineFeedRepository } from './deadline-feed.repository.js';
import { DeadlineFeedService } from './deadline-feed.service.js';

/** Counsel's calendar feed of open requests' due dates. Apart from DeadlinesModule, which requests itself needs. */
@Module({ imports: [RequestsModule], controllers: [DeadlineFeedController], providers: [DeadlineFeedService, DeadlineFeedRepository] })
export class DeadlineFeedModule {}
