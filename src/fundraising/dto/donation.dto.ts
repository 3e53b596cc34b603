import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode, MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { SupporterFieldsDto } from '../../supporters/dto/supporter-fields.dto.js';
import {
  DONATION_METHODS,
  DONATION_STATUSES,
  RECORDABLE_DONATION_STATUSES,
  type DonationMethod,
  type DonationStatus,
  type RecordableDonationStatus,
} from '../donation.entity.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';

export class CreateDonationDto {
  @ApiProperty({ type: MoneyDto, example: { amount: '250.00', currency: 'MXN' } })
  @IsDefined({ message: 'amount is required' })
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiProperty({ enum: RECORDABLE_DONATION_STATUSES, example: 'received' })
  @IsIn(RECORDABLE_DONATION_STATUSES, { message: 'status must be received or pledged' })
  status: RecordableDonationStatus;

  @ApiProperty({ enum: DONATION_METHODS, example: 'transfer' })
  @IsIn(DONATION_METHODS, { message: `method must be one of ${DONATION_METHODS.join(', ')}` })
  method: DonationMethod;

  @ApiPropertyOptional({
    example: '2026-03-05T18:30:00-06:00',
    description: 'when it was received (received only; default now). Its UTC date picks the exchange rate.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'receivedAt must be an ISO 8601 date or date-time' })
  receivedAt?: string;

  @ApiPropertyOptional({
    example: 'ch_3PqZ…',
    description: 'a processor’s id, unique per fundraiser: repeating it answers the existing donation (200)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalRef?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  @UnixLineEndings()
  note?: string;

  @ApiPropertyOptional({ type: SupporterFieldsDto, description: 'the donor; absent for an anonymous gift' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SupporterFieldsDto)
  donor?: SupporterFieldsDto;
}

/** Audited corrections: amount, method, date, reference, note. */
export class UpdateDonationDto {
  @ApiPropertyOptional({
    type: MoneyDto,
    example: { amount: '1500.00', currency: 'MXN' },
    description: 'the corrected amount (a typo); the tally follows',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount?: MoneyDto;

  @ApiPropertyOptional({ maxLength: 200, nullable: true, description: 'the processor’s or bank’s reference' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null && v !== '')
  @Trim()
  @IsString()
  @MaxLength(200)
  externalRef?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Trim()
  @IsString()
  @MaxLength(2000)
  @UnixLineEndings()
  note?: string | null;

  @ApiPropertyOptional({ enum: DONATION_METHODS })
  @IsOptional()
  @IsIn(DONATION_METHODS, { message: `method must be one of ${DONATION_METHODS.join(', ')}` })
  method?: DonationMethod;

  @ApiPropertyOptional({ description: 'received or refunded donations only' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'receivedAt must be an ISO 8601 date or date-time' })
  receivedAt?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'why, for the audit log' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  @UnixLineEndings()
  reason?: string;
}

export class RefundDonationDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'why, for the audit log' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  @UnixLineEndings()
  reason?: string;
}

export class ListDonationsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: DONATION_STATUSES })
  @IsOptional()
  @IsIn(DONATION_STATUSES)
  status?: DonationStatus;

  @ApiPropertyOptional({ example: 'MXN' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}
