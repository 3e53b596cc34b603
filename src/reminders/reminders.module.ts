import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DailyDigest } from './daily-digest.js';
import { Reminder } from './reminder.entity.js';
import { ReminderWorker } from './reminder.worker.js';
import { RemindersController } from './reminders.controller.js';
import { RemindersService } from './reminders.service.js';
import { ReminderStaffService } from './reminder-staff.service.js';

/** Scheduled and queued email (RemindersService, global) and the worker that sends it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Reminder])],
  controllers: [RemindersController],
  providers: [RemindersService, ReminderWorker, DailyDigest, ReminderStaffService],
  exports: [RemindersService, ReminderWorker, DailyDigest, ReminderStaffService],
})
export class RemindersModule {}
