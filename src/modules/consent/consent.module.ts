import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { TaxonomyModule } from '../register/taxonomy.module.js';
import { ConsentController } from './consent.controller.js';
import { ConsentOutbox } from './consent.outbox.js';
import { ConsentRecords } from './consent.records.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentService } from './consent.service.js';
import { ConsentSignals } from './consent.signals.js';
import { ConsentWriter } from './consent.writer.js';
import { GpcController } from './gpc.controller.js';
import { GpcService } from './gpc.service.js';

@Module({
  imports: [PurposesModule, TaxonomyModule],
  controllers: [ConsentController, GpcController],
  providers: [ConsentService, ConsentRecords, ConsentSignals, ConsentRepository, ConsentWriter, GpcService, ConsentOutbox],
  exports: [ConsentService, GpcService, ConsentOutbox],
})
export class ConsentModule {}
