import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { ListOrganizationSupportersQueryDto, ListSupportersQueryDto } from './dto/pledge.dto.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { SupportersService, type SupporterCampaignHistory, type SupporterRow } from './supporters.service.js';
import { TagsService } from './tags/tags.service.js';

@ApiTags('supporters')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api/campaigns/:id/supporters')
export class SupportersController {
  constructor(
    private readonly supporters: SupportersService,
    private readonly activity: SupporterActivityRegistry,
  ) {}

  /** Supporters of this campaign (members only), newest first; `search` matches name, email or city. */
  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListSupportersQueryDto,
  ): Promise<Page<SupporterRow>> {
    return this.supporters.listForCampaign(user, id, q);
  }

  /** One supporter and their activity in this campaign (pledges, signatures, RSVPs, donations). */
  @Get(':supporterId')
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
  ): Promise<SupporterRow & { activity: Record<string, unknown[]> }> {
    const supporter = await this.supporters.getForCampaign(user, id, supporterId);
    return { ...supporter, activity: await this.activity.activity(id, supporterId) };
  }
}

@ApiTags('supporters')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/organizations/:id/supporters')
export class OrganizationSupportersController {
  constructor(
    private readonly supporters: SupportersService,
    private readonly tags: TagsService,
  ) {}

  /** The organization's supporters (its organizers), newest first; search and filter. */
  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListOrganizationSupportersQueryDto,
  ): Promise<Page<SupporterRow>> {
    return this.supporters.listForOrganization(user, id, q);
  }

  /**
   * One supporter with her tags and her history in each of the organization's campaigns (pledges,
   * signatures, RSVPs and check-ins, donations); consent is on the record. An admin's read is audited.
   */
  @Get(':supporterId')
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
  ): Promise<SupporterRow & { campaigns: SupporterCampaignHistory[]; tags: { id: string; name: string }[] }> {
    const { masked, ...s } = await this.supporters.getForOrganization(user, id, supporterId);
    return { ...s, tags: masked ? [] : await this.tags.ofSupporter(supporterId) };
  }
}
