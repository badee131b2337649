import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { BasicPagesController } from './basic/basic.controller.js';
import { PrivacyCenterController } from './privacy-center.controller.js';
import { PrivacyCenterService } from './privacy-center.service.js';

/** The data subjects' pages at /privacy read what they show before a request through here. */
@Module({ imports: [DeadlinesModule, PurposesModule, RequestsModule], controllers: [PrivacyCenterController, BasicPagesController], providers: [PrivacyCenterService] })
export class PrivacyCenterModule {}
