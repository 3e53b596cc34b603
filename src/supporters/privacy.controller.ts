import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { PublicReadQueryDto } from '../campaigns/dto/campaign.dto.js';
import { PrivacyService } from './privacy.service.js';
import { SupporterUpdatesService } from './supporter-updates.service.js';

export class DataRequestDto {
  @ApiProperty({ example: 'ana@example.org' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;
}

/** The one answer of every public submission (`{status: "received", …}`; DESIGN.md, API shape). */
const DATA_REQUEST_ANSWER = {
  status: 'received',
  message:
    'If we hold data for this address, a link to see or erase it has been sent there. It works for 24 hours.',
} as const;

@ApiTags('public')
@Controller('api/public')
export class PublicPrivacyController {
  constructor(
    private readonly privacy: PrivacyService,
    private readonly updates: SupporterUpdatesService,
  ) {}

  /** What an "update my details" link (mailed to a known supporter after a form) would change. */
  @Public()
  @Get('supporters/updates/:token')
  pendingUpdate(@Param('token') token: string, @Query() q: PublicReadQueryDto) {
    return this.updates.view(token, q.lang ?? 'en');
  }

  /** Apply it (once). */
  @PublicSubmission()
  @Post('supporters/updates/:token/apply')
  @HttpCode(200)
  applyUpdate(@Param('token') token: string) {
    return this.updates.apply(token);
  }

  /** Whether the supporter behind an unsubscribe link still receives campaign email. Changes nothing. */
  @Public()
  @Get('unsubscribe/:token')
  status(@Param('token') token: string) {
    return this.privacy.unsubscribeStatus(token);
  }

  /** Confirm unsubscribing (a POST, so mail scanners that fetch links unsubscribe nobody). */
  @PublicSubmission()
  @Post('unsubscribe/:token')
  @HttpCode(200)
  unsubscribe(@Param('token') token: string) {
    return this.privacy.unsubscribe(token);
  }

  /** Ask for your data: always 202 with the same body, known email or not. */
  @PublicSubmission()
  @Post('supporters/data-requests')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the same answer for known and unknown emails' })
  async request(@Body() dto: DataRequestDto): Promise<typeof DATA_REQUEST_ANSWER> {
    await this.privacy.requestData(dto.email);
    return DATA_REQUEST_ANSWER;
  }

  /** Everything held about you (from the emailed link). */
  @Public()
  @Get('supporters/data/:token')
  data(@Param('token') token: string) {
    return this.privacy.export(token);
  }

  /** Erase your data (from the emailed link). */
  @PublicSubmission()
  @Post('supporters/data/:token/erase')
  @HttpCode(200)
  erase(@Param('token') token: string) {
    return this.privacy.eraseByToken(token);
  }

  /** Unsubscribe from every organization's mail at once (from the emailed data link). */
  @PublicSubmission()
  @Post('supporters/data/:token/unsubscribe-all')
  @HttpCode(200)
  unsubscribeAll(@Param('token') token: string) {
    return this.privacy.unsubscribeAllByToken(token);
  }
}

@ApiTags('supporters')
@ApiBearerAuth()
@Controller('api/supporters')
export class AdminPrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  /** An admin erases a supporter (e.g. on a request received by post). Audit-logged. */
  @Roles('admin')
  @Post(':id/erase')
  @HttpCode(200)
  async erase(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<{ erased: true }> {
    await this.privacy.erase(id, user.id);
    return { erased: true };
  }
}
