import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { LOCALES, type Locale } from '../../common/localized-text.js';
import { E164, toE164 } from '../../common/phone.js';
import { Trim, LowerTrim } from '../../common/transforms.js';
import { OptionalText, OptionalCountry } from '../../common/dto-fields.js';

const ZONES = new Set(Intl.supportedValuesOf('timeZone'));
ZONES.add('UTC');

export function isIanaZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 64) return false;
  if (ZONES.has(value)) return true;
  try {
    // Aliases Intl knows but does not list (America/Mexico_City is listed; e.g. US/Eastern is not).
    return (
      new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone.length > 0 &&
      value.includes('/')
    );
  } catch {
    return false;
  }
}

/** E.164 after {@link toE164} (a number that does not read stays as typed, for this to refuse). */
export function IsPhoneE164(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPhoneE164',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be a valid phone number (with the country code, or of the form's country)`,
        ...options,
      },
      validator: { validate: (v: unknown) => typeof v === 'string' && E164.test(v) },
    });
}

export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) => `${property} must be an IANA time zone such as America/Mexico_City`,
        ...options,
      },
      validator: { validate: isIanaZone },
    });
}

/**
 * The supporter fields every public form sends, flat (docs/reference.md, "API overview"). Validation codes are
 * class-validator's rule names (`isEmail`, `maxLength`, …), stable so pages can translate them.
 */
export class SupporterFieldsDto {
  @ApiProperty({ example: 'ana@example.org' })
  @LowerTrim()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Ana' })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'firstName is required' })
  @MaxLength(100)
  firstName: string;

  @OptionalText(100, 'Peña')
  lastName?: string;

  @OptionalText(100, 'Querétaro')
  city?: string;

  @OptionalText(100, 'Querétaro')
  region?: string;

  @OptionalCountry('MX')
  country?: string;

  @OptionalText(12, '76000')
  @Matches(/^[A-Za-z0-9 -]*$/, { message: 'postalCode may hold letters, digits, spaces and dashes' })
  postalCode?: string;

  @ApiPropertyOptional({ enum: LOCALES, description: "the supporter's language for pages and email" })
  @IsOptional()
  @IsIn(LOCALES, { message: 'locale must be en or es' })
  locale?: Locale;

  @ApiPropertyOptional({ example: 'America/Mexico_City' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    description: 'true records consent to campaign email (withdrawn only by unsubscribing)',
  })
  @IsOptional()
  @IsBoolean()
  consentEmail?: boolean;

  @ApiPropertyOptional({
    example: '+524771234567',
    description:
      'optional phone; E.164, or as typed and read with `country` as the default (stored as E.164)',
  })
  @IsOptional()
  @Transform(({ value, obj }: { value: unknown; obj: Record<string, unknown> }) =>
    typeof value === 'string'
      ? (toE164(value.slice(0, 40), typeof obj.country === 'string' ? obj.country : null) ?? value.trim())
      : value,
  )
  @IsPhoneE164()
  phone?: string;

  @ApiPropertyOptional({ description: 'true: consents to campaign calls and text messages at `phone`' })
  @IsOptional()
  @IsBoolean()
  consentPhone?: boolean;

  @ApiPropertyOptional({ description: 'true: consents to campaign WhatsApp messages at `phone`' })
  @IsOptional()
  @IsBoolean()
  consentWhatsapp?: boolean;
}
