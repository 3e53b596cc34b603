import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SupporterTag, Tag } from './tags/tag.entity.js';
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
import { TagsController } from './tags/tags.controller.js';
import { TagsService } from './tags/tags.service.js';
import { SupportersCsv } from './supporters-csv.js';

@Global()
@Module({
  imports: [CampaignsModule, TypeOrmModule.forFeature([Tag, SupporterTag])],
  controllers: [
    PublicPledgesController,
    PledgesController,
    SupportersController,
    OrganizationSupportersController,
    PublicPrivacyController,
    AdminPrivacyController,
    ImportController,
    TagsController,
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
    TagsService,
    SupportersCsv,
  ],
  exports: [
    SupportersService,
    PledgesService,
    SupporterActivityRegistry,
    PrivacyService,
    SignedTokens,
    SupporterUpdatesService,
    TagsService,
    SupportersCsv,
    ImportService,
    AttributionService,
  ],
})
export class SupportersModule {}
