import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from './common/audit/audit.module.js';
import { CommonModule } from './common/common.module.js';
import { ConfigModule } from './config/config.module.js';
import type { LetheConfig } from './config/config.schema.js';
import { DatabaseModule } from './infrastructure/database/database.module.js';
import { QueueModule } from './infrastructure/queue/queue.module.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { ConsentModule } from './modules/consent/consent.module.js';
import { DeadlineFeedModule } from './modules/deadlines/deadline-feed.module.js';
import { DeadlinesModule } from './modules/deadlines/deadlines.module.js';
import { RequestsModule } from './modules/requests/requests.module.js';
import { RegisterModule } from './modules/register/register.module.js';
import { SubprocessorsModule } from './modules/subprocessors/subprocessors.module.js';
import { EvidenceModule } from './modules/evidence/evidence.module.js';
import { DataStoresModule } from './modules/data-stores/data-stores.module.js';
import { MailModule } from './infrastructure/mail/mail.module.js';
import { PurposesModule } from './modules/purposes/purposes.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { OpsModule } from './modules/ops/ops.module.js';
import { WorkflowsModule } from './modules/workflows/workflows.module.js';
import { DrpModule } from './modules/drp/drp.module.js';
import { SessionsModule } from './modules/sessions/sessions.module.js';
import { PrivacyCenterModule } from './modules/privacy-center/privacy-center.module.js';

/** Everything a Lethe process needs; the HTTP API and the worker differ only in what they start. */
function coreImports(config: LetheConfig) {
  return [ConfigModule.forRoot(config), CommonModule, DatabaseModule, QueueModule, MailModule, AuditModule, ApiKeysModule, SessionsModule, PurposesModule, ConsentModule, WebhooksModule, DeadlinesModule, RequestsModule, DeadlineFeedModule, RegisterModule, SubprocessorsModule, EvidenceModule, DataStoresModule, WorkflowsModule, PrivacyCenterModule, DrpModule];
}

@Module({})
export class AppModule {
  static forRoot(config: LetheConfig, modules: Array<Type<unknown> | DynamicModule> = []): DynamicModule {
    return { module: AppModule, imports: [...coreImports(config), OpsModule, ...modules] };
  }
}

/** The scale-out process: job handlers only, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: LetheConfig, modules: Array<Type<unknown> | DynamicModule> = []): DynamicModule {
    return { module: WorkerModule, imports: [...coreImports({ ...config, queue: { ...config.queue, workers: true } }), ...modules] };
  }
}
