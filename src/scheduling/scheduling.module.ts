import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { PeriodicJobs } from './periodic-jobs.js';

/** Periodic work (PeriodicJobs, global) on @nestjs/schedule's SchedulerRegistry; see jobs.ts. */
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [PeriodicJobs],
  exports: [PeriodicJobs],
})
export class SchedulingModule {}
