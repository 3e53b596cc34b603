import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';
import { SupporterFieldsDto } from '../../supporters/dto/supporter-fields.dto.js';
import { PublicActionFieldsDto } from '../../supporters/dto/public-action-fields.dto.js';
import { RSVP_STATUSES, type RsvpStatus } from '../rsvp.entity.js';

export class CreateRsvpDto extends PublicActionFieldsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 5, default: 0, description: 'people coming along' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  guests?: number;
}

export class UpdateRsvpDto {
  @ApiProperty({ minimum: 0, maximum: 5 })
  @IsInt()
  @Min(0)
  @Max(5)
  guests: number;
}

export class SelfCheckInDto {
  @ApiProperty({ example: 'K7Q2XM', description: "the event's code shown at the venue" })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @IsString()
  @Matches(/^[A-Z0-9]{6}$/, { message: 'code must be the 6 letters and digits shown at the venue' })
  code: string;
}

/** Either `{rsvpId}` or a walk-in's supporter fields (email and firstName then required). */
export class StaffCheckInDto extends PartialType(SupporterFieldsDto) {
  @ApiPropertyOptional({ description: 'the RSVP to check in; leave out for a walk-in' })
  @IsOptional()
  @IsUUID()
  rsvpId?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 5, description: "a walk-in's guests" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  guests?: number;
}

export class ListRsvpsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'first or last name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ enum: RSVP_STATUSES })
  @IsOptional()
  @IsIn(RSVP_STATUSES)
  status?: RsvpStatus;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  checkedIn?: boolean;
}
