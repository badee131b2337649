import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageMetaDto } from '../../common/pagination.js';
import { LAWFUL_BASES, type LawfulBasis, SPECIAL_CATEGORY_CONDITIONS, type SpecialCategoryCondition } from './purpose.types.js';

export const PURPOSE_KEY = /^[a-z0-9][a-z0-9_-]{1,63}$/;
const CATEGORY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class PurposeFieldsDto {
  @ApiProperty({ example: 'Marketing emails', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ example: 'Product news and offers by email, about once a month.', maxLength: 5000 })
  @IsString()
  @Length(1, 5000)
  description: string;

  @ApiProperty({ enum: LAWFUL_BASES, example: 'consent', description: 'Art 6(1)(a)-(f)' })
  @IsIn(LAWFUL_BASES)
  lawfulBasis: LawfulBasis;

  @ApiPropertyOptional({ enum: SPECIAL_CATEGORY_CONDITIONS, nullable: true, example: null, description: 'Art 9(2) condition, for special categories' })
  @IsOptional()
  @IsIn(SPECIAL_CATEGORY_CONDITIONS)
  specialCategoryCondition?: SpecialCategoryCondition | null;

  @ApiProperty({ example: ['contact.email', 'account.preferences'], description: 'Data-category keys from the taxonomy (GET /v1/register/data-categories)' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(CATEGORY, { each: true, message: 'each data category must be a lowercase key such as contact.email' })
  dataCategories: string[];

  @ApiProperty({ example: 'P2Y', description: 'ISO 8601 duration, or the criteria used to decide it', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  retention: string;

  @ApiPropertyOptional({
    default: false,
    example: false,
    description: 'Covered by opt-out preference signals (Global Privacy Control): true for sale or sharing of personal information and targeted advertising',
  })
  @IsOptional()
  @IsBoolean()
  optOutSignal?: boolean;
}

export class CreatePurposeDto extends PurposeFieldsDto {
  @ApiProperty({ example: 'marketing-email', description: 'Stable slug the IAM API sends', pattern: PURPOSE_KEY.source })
  @Matches(PURPOSE_KEY, { message: 'key must be 2-64 lowercase letters, digits, - or _' })
  key: string;
}

export class UpdatePurposeDto {
  @ApiPropertyOptional({ example: 'Marketing emails' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  description?: string;

  @ApiPropertyOptional({ enum: LAWFUL_BASES })
  @IsOptional()
  @IsIn(LAWFUL_BASES)
  lawfulBasis?: LawfulBasis;

  @ApiPropertyOptional({ enum: SPECIAL_CATEGORY_CONDITIONS, nullable: true })
  @IsOptional()
  @IsIn([...SPECIAL_CATEGORY_CONDITIONS, null])
  specialCategoryCondition?: SpecialCategoryCondition | null;

  @ApiPropertyOptional({ example: ['contact.email'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(CATEGORY, { each: true, message: 'each data category must be a lowercase key such as contact.email' })
  dataCategories?: string[];

  @ApiPropertyOptional({ example: 'P3Y' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  retention?: string;

  @ApiPropertyOptional({ example: true, description: 'Covered by opt-out preference signals (Global Privacy Control)' })
  @IsOptional()
  @IsBoolean()
  optOutSignal?: boolean;
}

export class PublishNoticeDto {
  @ApiProperty({ example: '2026-11', description: 'Version label the IAM API sends as noticeVersion', maxLength: 50 })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, { message: 'version must be 1-50 letters, digits, . _ or -' })
  version: string;

  @ApiProperty({ example: 'en', description: 'BCP 47 language tag' })
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP 47 tag such as en or en-GB' })
  language: string;

  @ApiPropertyOptional({ example: 'We will email you product news about once a month. You can stop at any time.', maxLength: 100_000 })
  @ValidateIf((o: PublishNoticeDto) => o.url === undefined || o.text !== undefined)
  @IsString()
  @Length(1, 100_000)
  text?: string;

  @ApiPropertyOptional({ example: 'https://example.com/privacy/marketing-2026-11' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'SHA-256 of the document at url; required with url and no text' })
  @ValidateIf((o: PublishNoticeDto) => o.text === undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'textSha256 must be 64 lowercase hex characters' })
  textSha256?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'When it takes effect (default: now)' })
  @IsOptional()
  @IsDateString({ strict: true })
  effectiveFrom?: string;
}

export class NoticeDto {
  @ApiProperty({ example: '2026-11' }) version: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ nullable: true, type: String }) text: string | null;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) textSha256: string;
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' }) effectiveFrom: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) publishedAt: string;
}

export class PurposeDto {
  @ApiProperty({ example: 'marketing-email' }) key: string;
  @ApiProperty({ example: 'Marketing emails' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: LAWFUL_BASES }) lawfulBasis: LawfulBasis;
  @ApiProperty({ enum: SPECIAL_CATEGORY_CONDITIONS, nullable: true }) specialCategoryCondition: SpecialCategoryCondition | null;
  @ApiProperty({ example: ['contact.email'] }) dataCategories: string[];
  @ApiProperty({ example: 'P2Y' }) retention: string;
  @ApiProperty({ example: false, description: 'Covered by opt-out preference signals (Global Privacy Control)' }) optOutSignal: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2026-11', description: 'The version in force now' }) currentNoticeVersion: string | null;
  @ApiProperty({ type: [NoticeDto] }) notices: NoticeDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class PurposePageDto extends PageMetaDto {
  @ApiProperty({ type: [PurposeDto] }) items: PurposeDto[];
}

export class PurposeTemplateDto {
  @ApiProperty({ example: 'marketing-email' }) key: string;
  @ApiProperty({ example: 'Marketing emails' }) title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: LAWFUL_BASES }) lawfulBasis: LawfulBasis;
  @ApiProperty({ example: ['contact.email'] }) dataCategories: string[];
  @ApiProperty({ example: 'P13M' }) retention: string;
  @ApiProperty({ description: 'Why this lawful basis, for counsel choosing a template' }) note: string;
  @ApiProperty({ description: 'A purpose with this key already exists' }) loaded: boolean;
}

export class PurposeTemplatePageDto extends PageMetaDto {
  @ApiProperty({ type: [PurposeTemplateDto] }) items: PurposeTemplateDto[];
}

export class LoadPurposeTemplateDto {
  @ApiPropertyOptional({ example: 'newsletter', description: 'Key of the purpose to create (default: the template key)', pattern: PURPOSE_KEY.source })
  @ValidateIf((o: LoadPurposeTemplateDto) => o.key !== undefined)
  @Matches(PURPOSE_KEY, { message: 'key must be 2-64 lowercase letters, digits, - or _' })
  key?: string;
}
