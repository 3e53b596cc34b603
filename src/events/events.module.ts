import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { CheckInsService } from './checkins.service.js';
import { Event } from './event.entity.js';
import { EventsController } from './events.controller.js';
import { EventReminders } from './event-reminders.js';
import { EventsService } from './events.service.js';
import { PublicEventsController } from './public-events.controller.js';
import { Rsvp } from './rsvp.entity.js';
import { RsvpsService } from './rsvps.service.js';
import { RsvpsExports } from './rsvps.exports.js';
import { RsvpsReport } from './rsvps.report.js';

/** Events, RSVPs with capacity and a waitlist, check-in. Exports the services reminders and reports use. */
@Module({
  imports: [TypeOrmModule.forFeature([Event, Rsvp]), CampaignsModule],
  controllers: [EventsController, PublicEventsController],
  providers: [EventsService, RsvpsService, CheckInsService, EventReminders, RsvpsExports, RsvpsReport],
  exports: [EventsService, RsvpsService, CheckInsService, EventReminders],
})
export class EventsModule {}
