import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { EventsModule } from '../events/events.module.js';
import { FundraisingModule } from '../fundraising/fundraising.module.js';
import { LettersModule } from '../letters/letters.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { OutreachModule } from '../outreach/outreach.module.js';
import { AdminCampaignView } from './admin-campaign.view.js';
import { AdminCheckInController } from './admin-checkin.controller.js';
import { AdminSession } from './admin-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { AdminController } from './admin.controller.js';
import { AdminEventsController } from './admin-events.controller.js';
import { AdminFundraisersController } from './admin-fundraisers.controller.js';
import { AdminLettersController } from './admin-letters.controller.js';
import { AdminLifecycleController } from './admin-lifecycle.controller.js';
import { AdminLoginController } from './admin-login.controller.js';
import { AdminRemindersController } from './admin-reminders.controller.js';
import { AdminReportController } from './admin-report.controller.js';
import { AdminTeamController } from './admin-team.controller.js';
import { BulletinPagesController } from './bulletin-pages.controller.js';
import { AdminBulletinsController } from './admin-bulletins.controller.js';
import { BulletinsModule } from '../bulletins/bulletins.module.js';
import { AdminOrganizationsController } from './admin-organizations.controller.js';
import { AdminSupportersController } from './admin-supporters.controller.js';
import { AdminDonationsController } from './admin-donations.controller.js';
import { DetailsPagesController } from './details-pages.controller.js';
import { InvitationPagesController } from './invitation-pages.controller.js';
import { HomeController } from './home.controller.js';
import { LinkPagesController } from './link-pages.controller.js';
import { PublicPagesController } from './public-pages.controller.js';
import { EmbedPagesController } from './embed-pages.controller.js';
import { CampaignImageController } from './campaign-image.controller.js';
import { AdminPreviewImageController } from './admin-preview-image.controller.js';
import { SupportersModule } from '../supporters/supporters.module.js';

/**
 * Server-rendered pages: public campaign pages and the organizer console. Controllers only; every rule
 * lives in the feature services.
 */
@Module({
  imports: [
    CampaignsModule,
    EventsModule,
    LettersModule,
    FundraisingModule,
    OrganizationsModule,
    BulletinsModule,
    OutreachModule,
    SupportersModule,
  ],
  controllers: [
    HomeController,
    PublicPagesController,
    EmbedPagesController,
    CampaignImageController,
    LinkPagesController,
    InvitationPagesController,
    DetailsPagesController,
    AdminLoginController,
    AdminController,
    AdminCheckInController,
    AdminLettersController,
    AdminLifecycleController,
    AdminEventsController,
    AdminFundraisersController,
    AdminTeamController,
    AdminRemindersController,
    AdminReportController,
    AdminOrganizationsController,
    AdminSupportersController,
    AdminDonationsController,
    BulletinPagesController,
    AdminBulletinsController,
    AdminPreviewImageController,
  ],
  providers: [AdminSession, ConsoleSessionGuard, AdminCampaignView],
})
export class WebModule {}
