import { Global, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { PledgesController, PublicPledgesController } from './pledges.controller.js';
import { PledgesService } from './pledges.service.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { SupportersController } from './supporters.controller.js';
import { SupportersService } from './supporters.service.js';

@Global()
@Module({
  imports: [CampaignsModule],
  controllers: [PublicPledgesController, PledgesController, SupportersController],
  providers: [SupportersService, PledgesService, SupporterActivityRegistry],
  exports: [SupportersService, PledgesService, SupporterActivityRegistry],
})
export class SupportersModule {}
