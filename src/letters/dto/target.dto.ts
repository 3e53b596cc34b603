import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsLocalizedText, LOCALES, type Locale, type LocalizedText } from '../../common/localized-text.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { TARGET_KINDS, type TargetKind } from '../target.entity.js';
import { OptionalCountry } from '../../common/dto-fields.js';
import { UnixLineEndings } from '../../common/transforms.js';

/** '' clears an optional field (PATCH): it becomes null. */
const blankToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() || null : value;

/** A plain string is taken as written in the target's language (`locale`, else English). */
const textToLocalized = ({ value, obj }: { value: unknown; obj: { locale?: unknown } }) => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text) return null;
  return { [obj.locale === 'es' ? 'es' : 'en']: text };
};

export class CreateTargetDto {
  @ApiProperty({
    example: { en: 'Secretary of Labor', es: 'Titular del Departamento del Trabajo de EE. UU.' },
    description: 'LocalizedText; a plain string is taken as written in the target’s language',
  })
  @Transform(textToLocalized)
  @IsLocalizedText(200)
  name: LocalizedText;

  @ApiPropertyOptional({ example: { en: 'Ambassador', es: 'Embajadora' } })
  @IsOptional()
  @Transform(textToLocalized)
  @ValidateIf((_, v) => v !== null)
  @IsLocalizedText(200)
  title?: LocalizedText | null;

  @ApiPropertyOptional({ example: 'Office of the United States Trade Representative' })
  @IsOptional()
  @Transform(blankToNull)
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  organization?: string | null;

  @ApiPropertyOptional({ enum: TARGET_KINDS, default: 'government' })
  @IsOptional()
  @IsIn(TARGET_KINDS, { message: `kind must be one of ${TARGET_KINDS.join(', ')}` })
  kind?: TargetKind;

  @OptionalCountry('US', { nullable: true })
  country?: string | null;

  @ApiPropertyOptional({ description: 'where email deliveries go' })
  @IsOptional()
  @Transform(blankToNull)
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ example: '600 17th Street NW\nWashington, DC 20508' })
  @IsOptional()
  @Transform(blankToNull)
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(1000)
  @UnixLineEndings()
  postalAddress?: string | null;

  @ApiPropertyOptional({ enum: LOCALES, description: 'the language letters are delivered in' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or es' })
  locale?: Locale;
}

export class UpdateTargetDto extends PartialType(CreateTargetDto) {}

export class ListTargetsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'name or organization contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: TARGET_KINDS })
  @IsOptional()
  @IsIn(TARGET_KINDS)
  kind?: TargetKind;

  @OptionalCountry('MX')
  country?: string;

  @ApiPropertyOptional({
    description: 'on an organization’s list: also the starter library (what its letters may use)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  library?: boolean;
}
