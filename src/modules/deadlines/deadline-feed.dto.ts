import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination.js';

export class FeedDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'http://localhost:3000/v1/deadlines.ics?token=feed_…', description: 'Shown once; subscribe to it from a calendar app' })
  url: string;
}

export class FeedSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Set once revoked: the URL no longer answers' }) revokedAt: string | null;
}

export class FeedListDto extends PageMetaDto {
  @ApiProperty({ type: [FeedSummaryDto] }) items: FeedSummaryDto[];
}
