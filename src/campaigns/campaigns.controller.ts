import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { CampaignsService, type CampaignView } from './campaigns.service.js';
import { CreateCampaignDto, ListCampaignsQueryDto, UpdateCampaignDto } from './dto/campaign.dto.js';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Roles('admin', 'organizer')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(user, dto);
  }

  /** Campaigns the caller may see (admins: all), newest first. */
  @Get()
  @Roles('admin', 'organizer', 'coordinator')
  list(@CurrentUser() user: AuthUser, @Query() q: ListCampaignsQueryDto): Promise<Page<CampaignView>> {
    return this.campaigns.list(user, q);
  }

  @Get(':id')
  @Roles('admin', 'organizer', 'coordinator')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<CampaignView> {
    return this.campaigns.get(user, id);
  }

  /** Edit fields and/or move the lifecycle with `{status}`. */
  @Patch(':id')
  @Roles('admin', 'organizer')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateCampaignDto,
  ): Promise<CampaignView> {
    return this.campaigns.update(user, id, dto);
  }

  /** Drafts only. */
  @Delete(':id')
  @Roles('admin', 'organizer')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.campaigns.remove(user, id);
  }
}
