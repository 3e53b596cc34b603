import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { EventsModule } from '../events/events.module.js';
import { FundraisingModule } from '../fundraising/fundraising.module.js';
import { LettersModule } from '../letters/letters.module.js';
import { ActionThanksMail } from './action-thanks.js';
import { NextStepService } from './next-step.service.js';

/**
 * What follows an action (issue 23): the campaign's next open action, how to give, and the thank-you
 * mail after a signature or a pledge. Reads the campaign's public views only.
 */
@Module({
  imports: [CampaignsModule, LettersModule, EventsModule, FundraisingModule],
  providers: [NextStepService, ActionThanksMail],
  exports: [NextStepService],
})
export class OutreachModule {}
