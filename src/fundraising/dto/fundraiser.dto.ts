import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsUrl,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsLocalizedText, type LocalizedText } from '../../common/localized-text.js';
import { IsCurrencyCode, MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { FUNDRAISER_STATUSES, type FundraiserStatus } from '../fundraiser.entity.js';
import { UnixLineEndings } from '../../common/transforms.js';

const titleExample = { en: 'Strike fund', es: 'Fondo de huelga' };

export const GIVING_METHODS = ['link', 'bank', 'oxxo', 'other'] as const;
export type GivingMethod = (typeof GIVING_METHODS)[number];
export const MAX_GIVING_METHODS = 6;

/**
 * One way to give to a fundraiser, in one currency: a payment link, a bank transfer (CLABE, account),
 * an OXXO deposit, or anything else, with its details in English and/or Spanish. A link, details, or
 * both; the same currency may appear more than once (MXN by transfer and by OXXO).
 */
export class GivingMethodDto {
  @ApiProperty({ enum: GIVING_METHODS, example: 'oxxo' })
  @IsIn(GIVING_METHODS, { message: 'method must be one of link, bank, oxxo, other' })
  method: GivingMethod;

  @ApiProperty({ example: 'MXN', description: 'ISO 4217 code of the currency given this way' })
  @IsCurrencyCode()
  currency: string;

  @ApiPropertyOptional({ example: 'https://donate.example.org/strike-fund', description: 'a payment page' })
  @ValidateIf((o: GivingMethodDto) => o.url !== undefined || !o.details)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'url must be an http(s) URL (give a url, details, or both)' },
  )
  @MaxLength(500)
  url?: string;

  @ApiPropertyOptional({
    example: { es: 'Depósito en OXXO a la tarjeta 4152 3136 0000 0000 a nombre de Fondo de Huelga Silao.' },
  })
  @IsOptional()
  @IsLocalizedText(1000)
  details?: LocalizedText;
}

class GivingFields {
  @ApiPropertyOptional({
    type: [GivingMethodDto],
    description: `how to give (at most ${MAX_GIVING_METHODS} ways); an empty list removes them`,
  })
  @IsOptional()
  @IsArray({ message: 'giving must be a list' })
  @ArrayMaxSize(MAX_GIVING_METHODS, { message: `giving has at most ${MAX_GIVING_METHODS} ways` })
  @ValidateNested({ each: true })
  @Type(() => GivingMethodDto)
  giving?: GivingMethodDto[];
}

export class CreateFundraiserDto extends GivingFields {
  @ApiProperty({ example: titleExample })
  @IsLocalizedText(200)
  title: LocalizedText;

  @ApiPropertyOptional({ example: { en: 'Groceries and rent for strikers in Silao.' } })
  @IsOptional()
  @IsLocalizedText(5000)
  @UnixLineEndings()
  description?: LocalizedText;

  @ApiProperty({ type: MoneyDto, description: 'the goal; its currency is the tally’s reporting currency' })
  @IsDefined({ message: 'goal is required' })
  @ValidateNested()
  @Type(() => MoneyDto)
  goal: MoneyDto;

  @ApiPropertyOptional({ example: '2026-06-30T23:59:00-06:00' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'deadline must be an ISO 8601 date or date-time' })
  deadline?: string;
}

export class UpdateFundraiserDto extends GivingFields {
  @ApiPropertyOptional({ example: titleExample })
  @IsOptional()
  @IsLocalizedText(200)
  title?: LocalizedText;

  @ApiPropertyOptional({ description: 'null removes it' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsLocalizedText(5000)
  @UnixLineEndings()
  description?: LocalizedText | null;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  goal?: MoneyDto;

  @ApiPropertyOptional({ description: 'null removes it', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true }, { message: 'deadline must be an ISO 8601 date or date-time' })
  deadline?: string | null;

  @ApiPropertyOptional({ enum: FUNDRAISER_STATUSES, description: 'closed fundraisers leave the public page' })
  @IsOptional()
  @IsIn(FUNDRAISER_STATUSES, { message: 'status must be open or closed' })
  status?: FundraiserStatus;
}

export class ListFundraisersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: FUNDRAISER_STATUSES })
  @IsOptional()
  @IsIn(FUNDRAISER_STATUSES)
  status?: FundraiserStatus;
}
