import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.js';
import { pageSize } from '../pagination.js';
import { AuditEventPageDto, AuditQueryDto, ChainVerificationDto } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'List audit-trail entries, newest first, filtered and paged by cursor' })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: AuditQueryDto) {
    return this.audit.list({
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId,
      actor: query.actor,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      order: query.order ?? 'desc',
      limit: pageSize(query),
      cursor: query.cursor,
    });
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Recompute the hash chain and report the first entry that does not verify' })
  @ApiOkResponse({ type: ChainVerificationDto })
  verify() {
    return this.audit.verify();
  }
}
