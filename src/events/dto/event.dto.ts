import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsLocalizedText, LOCALES, type Locale, type LocalizedText } from '../../common/localized-text.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { SLUG_PATTERN } from '../../common/slug.js';
import { IsIanaTimeZone } from '../../supporters/dto/supporter-fields.dto.js';
import { EVENT_KINDS, EVENT_STATUSES, type EventKind, type EventStatus } from '../event.entity.js';
import { Trim, UnixLineEndings } from '../../common/transforms.js';
import { OptionalCountry, OptionalText } from '../../common/dto-fields.js';

export class CreateEventDto {
  @ApiPropertyOptional({ example: 'picket-gm-hq', description: 'generated from the title when not given' })
  @IsOptional()
  @Trim()
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and single dashes' })
  @MaxLength(80)
  slug?: string;

  @ApiProperty({ example: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' } })
  @IsLocalizedText(200)
  title: LocalizedText;

  @ApiPropertyOptional({ example: { en: 'Bring signs.', es: 'Trae carteles.' } })
  @IsOptional()
  @IsLocalizedText(5000)
  @UnixLineEndings()
  description?: LocalizedText;

  @ApiProperty({ enum: EVENT_KINDS })
  @IsIn(EVENT_KINDS, { message: `kind must be one of ${EVENT_KINDS.join(', ')}` })
  kind: EventKind;

  @OptionalText(200, 'GM Renaissance Center')
  venue?: string;

  @OptionalText(300, '300 Renaissance Center')
  address?: string;

  @OptionalText(100, 'Detroit')
  city?: string;

  @OptionalText(100, 'Michigan')
  region?: string;

  @OptionalCountry('US')
  country?: string;

  @ApiPropertyOptional({ example: 'https://meet.example.org/solidaridad' })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'onlineUrl must be an http(s) URL' },
  )
  @MaxLength(500)
  onlineUrl?: string;

  @ApiProperty({ example: '2026-03-14T16:00:00Z', description: 'an instant (ISO 8601 with offset)' })
  @IsISO8601({ strict: true }, { message: 'startsAt must be an ISO 8601 date-time' })
  startsAt: string;

  @ApiPropertyOptional({ example: '2026-03-14T18:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 date-time' })
  endsAt?: string;

  @ApiProperty({ example: 'America/Detroit', description: 'IANA zone the event is shown in' })
  @IsIanaTimeZone()
  timezone: string;

  @ApiPropertyOptional({ example: 50, description: 'seats including guests; none = unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  capacity?: number | null;

  @ApiPropertyOptional({ example: '2026-03-13T23:59:00Z' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true }, { message: 'rsvpDeadline must be an ISO 8601 date-time' })
  rsvpDeadline?: string | null;

  @ApiPropertyOptional({ example: [1440, 120], description: 'minutes before the start; default [1440, 120]' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsInt({ each: true })
  @Min(5, { each: true })
  @Max(60 * 24 * 30, { each: true })
  reminderOffsetsMinutes?: number[];

  @ApiPropertyOptional({ description: 'public page shows only the city until the supporter is going' })
  @IsOptional()
  @IsBoolean()
  hideAddressUntilRsvp?: boolean;

  @ApiPropertyOptional({
    description: 'RSVPs are pending (holding no seat) until a coordinator approves them; hides the address',
  })
  @IsOptional()
  @IsBoolean()
  requireApproval?: boolean;

  @ApiPropertyOptional({
    example: 12,
    description:
      'the address (venue, address, online link) goes only into mails to going supporters sent this many hours before the start or later; never on a page, in JSON or an .ics',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(720)
  revealAddressHoursBefore?: number | null;
}

export class UpdateEventDto extends PartialType(OmitType(CreateEventDto, ['slug'] as const)) {
  @ApiPropertyOptional({ example: 'picket-gm-hq' })
  @IsOptional()
  @Trim()
  @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and single dashes' })
  @MaxLength(80)
  slug?: string;

  @ApiPropertyOptional({ enum: EVENT_STATUSES, description: 'scheduled → cancelled | completed' })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: EventStatus;

  @ApiPropertyOptional({ description: 'a word to attendees, in the cancellation notice' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  @UnixLineEndings()
  note?: string;
}

export class ListEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: EVENT_STATUSES })
  @IsOptional()
  @IsIn(EVENT_STATUSES)
  status?: EventStatus;

  @ApiPropertyOptional({ description: 'only events that have not started yet' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  upcoming?: boolean;
}

export class EventPublicQueryDto {
  @ApiPropertyOptional({ enum: LOCALES, description: 'else Accept-Language, else the campaign default' })
  @IsOptional()
  @IsIn(LOCALES, { message: 'lang must be en or es' })
  lang?: Locale;
}
