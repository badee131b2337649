import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '../../common/auth/roles.js';
import { ProblemDto } from '../../common/errors/problem.js';
import {
  ConsentBatchDto,
  ConsentChainVerificationDto,
  ConsentEventDto,
  ConsentHistoryPageDto,
  ConsentHistoryQueryDto,
  ConsentReportDto,
  ConsentReportQueryDto,
  PseudonymisedDto,
  RecordedBatchDto,
  RecordedEventDto,
  SubjectConsentsDto,
} from './consent.dto.js';
import { ConsentReceiptDto } from './consent-receipt.dto.js';
import { ConsentRecordHistoryQueryDto, ConsentRecordQueryDto, DPV_HISTORY_SCHEMA, DPV_RECORD_SCHEMA } from './consent-record.dto.js';
import { JSON_LD_CONTENT_TYPE } from './consent.dpv.js';
import { ConsentRecords } from './consent.records.js';
import { ConsentService } from './consent.service.js';
import { SubjectIdPipe } from './subject-id.pipe.js';
import { uuid } from '../../common/errors/uuid.pipe.js';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retry-safe key (≤ 200 chars). The same key with the same body returns the original response; with a different body, 409.',
};

@ApiTags('consent')
@Controller('v1')
export class ConsentController {
  constructor(
    private readonly consent: ConsentService,
    private readonly records: ConsentRecords,
  ) {}

  @Post('consent-events')
  @Roles('iam')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a consent grant or withdrawal in the subject’s ledger',
    description:
      'An event may carry the IAB strings the consent banner produced (`tcString`, `gppString`) as evidence: each is decoded (one that does not is a 400 naming it), stored sealed, covered by the hash chain and shown decoded on the receipt. A `gppString` whose US section says Gpc = 1 is honoured like `Sec-GPC: 1`: the withdrawals are recorded in the same transaction and listed in `gpc`.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: RecordedEventDto, description: 'Recorded (or, for a retry, the original answer, with Idempotent-Replayed: true)' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'A field that is not valid, among them a tcString or gppString that does not decode' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Idempotency key reused with a different event' })
  async record(
    @Body() dto: ConsentEventDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedEventDto> {
    const result = await this.consent.record(dto, idempotencyKey, caller);
    if (result.replayed) void response.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Post('consent-events/batch')
  @Roles('iam')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record up to 1,000 events, all or nothing (imports, offline clients)' })
  @ApiHeader({ ...IDEMPOTENCY_HEADER, description: 'Retry-safe key for the whole batch; item i uses "<key>:i". Items may instead carry eventId.' })
  @ApiCreatedResponse({ type: RecordedBatchDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Per-item errors at events[i].field; nothing written' })
  @ApiConflictResponse({ type: ProblemDto })
  recordBatch(@Body() dto: ConsentBatchDto, @Headers('idempotency-key') idempotencyKey: string | undefined, @CurrentCaller() caller: Caller) {
    return this.consent.recordBatch(dto, idempotencyKey, caller);
  }

  @Get('consent-events/:id/receipt')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'A consent receipt (Kantara Consent Receipt 1.1 / ISO/IEC TS 27560 fields)' })
  @ApiOkResponse({ type: ConsentReceiptDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  receipt(@Param('id', uuid) id: string) {
    return this.consent.receipt(id);
  }

  @Get('consent-events/:id/record')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'The event as a consent record in W3C DPV JSON-LD, structured as ISO/IEC TS 27560 (header, processing, event)' })
  @ApiProduces(JSON_LD_CONTENT_TYPE)
  @ApiOkResponse({ schema: DPV_RECORD_SCHEMA, description: 'application/ld+json; every term is defined by DPV 2.2, DCMI Terms or SKOS' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'An unknown format (errors[].path is format)' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such consent event' })
  async dpvRecord(@Param('id', uuid) id: string, @Query() _query: ConsentRecordQueryDto, @Res({ passthrough: true }) response: Response): Promise<object> {
    const document = await this.records.record(id);
    void response.header('Content-Type', JSON_LD_CONTENT_TYPE);
    return document;
  }

  @Get('subjects/:subjectId/consents/record')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Every consent event of the subject as DPV / ISO/IEC TS 27560 records in one JSON-LD document, oldest first, a page at a time' })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiProduces(JSON_LD_CONTENT_TYPE)
  @ApiOkResponse({
    schema: DPV_HISTORY_SCHEMA,
    description: 'application/ld+json. When more records follow, the next page’s cursor is in Lethe-Next-Cursor and its URL in Link (rel="next")',
    headers: {
      'Lethe-Next-Cursor': { description: 'Pass as `cursor` for the next page; absent on the last page', schema: { type: 'string' } },
      Link: { description: '`<…/consents/record?format=dpv&cursor=…>; rel="next"`; absent on the last page', schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'An unknown format, limit or cursor (errors[].path names it)' })
  async dpvRecordHistory(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: ConsentRecordHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    const page = await this.records.history(subjectId, query);
    void response.header('Content-Type', JSON_LD_CONTENT_TYPE);
    if (page.nextCursor !== null) {
      const next = new URLSearchParams({ format: query.format ?? 'dpv', ...(query.limit ? { limit: String(query.limit) } : {}), cursor: page.nextCursor });
      void response.header('Lethe-Next-Cursor', page.nextCursor);
      void response.header('Link', `</v1/subjects/${encodeURIComponent(subjectId)}/consents/record?${next.toString()}>; rel="next"`);
    }
    return page.document;
  }

  @Get('subjects/:subjectId/consents')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Current consent per purpose (fast path for login and token issue)' })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiOkResponse({ type: SubjectConsentsDto })
  current(@Param('subjectId', SubjectIdPipe) subjectId: string) {
    return this.consent.current(subjectId);
  }

  @Get('subjects/:subjectId/consents/history')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Every consent event of the subject, oldest first' })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiOkResponse({ type: ConsentHistoryPageDto })
  history(@Param('subjectId', SubjectIdPipe) subjectId: string, @Query() query: ConsentHistoryQueryDto) {
    return this.consent.history(subjectId, query);
  }

  @Get('subjects/:subjectId/consents/verify')
  @Roles('iam', 'counsel', 'auditor')
  @ApiOperation({ summary: 'Recompute the subject’s hash chain; report the first event that does not verify' })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiOkResponse({ type: ConsentChainVerificationDto })
  verify(@Param('subjectId', SubjectIdPipe) subjectId: string) {
    return this.consent.verify(subjectId);
  }

  @Post('subjects/:subjectId/consents/pseudonymise')
  @Roles('counsel', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the subject id in the ledger by its keyed hash; the proof and the chain stay (audited)' })
  @ApiParam({ name: 'subjectId', example: 'usr_01HF3Z6Q8K' })
  @ApiOkResponse({ type: PseudonymisedDto })
  pseudonymise(@Param('subjectId', SubjectIdPipe) subjectId: string, @CurrentCaller() caller: Caller) {
    return this.consent.pseudonymise(subjectId, caller);
  }

  @Get('consent-reports/summary')
  @Roles('counsel', 'auditor')
  @ApiOperation({ summary: 'Grants and withdrawals per purpose per day (UTC), as JSON or CSV' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ConsentReportDto })
  async report(@Query() query: ConsentReportQueryDto, @Res({ passthrough: true }) response: Response): Promise<ConsentReportDto | string> {
    const report = await this.consent.report(query);
    if (query.format !== 'csv') return report;
    void response.header('Content-Type', 'text/csv; charset=utf-8');
    void response.header('Content-Disposition', `attachment; filename="consent-summary-${query.from}-${query.to}.csv"`);
    return this.consent.reportCsv(report);
  }
}
