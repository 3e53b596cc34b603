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
import { PaginationQueryDto, type Page } from '../common/pagination.js';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import {
  AcceptInvitationDto,
  AddMemberDto,
  CreateOrganizationDto,
  UpdateOrganizationDto,
} from './dto/organization.dto.js';
import { InvitationsService, type InvitationInfo } from './invitations.service.js';
import type { Organization } from './organization.entity.js';
import { OrganizationsService, type AddMemberResult, type TeamView } from './organizations.service.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  /** Create an organization (admins). Its team is then added by email. */
  @Roles('admin')
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrganizationDto): Promise<Organization> {
    return this.orgs.create(user, dto);
  }

  /** The organizations you belong to (admins: all). */
  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: PaginationQueryDto): Promise<Page<Organization>> {
    return this.orgs.list(user, q);
  }

  @Roles('admin', 'organizer', 'coordinator')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<Organization> {
    return this.orgs.get(user, id);
  }

  /** Edit settings: name, language, country, time zone, sender name and reply-to (its organizers). */
  @Roles('admin', 'organizer')
  @Patch(':id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<Organization> {
    return this.orgs.update(user, id, dto);
  }

  /** The team, and (for its organizers) the pending invitations. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get(':id/members')
  team(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<TeamView> {
    return this.orgs.team(user, id);
  }

  /**
   * Add a teammate by email and role. An organizer always sends an invitation mail (one-time link,
   * 7 days), so the answer never says whether the email has an account; an admin adds an existing
   * account at once.
   */
  @Roles('admin', 'organizer')
  @Post(':id/members')
  addMember(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddMemberDto,
  ): Promise<AddMemberResult> {
    return this.orgs.addMember(user, id, dto.email, dto.role);
  }

  @Roles('admin', 'organizer')
  @Delete(':id/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    return this.orgs.removeMember(user, id, userId);
  }

  /** Withdraw a pending invitation: its link stops working. */
  @Roles('admin', 'organizer')
  @Delete(':id/invitations/:invitationId')
  @HttpCode(204)
  cancelInvitation(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
  ): Promise<void> {
    return this.orgs.cancelInvitation(user, id, invitationId);
  }
}

@ApiTags('organizations')
@Controller('api/public/invitations')
export class PublicInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** What an invitation is for (410 once used, withdrawn or expired). */
  @Public()
  @Get(':token')
  info(@Param('token') token: string): Promise<InvitationInfo> {
    return this.invitations.info(token);
  }

  /** Accept once: `{name, password}` sets up a new account; an existing account gives its password. */
  @PublicSubmission()
  @Post(':token')
  @HttpCode(200)
  async accept(
    @Param('token') token: string,
    @Body() dto: AcceptInvitationDto,
  ): Promise<{ status: 'accepted' }> {
    await this.invitations.accept(token, dto);
    return { status: 'accepted' };
  }
}
