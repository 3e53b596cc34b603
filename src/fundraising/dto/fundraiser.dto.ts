import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import { IsLocalizedText, type LocalizedText } from '../../common/localized-text.js';
import { MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { FUNDRAISER_STATUSES, type FundraiserStatus } from '../fundraiser.entity.js';
import { UnixLineEndings } from '../../common/transforms.js';

const titleExample = { en: 'Strike fund', es: 'Fondo de huelga' };

export class CreateFundraiserDto {
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

export class UpdateFundraiserDto {
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
