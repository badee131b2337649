import { ExportPackageEntity, RecipientNoticeEntity, WorkflowStepEntity } from '../../modules/workflows/workflow.entity.js';
import { AuditEventEntity, AuditExportCursorEntity, AuditHeadEntity } from '../../common/audit/audit-event.entity.js';
import { ApiKeyEntity } from '../../modules/api-keys/api-key.entity.js';
import { ConsentEventEntity, ConsentHeadEntity, ConsentOutboxEntity, ConsentStateEntity } from '../../modules/consent/consent.entity.js';
import { PurposeEntity, PurposeNoticeEntity } from '../../modules/purposes/purpose.entity.js';
import { DataCategoryEntity, RegisterRecordEntity, RegisterVersionEntity } from '../../modules/register/register.entity.js';
import {
  SubprocessorChangeEntity,
  SubprocessorEntity,
  SubprocessorNoticeEntity,
  SubprocessorObjectionEntity,
  SubprocessorSubscriberEntity,
} from '../../modules/subprocessors/subprocessor.entity.js';
import { DeadlineFeedEntity } from '../../modules/deadlines/deadline-feed.entity.js';
import { RequestEntity, RequestEventEntity, RequestNoteEntity } from '../../modules/requests/request.entity.js';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from '../../modules/webhooks/webhook.entity.js';
import { ScheduledJobEntity } from '../queue/scheduled-job.entity.js';
import { ConsoleSessionEntity, ConsoleUserEntity } from '../../modules/sessions/session.entity.js';
import { ChainCheckEntity } from '../../modules/ops/chain-check.entity.js';
import { DrpAgentTokenEntity, DrpCallbackEntity, DrpPairingEntity, DrpRequestEntity } from '../../modules/drp/drp.entity.js';

/**
 * Every TypeORM entity. Table names must not collide with BullMQ's Postgres backend (job, event,
 * meta, migration, metrics, scheduler, dedup, rate_limit, relay_*), which shares the search path
 * on the embedded database.
 */
export const ENTITIES = [
  ChainCheckEntity,
  ApiKeyEntity,
  AuditEventEntity,
  AuditHeadEntity,
  AuditExportCursorEntity,
  ScheduledJobEntity,
  PurposeEntity,
  PurposeNoticeEntity,
  ConsentEventEntity,
  ConsentHeadEntity,
  ConsentStateEntity,
  ConsentOutboxEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  RequestEntity,
  RequestEventEntity,
  RequestNoteEntity,
  DeadlineFeedEntity,
  DataCategoryEntity,
  RegisterRecordEntity,
  RegisterVersionEntity,
  SubprocessorEntity,
  SubprocessorChangeEntity,
  SubprocessorNoticeEntity,
  SubprocessorObjectionEntity,
  SubprocessorSubscriberEntity,
  WorkflowStepEntity,
  ExportPackageEntity,
  RecipientNoticeEntity,
  ConsoleSessionEntity,
  ConsoleUserEntity,
  DrpAgentTokenEntity,
  DrpRequestEntity,
  DrpCallbackEntity,
  DrpPairingEntity,
];
