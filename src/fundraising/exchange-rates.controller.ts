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
@Controller('api/exchange-rates')
export class ExchangeRatesController {
  constructor(private readonly rates: ExchangeRatesService) {}

  /** Enter a rate: 201; the same rate again 200; a different rate for the same pair and date 409. */
  @Roles('admin', 'organizer')
  @Post()
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateExchangeRateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: 'created' | 'existing'; rate: ExchangeRateView }> {
    return createdOrExisting(reply, await this.rates.create(user, dto));
  }

  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(@Query() q: ListExchangeRatesQueryDto): Promise<Page<ExchangeRateView>> {
    return this.rates.list(q);
  }

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
