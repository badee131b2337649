import { Controller, Delete, Get, Header, Headers, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest as Request } from 'fastify';
import { Public } from '../../common/auth/roles.js';
import { DrpErrorFilter } from './drp.filter.js';
import { DrpErrorDto, DrpStatusDto, DrpTokenDto } from './drp.dto.js';
import { DrpService } from './drp.service.js';
import { readSignedBody } from './drp.body.js';

const SIGNED = {
  schema: { type: 'string', example: 'base64(Ed25519 signature ‖ {"agent-id":"CR_AA_DRP_ID_001","business-id":"ACME_001",…})' },
  description: 'text/plain: the base64 of the 64-byte Ed25519 signature followed by the JSON message it signs (DRP §3.07.1)',
} as const;
const BEARER = { name: 'Authorization', required: true, example: 'Bearer drp_4q3Xv…', description: 'The pair-wise token from POST /v1/agent/{agent-id}' };
const error = (status: number, description: string) => ApiResponse({ status, type: DrpErrorDto, description });
const AGENT_ID = { name: 'agentId', example: 'CR_AA_DRP_ID_001', description: 'The agent’s id in the DRP directory' };
const REQUEST_ID = { name: 'requestId', example: 'c789ff35-7644-4ceb-9981-4b35c264aac3' };

/**
 * The Data Rights Protocol 1.0, Covered Business side: DRP's own paths and shapes (snake_case,
 * `{ code, message }` errors), not Lethe's conventions. Agents authenticate with their Ed25519
 * signature and the pair-wise token, not with an API key.
 */
@ApiTags('drp')
@Controller('v1')
@Public()
@UseFilters(DrpErrorFilter)
export class DrpController {
  constructor(private readonly drp: DrpService) {}

  @Post('agent/:agentId')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'DRP pair-wise key setup: a signed message from a listed agent gets a new bearer token (the previous one stops working)' })
  @ApiParam(AGENT_ID)
  @ApiConsumes('text/plain')
  @ApiBody(SIGNED)
  @ApiOkResponse({ type: DrpTokenDto })
  @ApiResponse({ status: 403, description: 'Unknown agent, or the message did not validate (§3.07): no body, as §2.05.1 says' })
  @error(400, 'A path that holds a NUL or an unpaired surrogate')
  @error(404, 'This service takes no DRP requests (no agent configured)')
  @error(429, 'Over LETHE_DRP_RATE_PER_AGENT_PER_MINUTE (Retry-After says when to try again)')
  @error(413, 'The body is larger than 256 KiB')
  @error(415, 'A content type other than text/plain')
  async pair(@Param('agentId') agentId: string, @Req() req: Request): Promise<DrpTokenDto> {
    return this.drp.pair(agentId, await readSignedBody(req));
  }

  @Get('agent/:agentId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'DRP agent information: the token is valid and belongs to this agent' })
  @ApiParam(AGENT_ID)
  @ApiHeader(BEARER)
  @ApiOkResponse({ schema: { type: 'object', example: {} }, description: 'An empty object' })
  @error(400, 'A path that holds a NUL or an unpaired surrogate')
  @error(401, 'No token, or an unknown or replaced one, or one paired with a key since replaced')
  @error(429, 'Over LETHE_DRP_RATE_PER_AGENT_PER_MINUTE, or the email’s hourly limit (Retry-After says when to try again)')
  @error(403, 'The token belongs to another agent')
  @error(404, 'This service takes no DRP requests')
  agent(@Param('agentId') agentId: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, never>> {
    return this.drp.agentInfo(agentId, authorization);
  }

  @Post('data-rights-request')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'DRP data rights exercise: access, deletion, sale:opt-out (a trailing slash is accepted)',
    description:
      'The signed message holds agent-id, business-id, issued-at, expires-at, drp.version, exercise, regime (ccpa, voluntary or none), status_callback and the identity claims (name, email, email_verified…). access becomes an access request, deletion an erasure, sale:opt-out an objection to every purpose covered by opt-out signals; each is a Lethe request on the CCPA clock. A verified email from a listed agent counts as verification; otherwise the person confirms their email with the code Lethe mails. Other rights, regimes and sale:opt-in are answered denied with DRP’s reason. The same signed message sent again is answered with the first one’s status.',
  })
  @ApiHeader(BEARER)
  @ApiConsumes('text/plain')
  @ApiBody(SIGNED)
  @ApiOkResponse({ type: DrpStatusDto })
  @error(400, 'Not base64, not a JSON object, a missing or malformed claim, a future issued-at, an expired expires-at (fatal)')
  @error(401, 'No token, or an unknown or replaced one, or one paired with a key since replaced')
  @error(429, 'Over LETHE_DRP_RATE_PER_AGENT_PER_MINUTE, or the email’s hourly limit (Retry-After says when to try again)')
  @error(403, 'The signature does not verify with the token’s agent key, or agent-id or business-id do not match')
  @error(404, 'This service takes no DRP requests')
  @error(413, 'The body is larger than 256 KiB')
  @error(415, 'A content type other than text/plain')
  async exercise(@Headers('authorization') authorization: string | undefined, @Req() req: Request): Promise<DrpStatusDto> {
    return this.drp.exercise(authorization, await readSignedBody(req));
  }

  @Get('data-rights-request/:requestId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'DRP data rights status' })
  @ApiParam(REQUEST_ID)
  @ApiHeader(BEARER)
  @ApiOkResponse({ type: DrpStatusDto })
  @error(400, 'A path that holds a NUL or an unpaired surrogate')
  @error(401, 'No token, or an unknown or replaced one, or one paired with a key since replaced')
  @error(429, 'Over LETHE_DRP_RATE_PER_AGENT_PER_MINUTE, or the email’s hourly limit (Retry-After says when to try again)')
  @error(403, 'Another agent manages this request')
  @error(404, 'No such request')
  status(@Param('requestId') requestId: string, @Headers('authorization') authorization: string | undefined): Promise<DrpStatusDto> {
    return this.drp.status(authorization, requestId);
  }

  @Delete('data-rights-request/:requestId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'DRP data rights revoke: withdraws an open or in-progress request (signed body with an optional reason)' })
  @ApiParam(REQUEST_ID)
  @ApiHeader(BEARER)
  @ApiConsumes('text/plain')
  @ApiBody(SIGNED)
  @ApiOkResponse({ type: DrpStatusDto, description: 'The request, now revoked (revoking again answers the same)' })
  @error(400, 'Not base64, not a JSON object, a malformed claim')
  @error(401, 'No token, or an unknown or replaced one, or one paired with a key since replaced')
  @error(429, 'Over LETHE_DRP_RATE_PER_AGENT_PER_MINUTE, or the email’s hourly limit (Retry-After says when to try again)')
  @error(403, 'Bad signature, or another agent manages this request')
  @error(404, 'No such request')
  @error(409, 'The request is already fulfilled, denied or expired (fatal)')
  @error(413, 'The body is larger than 256 KiB')
  @error(415, 'A content type other than text/plain')
  async revoke(@Param('requestId') requestId: string, @Headers('authorization') authorization: string | undefined, @Req() req: Request): Promise<DrpStatusDto> {
    return this.drp.revoke(authorization, requestId, await readSignedBody(req));
  }
}
