import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { LetterDeadlineReminders } from './deadline-reminders.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesService } from './deliveries.service.js';
import { Delivery } from './delivery.entity.js';
import { LetterAction } from './letter-action.entity.js';
import { LetterActionsController } from './letter-actions.controller.js';
import { LetterActionsService } from './letter-actions.service.js';
import { PacketsService } from './packets.service.js';
import { PublicLettersController } from './public-letters.controller.js';
import { Signature } from './signature.entity.js';
import { SignaturesService } from './signatures.service.js';
import { Target } from './target.entity.js';
import { OrganizationTargetsController, TargetsController } from './targets.controller.js';
import { TargetsService } from './targets.service.js';
import { SignaturesExports } from './signatures.exports.js';
import { SignaturesReport } from './signatures.report.js';

/** Targets, letter actions, signatures (with the sharded counter), deliveries and their packets. */
@Module({
  imports: [
    CampaignsModule,
    OrganizationsModule,
    TypeOrmModule.forFeature([Target, LetterAction, Signature, Delivery]),
  ],
  controllers: [
    TargetsController,
    OrganizationTargetsController,
    LetterActionsController,
    DeliveriesController,
    PublicLettersController,
  ],
  providers: [
    TargetsService,
    LetterActionsService,
    SignaturesService,
    DeliveriesService,
    PacketsService,
    LetterDeadlineReminders,
    SignaturesExports,
    SignaturesReport,
  ],
  exports: [TargetsService, LetterActionsService, SignaturesService, DeliveriesService, PacketsService],
})
export class LettersModule {}
