import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignTotalsRegistry } from './campaign-totals.registry.js';
import { Campaign } from './campaign.entity.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsService } from './campaigns.service.js';
import { PublicCampaignsController } from './public-campaigns.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign])],
  controllers: [CampaignsController, PublicCampaignsController],
  providers: [CampaignsService, CampaignTotalsRegistry],
  exports: [CampaignsService, CampaignTotalsRegistry],
})
export class CampaignsModule {}
