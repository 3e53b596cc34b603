import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { createdOrExisting } from '../common/reply-status.js';
import { DonationsService, type DonationView, type RecordResult } from './donations.service.js';
import {
  CreateDonationDto,
  ListDonationsQueryDto,
  RefundDonationDto,
  UpdateDonationDto,
} from './dto/donation.dto.js';

@ApiTags('fundraising')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api')
export class DonationsController {
  constructor(private readonly donations: DonationsService) {}

  /** Record a donation: 201, or 200 with the existing one when its externalRef is already recorded. */
  @Post('fundraisers/:id/donations')
  async record(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateDonationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordResult> {
    return createdOrExisting(reply, await this.donations.record(user, id, dto));
  }

  /** Donations of a fundraiser, newest first, with the donor (staff only). */
  @Get('fundraisers/:id/donations')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListDonationsQueryDto,
  ): Promise<Page<DonationView>> {
    return this.donations.list(user, id, q);
  }

  @Get('donations/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<DonationView> {
    return this.donations.get(user, id);
  }

  /** Audited correction of amount, reference, note, method or receivedAt, with the reason. */
  @Patch('donations/:id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateDonationDto,
  ): Promise<DonationView> {
    return this.donations.update(user, id, dto);
  }

  /** Mark a received donation refunded (kept, audit-logged); repeating it answers the same. */
  @HttpCode(200)
  @Post('donations/:id/refund')
  refund(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RefundDonationDto,
  ): Promise<DonationView> {
    return this.donations.refund(user, id, dto);
  }
}
