import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { PublicSubmission } from '../common/public-submission.js';
import { CreatePledgeDto, ListPledgesQueryDto } from './dto/pledge.dto.js';
import { PledgesService, type PledgeView, type PublicPledgeResult } from './pledges.service.js';

@ApiTags('public')
@Controller('api/public/campaigns/:slug/pledges')
export class PublicPledgesController {
  constructor(private readonly pledges: PledgesService) {}

  /**
   * Pledge: always 201 `{"status": "received"}` — the same for a first pledge, a repeat (still one row)
   * and a known or unknown email. Active campaigns only (409).
   */
  @PublicSubmission()
  @Post()
  @HttpCode(201)
  pledge(@Param('slug') slug: string, @Body() dto: CreatePledgeDto): Promise<PublicPledgeResult> {
    return this.pledges.pledge(slug, dto);
  }
}

@ApiTags('supporters')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api')
export class PledgesController {
  constructor(private readonly pledges: PledgesService) {}

  /** Pledges of a campaign, by kind and state (open / fulfilled). */
  @Get('campaigns/:id/pledges')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListPledgesQueryDto,
  ): Promise<Page<PledgeView>> {
    return this.pledges.list(user, id, q);
  }

  /** Mark a pledge done by hand (volunteer, share, support have no automatic signal). */
  @Post('pledges/:id/fulfil')
  fulfil(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<PledgeView> {
    return this.pledges.markFulfilled(user, id);
  }
}
