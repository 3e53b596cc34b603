import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsISO8601,
  IsOptional,
  IsUUID,
  Matches,
  ValidateIf,
} from 'class-validator';
import { IsLocalizedText, type LocalizedText } from '../../common/localized-text.js';
import { LowerTrim } from '../../common/transforms.js';

export const BULLETIN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];

const BODY_DESCRIPTION =
  'Markdown (raw HTML is shown as text). Merge field: {{supporter.firstName}}, with an optional fallback: {{supporter.firstName | amiga}}';

export class CreateBulletinDto {
  @ApiProperty({ example: { en: 'News from Silao, {{supporter.firstName}}', es: 'Noticias de Silao' } })
  @IsLocalizedText(200)
  subject: LocalizedText;

  @ApiProperty({
    example: {
      en: 'Hi {{supporter.firstName | friend}},\n\n**The vote is on.**',
      es: 'Hola, {{supporter.firstName | compa}}:',
    },
    description: BODY_DESCRIPTION,
  })
  @IsLocalizedText(100_000)
  body: LocalizedText;

  @ApiPropertyOptional({ format: 'uuid', description: 'the saved audience it goes to (required to send)' })
  @IsOptional()
  @IsUUID()
  audienceId?: string;

  @ApiPropertyOptional({
    example: '2026-12-07T15:00:00Z',
    nullable: true,
    description: 'send at this time; with localTime, only its date counts (in the organization’s zone)',
  })
  @IsOptional()
  @ValidateIf((_: unknown, v: unknown) => v !== null)
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;

  @ApiPropertyOptional({
    example: '09:00',
    nullable: true,
    description: 'send at this time of day in each recipient’s own zone, on the date of scheduledAt',
  })
  @IsOptional()
  @ValidateIf((_: unknown, v: unknown) => v !== null)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'localTime must be a time of day such as 09:00' })
  localTime?: string | null;
}

export class UpdateBulletinDto {
  @ApiPropertyOptional({ example: { en: 'News from Silao' } })
  @IsOptional()
  @IsLocalizedText(200)
  subject?: LocalizedText;

  @ApiPropertyOptional({ description: BODY_DESCRIPTION })
  @IsOptional()
  @IsLocalizedText(100_000)
  body?: LocalizedText;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  audienceId?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_: unknown, v: unknown) => v !== null)
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '09:00' })
  @IsOptional()
  @ValidateIf((_: unknown, v: unknown) => v !== null)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'localTime must be a time of day such as 09:00' })
  localTime?: string | null;
}

export class TestSendDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['organizer@example.org'],
    description: 'staff of the organization only; your own address when not given',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @LowerTrim()
  @IsEmail({}, { each: true })
  to?: string[];
}

export class BulletinStatsDto {
  @ApiProperty({ description: 'recipients in the snapshot taken when sending started' }) audience: number;
  @ApiProperty() sent: number;
  @ApiProperty() failed: number;
  @ApiProperty() bounced: number;
  @ApiProperty({ description: 'no longer eligible when their turn came (unsubscribed, erased…)' })
  skipped: number;
  @ApiProperty() remaining: number;
  @ApiProperty({ description: 'unsubscribed after this bulletin was the last one they got' })
  unsubscribed: number;
  @ApiProperty({ nullable: true, description: 'seconds left at the configured rate' })
  etaSeconds: number | null;
}

export class BulletinDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) audienceId: string | null;
  @ApiProperty() subject: LocalizedText;
  @ApiProperty() body: LocalizedText;
  @ApiProperty({ enum: BULLETIN_STATUSES }) status: BulletinStatus;
  @ApiProperty({ nullable: true }) scheduledAt: Date | null;
  @ApiProperty({ nullable: true, example: '2026-12-07' }) localDate: string | null;
  @ApiProperty({ nullable: true, example: '09:00' }) localTime: string | null;
  @ApiProperty({ nullable: true }) startedAt: Date | null;
  @ApiProperty({ nullable: true }) finishedAt: Date | null;
  @ApiProperty({ nullable: true }) audienceCount: number | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ type: BulletinStatsDto }) stats?: BulletinStatsDto;
}

export class TestSendResultDto {
  @ApiProperty({ example: 2, description: 'test mails sent (one per language and address)' })
  sent: number;
}
