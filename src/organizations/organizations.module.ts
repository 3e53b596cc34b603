import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RemindersModule } from '../reminders/reminders.module.js';
import { CampaignMembersController } from './campaign-members.controller.js';
import { CampaignTeamService } from './campaign-team.service.js';
import { InvitationsService } from './invitations.service.js';
import { Organization, OrganizationMember } from './organization.entity.js';
import { OrganizationsController, PublicInvitationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Organization, OrganizationMember]), RemindersModule],
  controllers: [OrganizationsController, PublicInvitationsController, CampaignMembersController],
  providers: [OrganizationsService, InvitationsService, CampaignTeamService],
  exports: [OrganizationsService, InvitationsService, CampaignTeamService],
})
export class OrganizationsModule {}
