import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { CreateFundraiserDto, ListFundraisersQueryDto, UpdateFundraiserDto } from './dto/fundraiser.dto.js';
import { FundraisersService, type FundraiserView } from './fundraisers.service.js';
import type { Tally } from './tally.service.js';

@ApiTags('fundraising')
@ApiBearerAuth()
@Controller('api')
export class FundraisersController {
  constructor(private readonly fundraisers: FundraisersService) {}

  /** Open a fundraiser (organizers of the campaign, admins). */
  @Roles('admin', 'organizer')
  @Post('campaigns/:id/fundraisers')
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateFundraiserDto,
  ): Promise<FundraiserView> {
    return this.fundraisers.create(user, id, dto);
  }

  /** Fundraisers of a campaign (members), oldest first. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('campaigns/:id/fundraisers')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListFundraisersQueryDto,
  ): Promise<Page<FundraiserView>> {
    return this.fundraisers.list(user, id, q);
  }

  @Roles('admin', 'organizer', 'coordinator')
  @Get('fundraisers/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<FundraiserView> {
    return this.fundraisers.get(user, id);
  }

  /** Edit texts, goal, deadline; `status: closed` takes it off the public page. */
  @Roles('admin', 'organizer')
  @Patch('fundraisers/:id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateFundraiserDto,
  ): Promise<FundraiserView> {
    return this.fundraisers.update(user, id, dto);
  }

  /** Totals per original currency, donors, and the converted total in the goal currency. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('fundraisers/:id/tally')
  tally(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<Tally> {
    return this.fundraisers.tally(user, id);
  }
}
