import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { SupporterFilterDto } from '../supporter-filter.js';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../common/money.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { PLEDGE_KINDS, PLEDGE_STATUSES, type PledgeKind, type PledgeStatus } from '../pledges.service.js';
import { PublicActionFieldsDto } from './public-action-fields.dto.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';

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
  @UnixLineEndings()
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

/** An organization's supporter list: paging plus the shared filter (SupporterFilterDto). */
export class ListOrganizationSupportersQueryDto extends IntersectionType(
  PaginationQueryDto,
  SupporterFilterDto,
) {}

export class PledgeIdParam {
  @IsUUID() id: string;
}
