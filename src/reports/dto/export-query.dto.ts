import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { LOCALES, type Locale } from '../../common/localized-text.js';

export class ExportQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'only rows created at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be a date such as 2026-03-01' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'only rows created before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be a date such as 2026-04-01' })
  to?: Date;

  @ApiPropertyOptional({ enum: LOCALES, default: 'en', description: 'language of the column headers' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'lang must be en or es' })
  lang?: Locale;

  @ApiPropertyOptional({
    default: true,
    description: 'CSV only: start with a UTF-8 BOM so Excel reads accents',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsBoolean({ message: 'bom must be true or false' })
  bom?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'signatures: one letter action' })
  @IsOptional()
  @IsUUID()
  actionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'signatures: actions addressed to this target' })
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'rsvps: one event' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'donations: one fundraiser' })
  @IsOptional()
  @IsUUID()
  fundraiserId?: string;

  @ApiPropertyOptional({
    description: 'pledges: open|fulfilled; rsvps: going|waitlisted|…; donations: received|pledged|refunded',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  status?: string;
}
