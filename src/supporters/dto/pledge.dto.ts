import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { LOCALES, type Locale } from '../../common/localized-text.js';
import { MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { PLEDGE_KINDS, PLEDGE_STATUSES, type PledgeKind, type PledgeStatus } from '../pledges.service.js';
import { PublicActionFieldsDto } from './public-action-fields.dto.js';
import { Trim, UpperTrim } from '../../common/transforms.js';

export class CreatePledgeDto extends PublicActionFieldsDto {
  @ApiProperty({ enum: PLEDGE_KINDS, example: 'support' })
  @IsIn(PLEDGE_KINDS, { message: `kind must be one of ${PLEDGE_KINDS.join(', ')}` })
  kind: PledgeKind;

  @ApiPropertyOptional({ type: MoneyDto, description: 'for kind donate: how much they intend to give' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount?: MoneyDto;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  message?: string;
}

export class ListPledgesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: PLEDGE_KINDS })
  @IsOptional()
  @IsIn(PLEDGE_KINDS)
  kind?: PledgeKind;

  @ApiPropertyOptional({ enum: PLEDGE_STATUSES })
  @IsOptional()
  @IsIn(PLEDGE_STATUSES)
  status?: PledgeStatus;
}

export class ListSupportersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'name, email or city contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

/** An organization's supporter list: search plus campaign, language and country filters. */
export class ListOrganizationSupportersQueryDto extends ListSupportersQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ example: 'MX' })
  @IsOptional()
  @UpperTrim()
  @IsISO31661Alpha2()
  country?: string;
}

export class PledgeIdParam {
  @IsUUID() id: string;
}
