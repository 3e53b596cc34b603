import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LOCALES, type Locale } from '../../common/localized-text.js';
import { unixLineEndings } from '../../common/transforms.js';
import { PublicActionFieldsDto } from '../../supporters/dto/public-action-fields.dto.js';

/**
 * Plain text: trimmed, line breaks normalised, control characters other than newline and tab removed
 * (a NUL would not even fit in PostgreSQL text). Markup is kept as typed and is escaped wherever shown.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function cleanNote(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return unixLineEndings(value).replace(CONTROL, '').trim();
}

export class SignLetterDto extends PublicActionFieldsDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'plain text, when the letter allows a note' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => cleanNote(value))
  @IsString()
  @MaxLength(2000)
  personalNote?: string;

  @ApiPropertyOptional({ description: 'show "first name, city" among recent signers on the public page' })
  @IsOptional()
  @IsBoolean()
  showPublicly?: boolean;
}

export class PublicLetterQueryDto {
  @ApiPropertyOptional({ enum: LOCALES, description: 'else Accept-Language, else the campaign default' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'lang must be en or es' })
  lang?: Locale;
}
