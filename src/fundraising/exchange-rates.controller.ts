import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { createdOrExisting } from '../common/reply-status.js';
import {
  CreateExchangeRateDto,
  ListExchangeRatesQueryDto,
  UpdateExchangeRateDto,
} from './dto/exchange-rate.dto.js';
import { ExchangeRatesService, type ExchangeRateView } from './exchange-rates.service.js';

@ApiTags('fundraising')
@ApiBearerAuth()
@Controller('api/organizations/:orgId/exchange-rates')
export class ExchangeRatesController {
  constructor(private readonly rates: ExchangeRatesService) {}

  /** Enter a rate: 201; the same rate again 200; a different rate for the same pair and date 409. */
  @Roles('admin', 'organizer')
  @Post()
  async create(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: CreateExchangeRateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: 'created' | 'existing'; rate: ExchangeRateView }> {
    return createdOrExisting(reply, await this.rates.create(user, orgId, dto));
  }

  /** The organization's rates (its members). */
  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() q: ListExchangeRatesQueryDto,
  ): Promise<Page<ExchangeRateView>> {
    return this.rates.list(user, orgId, q);
  }
}

@ApiTags('fundraising')
@ApiBearerAuth()
@Controller('api/exchange-rates')
export class ExchangeRateController {
  constructor(private readonly rates: ExchangeRatesService) {}

  /** Correct a rate (audit-logged: it changes every tally that used it). */
  @Roles('admin', 'organizer')
  @Patch(':id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateExchangeRateDto,
  ): Promise<ExchangeRateView> {
    return this.rates.update(user, id, dto);
  }
}
