import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsLocalizedText, LOCALES, type Locale, type LocalizedText } from '../../common/localized-text.js';
import { MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { SLUG_PATTERN } from '../../common/slug.js';
import { CAMPAIGN_STATUSES, SECTORS, type CampaignStatus, type Sector } from '../campaign.entity.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';
import { OptionalText, OptionalCountry } from '../../common/dto-fields.js';

const localizedExample = { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' };

export class GoalsDto {
  @ApiPropertyOptional({ example: 5000, description: 'pledges to reach' })
  @IsOptional()
  @IsInt()
  @Min(1)
  pledges?: number;

  @ApiPropertyOptional({ example: 10000, description: 'letter signatures to reach' })
  @IsOptional()
  @IsInt()
  @Min(1)
  signatures?: number;

  @ApiPropertyOptional({ type: MoneyDto, description: 'money to raise, in the reporting currency' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  money?: MoneyDto;
}

export class CreateCampaignDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the organization that runs it; may be left out by an organizer of exactly one organization',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'organizationId must be an organization id' })
  organizationId?: string;

  @ApiPropertyOptional({ example: 'gm-silao', description: 'generated from the title when not given' })
  @IsOptional()
  @Trim()
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and single dashes' })
  @MaxLength(80)
  slug?: string;

  @ApiProperty({ example: localizedExample })
  @IsLocalizedText(200)
  title: LocalizedText;

  @ApiPropertyOptional({ example: { en: 'Workers at the Silao plant are winning an independent union.' } })
  @IsOptional()
  @IsLocalizedText(1000)
  @UnixLineEndings()
  summary?: LocalizedText;

  @ApiPropertyOptional({ description: 'the story, plain text with blank lines between paragraphs' })
  @IsOptional()
  @IsLocalizedText(20000)
  @UnixLineEndings()
  body?: LocalizedText;

  @ApiPropertyOptional({ enum: SECTORS, default: 'other' })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @OptionalText(200, 'General Motors')
  employer?: string;

  @OptionalText(200, 'Complejo de Silao')
  workplace?: string;

  @OptionalText(100, 'Silao')
  city?: string;

  @OptionalText(100, 'Guanajuato')
  region?: string;

  @OptionalCountry('MX')
  country?: string;

  @OptionalText(200, 'SINTTIA')
  union?: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'defaultLocale must be en or es' })
  defaultLocale?: Locale;

  @ApiPropertyOptional({ type: GoalsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GoalsDto)
  goals?: GoalsDto;

  @ApiPropertyOptional({ example: '2026-03-01' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'startsOn must be a date such as 2026-03-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startsOn must be a date such as 2026-03-01' })
  startsOn?: string;

  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'endsOn must be a date such as 2026-12-31' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'endsOn must be a date such as 2026-12-31' })
  endsOn?: string;
}

export class UpdateCampaignDto extends PartialType(
  OmitType(CreateCampaignDto, ['title', 'organizationId'] as const),
) {
  @ApiPropertyOptional({ example: localizedExample })
  @IsOptional()
  @IsLocalizedText(200)
  title?: LocalizedText;

  @ApiPropertyOptional({
    enum: CAMPAIGN_STATUSES,
    description:
      'moves the lifecycle: draft → active → won | lost → archived; won, lost and archived reopen to active',
  })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({
    description:
      'archived campaigns only: true hides it from the lists (GET /api/campaigns?hidden=true shows them), false shows it again',
  })
  @IsOptional()
  @IsBoolean()
  hidden?: boolean;
}

export class ListCampaignsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only this organization’s campaigns' })
  @IsOptional()
  @IsUUID(undefined, { message: 'organizationId must be an organization id' })
  organizationId?: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({
    description: 'true: only hidden (archived) campaigns; false: only the others; absent: all',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
  )
  @IsBoolean({ message: 'hidden must be true or false' })
  hidden?: boolean;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiPropertyOptional({ description: 'text search in the titles (either language)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class PublicReadQueryDto {
  @ApiPropertyOptional({ enum: LOCALES, description: 'else Accept-Language, else the campaign default' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'lang must be en or es' })
  lang?: Locale;
}
