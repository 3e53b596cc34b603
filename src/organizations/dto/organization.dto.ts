import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MEMBER_ROLES, type MemberRole } from '../../auth/membership.entity.js';
import { MIN_PASSWORD_LENGTH } from '../../auth/password.js';
import { OptionalCountry } from '../../common/dto-fields.js';
import { LOCALES, type Locale } from '../../common/localized-text.js';
import { SLUG_PATTERN } from '../../common/slug.js';
import { LowerTrim, Trim } from '../../common/transforms.js';
import { IsIanaTimeZone } from '../../supporters/dto/supporter-fields.dto.js';

/** An origin as sent in CSP: http(s), host, optional port; nothing else (no path, quote or space). */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/;

/** "https://Union.example/campaigns/" → "https://union.example"; anything that is no URL stays, to be refused. */
export function toOrigin(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return value;
    if (u.username || u.password || u.search || u.hash) return value;
    if (u.pathname !== '/' && u.pathname !== '') return value;
    return u.origin;
  } catch {
    return value;
  }
}

const blankToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() || null : value;

export class CreateOrganizationDto {
  @ApiPropertyOptional({ example: 'comite-gm-silao', description: 'generated from the name when not given' })
  @IsOptional()
  @Trim()
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and single dashes' })
  @MaxLength(80)
  slug?: string;

  @ApiProperty({ example: 'Comité de Solidaridad GM Silao' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'defaultLocale must be en or es' })
  defaultLocale?: Locale;

  @OptionalCountry('MX')
  country?: string;

  @ApiPropertyOptional({ example: 'America/Mexico_City', description: 'IANA zone for schedules and digests' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    example: 'Comité de Solidaridad GM Silao',
    description: 'the name its mail comes from (the address is MAIL_FROM’s)',
  })
  @IsOptional()
  @Transform(blankToNull)
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(120)
  senderName?: string | null;

  @ApiPropertyOptional({ example: 'comite@example.org', description: 'where replies to its mail go' })
  @IsOptional()
  @Transform(blankToNull)
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'replyTo must be an email address' })
  @MaxLength(254)
  replyTo?: string | null;
}

export class UpdateOrganizationDto extends PartialType(CreateOrganizationDto) {
  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['https://union.example', 'https://news.example:8443'],
    description:
      "sites allowed to embed this organization's forms (sent as CSP frame-ancestors on /embed/ pages); " +
      'each an http(s) origin: scheme, host and optional port, no path',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(toOrigin) : value))
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(ORIGIN, { each: true, message: 'each embed origin must look like https://example.org' })
  embedOrigins?: string[];
}

export class AddMemberDto {
  @ApiProperty({ example: 'maria@example.org', description: 'an unknown email gets an invitation mail' })
  @LowerTrim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES, { message: 'role must be organizer or coordinator' })
  role: MemberRole;
}

/** Campaign membership: by email (preferred; an unknown email is invited) or by a staff account's id. */
export class PutCampaignMemberDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf((o: PutCampaignMemberDto) => o.email === undefined)
  @IsUUID(undefined, { message: 'userId must be a staff account id (or give email)' })
  userId?: string;

  @ApiPropertyOptional({ example: 'maria@example.org' })
  @IsOptional()
  @LowerTrim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES, { message: 'role must be organizer or coordinator' })
  role: MemberRole;
}

export class AcceptInvitationDto {
  @ApiPropertyOptional({ example: 'María López', description: 'needed when the email has no account yet' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(1000)
  password: string;
}
