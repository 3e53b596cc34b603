import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignTotalsRegistry } from './campaign-totals.registry.js';
import { Campaign } from './campaign.entity.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsService } from './campaigns.service.js';
import { PublicCampaignsController } from './public-campaigns.controller.js';
import { CampaignImagesController } from './campaign-images.controller.js';
import { CampaignImagesService } from './campaign-images.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign])],
  controllers: [CampaignsController, PublicCampaignsController, CampaignImagesController],
  providers: [CampaignsService, CampaignTotalsRegistry, CampaignImagesService],
  exports: [CampaignsService, CampaignTotalsRegistry, CampaignImagesService],
})
export class CampaignsModule {}
