import type { AppConfig } from '../config/config.js';

/**
 * Every periodic job of the app, by name: how often it runs (from the configuration) and whether
 * REMINDERS_ENABLED=false turns it off on an instance. The feature that does the work registers the
 * handler under the same name (PeriodicJobs.handle); the app does not start when a job here has no
 * handler, when a name is handled twice, or when a handler names a job that is not here.
 *
 * To add a job: a line here (and its period in config.ts when it is a new setting), then
 * `jobs.handle('<name>', (now) => …)` in the feature's onModuleInit. The handler must be safe when
 * several instances run it at once (they all do), and it never overlaps itself on one instance: a tick
 * that comes while the previous run is still working is skipped.
 */
export const PERIODIC_JOBS = {
  /** ReminderWorker: claims and sends due reminders (and marks mail left queued by a stopped instance). */
  'reminders.send': { everySeconds: (c) => c.reminderTickSeconds, offWithReminders: true },
  /** RsvpsService: ends waitlist offers that expired and offers the seats to the next in line. */
  'events.expire-offers': { everySeconds: (c) => c.offerExpirySeconds, offWithReminders: true },
  /** DailyDigest: schedules each organizer's next digest (its dedupe key makes repeats harmless). */
  'reminders.daily-digest': { everySeconds: (c) => c.digestScheduleSeconds, offWithReminders: true },
  /** BulletinSender: starts scheduled bulletins at their time and sends deliveries the throttle allows. */
  'bulletins.send': { everySeconds: (c) => c.bulletinTickSeconds, offWithReminders: true },
} satisfies Record<string, PeriodicJobSpec>;

export interface PeriodicJobSpec {
  everySeconds: (config: AppConfig) => number;
  /** Whether REMINDERS_ENABLED=false turns this job off on the instance. */
  offWithReminders: boolean;
}

export type PeriodicJobName = keyof typeof PERIODIC_JOBS;
