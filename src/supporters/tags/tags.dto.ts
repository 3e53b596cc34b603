import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Trim } from '../../common/transforms.js';
import { SupporterFilterDto } from '../supporter-filter.js';

export const TAG_NAME_MAX = 60;

export class TagNameDto {
  @ApiProperty({ example: 'Guanajuato', maxLength: TAG_NAME_MAX })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(TAG_NAME_MAX)
  name: string;
}

export const TAG_ACTIONS = ['add', 'remove'] as const;
export type TagAction = (typeof TAG_ACTIONS)[number];

/** Tag (or untag) many supporters at once: the ones named, or all that match a filter. */
export class BulkTagDto {
  @ApiProperty({
    example: 'volunteer',
    maxLength: TAG_NAME_MAX,
    description: 'the tag’s name (any case); adding creates it when the organization has none by that name',
  })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'tag is required' })
  @MaxLength(TAG_NAME_MAX)
  tag: string;

  @ApiProperty({ enum: TAG_ACTIONS })
  @IsIn(TAG_ACTIONS, { message: 'action must be add or remove' })
  action: TagAction;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'these supporters (or give filter)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @IsUUID('all', { each: true })
  supporterIds?: string[];

  @ApiPropertyOptional({ type: SupporterFilterDto, description: 'every supporter this filter lists' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SupporterFilterDto)
  filter?: SupporterFilterDto;
}

export class TagOneDto {
  @ApiProperty({ example: 'volunteer', maxLength: TAG_NAME_MAX })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'tag is required' })
  @MaxLength(TAG_NAME_MAX)
  tag: string;
}
