import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCurrencyCode } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';

const RATE_PATTERN = /^\d{1,12}(\.\d{1,10})?$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class CreateExchangeRateDto {
  @ApiProperty({ example: 'USD' })
  @IsCurrencyCode()
  base: string;

  @ApiProperty({ example: 'MXN' })
  @IsCurrencyCode()
  quote: string;

  @ApiProperty({
    example: '17.2345',
    pattern: RATE_PATTERN.source,
    description: 'units of quote for one unit of base, a positive decimal string (≤ 10 decimals)',
  })
  @IsString({ message: 'rate must be a decimal string such as "17.2345"' })
  @Matches(RATE_PATTERN, { message: 'rate must be a decimal string such as "17.2345"' })
  rate: string;

  @ApiProperty({ example: '2026-03-01', description: 'the date (UTC) from which this rate holds' })
  @IsISO8601({ strict: true }, { message: 'validFrom must be a date such as 2026-03-01' })
  @Matches(DATE_PATTERN, { message: 'validFrom must be a date such as 2026-03-01' })
  validFrom: string;
}

export class UpdateExchangeRateDto {
  @ApiProperty({ example: '17.2400' })
  @IsString({ message: 'rate must be a decimal string such as "17.2345"' })
  @Matches(RATE_PATTERN, { message: 'rate must be a decimal string such as "17.2345"' })
  rate: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'why, for the audit log' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  @UnixLineEndings()
  reason?: string;
}

export class ListExchangeRatesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @IsCurrencyCode()
  base?: string;

  @ApiPropertyOptional({ example: 'MXN' })
  @IsOptional()
  @IsCurrencyCode()
  quote?: string;
}
