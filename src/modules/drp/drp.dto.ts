import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DRP_REASONS, DRP_STATUSES, type DrpReason, type DrpStatus } from './drp.rules.js';

/** DRP §3.03, the Exercise Status object (DRP's own snake_case names): every answer about a request, and every status callback. */
export class DrpStatusDto {
  @ApiProperty({ example: 'c789ff35-7644-4ceb-9981-4b35c264aac3' }) request_id: string;
  @ApiPropertyOptional({ example: 'aa-req-0042', description: 'The agent-request-id the agent sent, if any' }) agent_request_id?: string;
  @ApiProperty({ enum: DRP_STATUSES, example: 'in_progress' }) status: DrpStatus;
  @ApiPropertyOptional({ enum: DRP_REASONS, example: 'need_user_verification' }) reason?: DrpReason;
  @ApiProperty({ example: '2026-12-03T10:15:00.000Z' }) received_at: string;
  @ApiPropertyOptional({ example: '2027-01-17T07:59:59.999Z', description: 'The CCPA deadline in force (legal clock), while the request is open or in progress' }) expected_by?: string;
  @ApiPropertyOptional({ example: 'We emailed the person a code and a link to confirm their email address; the request goes ahead once they do.' })
  processing_details?: string;
  @ApiPropertyOptional({ example: 'https://privacy.example.com/privacy/requests/c789ff35-7644-4ceb-9981-4b35c264aac3', description: 'With need_user_verification: where the person confirms their email (the link in our email opens it)' })
  user_verification_url?: string;
}

/** DRP §2.05.1. */
export class DrpTokenDto {
  @ApiProperty({ example: 'CR_AA_DRP_ID_001' }) 'agent-id': string;
  @ApiProperty({ example: 'drp_4q3Xv…', description: 'The pair-wise bearer token (opaque); pairing again replaces it' }) token: string;
}

/** DRP §3.06: errors are not problem+json here, the protocol fixes their shape. */
export class DrpErrorDto {
  @ApiProperty({ example: '403', description: 'The HTTP status, as a string' }) code: string;
  @ApiProperty({ example: 'The signature does not verify with the key of the agent this token belongs to' }) message: string;
  @ApiPropertyOptional({ example: true, description: 'true: retrying the same request will not succeed' }) fatal?: boolean;
}
