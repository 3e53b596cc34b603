import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { Donation } from './donation.entity.js';
import { DonationsController } from './donations.controller.js';
import { DonationsService } from './donations.service.js';
import { ExchangeRate } from './exchange-rate.entity.js';
import { ExchangeRateController, ExchangeRatesController } from './exchange-rates.controller.js';
import { ExchangeRatesService } from './exchange-rates.service.js';
import { Fundraiser } from './fundraiser.entity.js';
import { FundraisersController } from './fundraisers.controller.js';
import { FundraisersService } from './fundraisers.service.js';
import { TallyService } from './tally.service.js';
import { DonationsExports } from './donations.exports.js';
import { FundraisingReport } from './fundraising.report.js';

/** Fundraisers, donations, exchange rates and tallies. SupportersModule is global. */
@Module({
  imports: [TypeOrmModule.forFeature([Fundraiser, Donation, ExchangeRate]), CampaignsModule],
  controllers: [FundraisersController, DonationsController, ExchangeRatesController, ExchangeRateController],
  providers: [
    FundraisersService,
    DonationsService,
    ExchangeRatesService,
    TallyService,
    DonationsExports,
    FundraisingReport,
  ],
  exports: [FundraisersService, DonationsService, ExchangeRatesService, TallyService],
})
export class FundraisingModule {}
