import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { MembershipService, type MemberView } from '../auth/membership.service.js';
import { Roles } from '../auth/roles.decorator.js';
import { PutCampaignMemberDto } from './dto/organization.dto.js';
import { CampaignTeamService } from './campaign-team.service.js';
import type { InvitationView } from './invitations.service.js';

/** A campaign's own team: coordinators (or organizers) who work on this campaign only. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/campaigns/:id/members')
export class CampaignMembersController {
  constructor(
    private readonly membership: MembershipService,
    private readonly team: CampaignTeamService,
  ) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<MemberView[]> {
    return this.membership.list(user, id);
  }

  /**
   * Add a member, or change a member's role: `{email, role}` (an organizer's always becomes an
   * invitation mail; an admin adds an existing account at once) or `{userId, role}`.
   */
  @Post()
  put(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PutCampaignMemberDto,
  ): Promise<MemberView | { status: 'invited'; invitation: InvitationView }> {
    return this.team.put(user, id, dto);
  }

  @Delete(':userId')
  @HttpCode(204)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    return this.membership.remove(user, id, userId);
  }
}
