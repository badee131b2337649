import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { BasicPagesController } from './basic/basic.controller.js';
import { PrivacyCenterController } from './privacy-center.controller.js';
import { PrivacyCenterService } from './privacy-center.service.js';
import { SubjectConsentsService } from './subject/subject-consents.service.js';
import { SubjectController } from './subject/subject.controller.js';
import { SubjectOidc } from './subject/subject-oidc.js';
import { SubjectSessions } from './subject/subject-session.js';

/** The data subjects' pages at /privacy read what they show before a request through here. */
@Module({
  imports: [DeadlinesModule, PurposesModule, RequestsModule, ConsentModule],
  controllers: [PrivacyCenterController, BasicPagesController, SubjectController],
  providers: [PrivacyCenterService, SubjectSessions, SubjectOidc, SubjectConsentsService],
})
export class PrivacyCenterModule {}
