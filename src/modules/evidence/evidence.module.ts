import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { RegisterModule } from '../register/register.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { SubprocessorsModule } from '../subprocessors/subprocessors.module.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

@Module({ imports: [RegisterModule, RequestsModule, SubprocessorsModule, ConsentModule, ApiKeysModule], controllers: [EvidenceController], providers: [EvidenceService] })
export class EvidenceModule {}
