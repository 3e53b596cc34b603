import { Global, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { PledgesController, PublicPledgesController } from './pledges.controller.js';
import { PledgesService } from './pledges.service.js';
import { AdminPrivacyController, PublicPrivacyController } from './privacy.controller.js';
import { PrivacyService } from './privacy.service.js';
import { SignedTokens } from '../common/signed-token.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { SupportersController } from './supporters.controller.js';
import { SupportersService } from './supporters.service.js';

@Global()
@Module({
  imports: [CampaignsModule],
  controllers: [
    PublicPledgesController,
    PledgesController,
    SupportersController,
    PublicPrivacyController,
    AdminPrivacyController,
  ],
  providers: [SupportersService, PledgesService, SupporterActivityRegistry, PrivacyService, SignedTokens],
  exports: [SupportersService, PledgesService, SupporterActivityRegistry, PrivacyService, SignedTokens],
})
export class SupportersModule {}
