import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { OptionalCountry, OptionalText } from '../../common/dto-fields.js';
import { LOCALES, type Locale } from '../../common/localized-text.js';
import { Trim } from '../../common/transforms.js';

export const ACTIVITY_ACTIONS = ['signed', 'rsvped', 'attended', 'pledged', 'gave'] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];
export const PLEDGE_KINDS = ['support', 'sign', 'attend', 'volunteer', 'donate', 'share'] as const;

/** One activity: did (or did not) do `action`, on `id` when given, between `from` and `to` when given. */
export class ActivityFilterDto {
  @ApiProperty({ enum: ACTIVITY_ACTIONS, example: 'signed' })
  @IsIn(ACTIVITY_ACTIONS)
  action: ActivityAction;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'signed: a letter action; rsvped/attended: an event; pledged: a campaign; gave: a fundraiser. Any when not given.',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ enum: PLEDGE_KINDS, description: 'pledged only: the kind of pledge' })
  @IsOptional()
  @IsIn(PLEDGE_KINDS)
  kind?: (typeof PLEDGE_KINDS)[number];

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'on or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', description: 'before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** Which supporters: every given part must hold (AND). Only supporters who may get bulletins count. */
export class AudienceFilterDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'a supporter of any of these campaigns',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  campaignIds?: string[];

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @OptionalCountry()
  country?: string;

  @OptionalText(120, 'Guanajuato')
  region?: string;

  @OptionalText(120, 'Silao')
  city?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'tagged with any of these tags' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [ActivityFilterDto], description: 'did every one of these' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ActivityFilterDto)
  did?: ActivityFilterDto[];

  @ApiPropertyOptional({ type: [ActivityFilterDto], description: 'did none of these' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ActivityFilterDto)
  didNot?: ActivityFilterDto[];
}

export class CreateAudienceDto {
  @ApiProperty({ example: 'Spanish speakers in Guanajuato' })
  @Trim()
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ type: AudienceFilterDto })
  @ValidateNested()
  @Type(() => AudienceFilterDto)
  filter: AudienceFilterDto;
}

export class UpdateAudienceDto extends PartialType(CreateAudienceDto) {}

export class AudienceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: AudienceFilterDto }) filter: AudienceFilterDto;
  @ApiProperty() createdAt: Date;
}

export class AudienceCountDto {
  @ApiProperty({ example: 412, description: 'supporters who would get a bulletin sent to it now' })
  count: number;
}
