import { Global, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { PledgesController, PublicPledgesController } from './pledges.controller.js';
import { PledgesService } from './pledges.service.js';
import { AdminPrivacyController, PublicPrivacyController } from './privacy.controller.js';
import { PrivacyService } from './privacy.service.js';
import { SignedTokens } from '../common/signed-token.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { OrganizationSupportersController, SupportersController } from './supporters.controller.js';
import { SupportersService } from './supporters.service.js';
import { SupportersExports } from './supporters.exports.js';
import { ImportController } from './import.controller.js';
import { ImportService } from './import.service.js';
import { SupportersReport } from './supporters.report.js';
import { AttributionService } from './attribution.service.js';
import { SupporterUpdatesService } from './supporter-updates.service.js';

@Global()
@Module({
  imports: [CampaignsModule],
  controllers: [
    PublicPledgesController,
    PledgesController,
    SupportersController,
    OrganizationSupportersController,
    PublicPrivacyController,
    AdminPrivacyController,
    ImportController,
  ],
  providers: [
    SupportersService,
    PledgesService,
    SupporterActivityRegistry,
    PrivacyService,
    SignedTokens,
    SupportersExports,
    SupportersReport,
    AttributionService,
    ImportService,
    SupporterUpdatesService,
  ],
  exports: [
    SupportersService,
    PledgesService,
    SupporterActivityRegistry,
    PrivacyService,
    SignedTokens,
    SupporterUpdatesService,
    AttributionService,
  ],
})
export class SupportersModule {}
