import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { EventsModule } from '../events/events.module.js';
import { FundraisingModule } from '../fundraising/fundraising.module.js';
import { LettersModule } from '../letters/letters.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { AdminCampaignView } from './admin-campaign.view.js';
import { AdminCheckInController } from './admin-checkin.controller.js';
import { AdminSession } from './admin-session.js';
import { AdminController } from './admin.controller.js';
import { AdminManageController } from './admin-manage.controller.js';
import { AdminOrganizationsController } from './admin-organizations.controller.js';
import { DetailsPagesController } from './details-pages.controller.js';
import { InvitationPagesController } from './invitation-pages.controller.js';
import { HomeController } from './home.controller.js';
import { LinkPagesController } from './link-pages.controller.js';
import { PublicPagesController } from './public-pages.controller.js';

/**
 * Server-rendered pages: public campaign pages and the organizer console. Controllers only; every rule
 * lives in the feature services.
 */
@Module({
  imports: [CampaignsModule, EventsModule, LettersModule, FundraisingModule, OrganizationsModule],
  controllers: [
    HomeController,
    PublicPagesController,
    LinkPagesController,
    InvitationPagesController,
    DetailsPagesController,
    AdminController,
    AdminCheckInController,
    AdminManageController,
    AdminOrganizationsController,
  ],
  providers: [AdminSession, AdminCampaignView],
})
export class WebModule {}
