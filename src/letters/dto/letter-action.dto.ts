import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsLocalizedText, type LocalizedText } from '../../common/localized-text.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { SLUG_PATTERN } from '../../common/slug.js';
import { LETTER_ACTION_STATUSES, type LetterActionStatus } from '../letter-action.entity.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';

export class CreateLetterActionDto {
  @ApiPropertyOptional({
    example: 'free-union-silao',
    description: 'generated from the title when not given',
  })
  @IsOptional()
  @Trim()
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and single dashes' })
  @MaxLength(80)
  slug?: string;

  @ApiProperty({
    example: { en: 'Protect the independent union', es: 'Protejan al sindicato independiente' },
  })
  @IsLocalizedText(200)
  title: LocalizedText;

  @ApiProperty({ example: { en: 'Enforce the USMCA labor chapter at GM Silao' } })
  @IsLocalizedText(300)
  @UnixLineEndings()
  subject: LocalizedText;

  @ApiProperty({
    example: { en: 'Dear {{target.name}},\n\n…\n\n{{supporter.firstName}}, {{supporter.city}}' },
    description:
      'merge fields: {{target.name}}, {{target.title}}, {{target.organization}}, {{supporter.firstName}}, {{supporter.lastName}}, {{supporter.city}}, {{supporter.region}}, {{supporter.country}}',
  })
  @IsLocalizedText(20000)
  @UnixLineEndings()
  body: LocalizedText;

  @ApiProperty({ type: [String], format: 'uuid', description: 'one or more targets from /api/targets' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  targetIds: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  allowPersonalNote?: boolean;

  @ApiPropertyOptional({ example: '2026-09-01T00:00:00Z', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  deadline?: string | null;

  @ApiPropertyOptional({ example: 10000, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  signatureGoal?: number | null;
}

export class UpdateLetterActionDto extends PartialType(CreateLetterActionDto) {
  @ApiPropertyOptional({
    enum: LETTER_ACTION_STATUSES,
    description: 'open to take signatures, closed to stop',
  })
  @IsOptional()
  @IsIn(LETTER_ACTION_STATUSES, { message: 'status must be draft, open or closed' })
  status?: LetterActionStatus;
}

export class ListLetterActionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: LETTER_ACTION_STATUSES })
  @IsOptional()
  @IsIn(LETTER_ACTION_STATUSES)
  status?: LetterActionStatus;
}
