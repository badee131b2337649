import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import { PURPOSE_KEY } from '../purposes/purpose.dto.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook.entity.js';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://crm.example.com/hooks/lethe', description: 'Receives POSTs; redirects are not followed' })
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ example: 'CRM marketing preferences', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Default: all' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: WebhookEventType[];

  @ApiPropertyOptional({ example: ['marketing-email'], description: 'Only these purposes (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(PURPOSE_KEY, { each: true, message: 'each purpose must be a purpose key' })
  purposes?: string[];
}

export class WebhookDto {
  @ApiProperty({ example: '6c1d5a2e-9a0b-4f1e-8f33-2b5c7d9e0f12' }) id: string;
  @ApiProperty({ example: 'https://crm.example.com/hooks/lethe' }) url: string;
  @ApiProperty({ example: 'CRM marketing preferences' }) description: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes: WebhookEventType[];
  @ApiProperty({ example: [] }) purposes: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ example: true }) active: boolean;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_3q2+7w…', description: 'The signing secret, shown only here' }) secret: string;
}

export class WebhookPageDto extends PageMetaDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
}

export class DeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty({ description: 'The consent event id, also sent as Lethe-Event-Id for dedupe' }) eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType: WebhookEventType;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead', 'cancelled'] }) status: string;
  @ApiProperty({ example: 8 }) attempts: number;
  @ApiProperty({ nullable: true, type: Number, example: 500 }) lastStatus: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'HTTP 500' }) lastError: string | null;
  @ApiProperty() updatedAt: string;
}

export class DeliveryPageDto extends PageMetaDto {
  @ApiProperty({ type: [DeliveryDto] }) items: DeliveryDto[];
}

export class WebhookListQueryDto extends PageQueryDto {}
