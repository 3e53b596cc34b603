import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/config.js';
import { PERIODIC_JOBS, type PeriodicJobName, type PeriodicJobSpec } from './jobs.js';

/** Injection token of the declared jobs, for tests; the app uses {@link PERIODIC_JOBS}. */
export const DECLARED_JOBS = 'DECLARED_PERIODIC_JOBS';

export type PeriodicJobHandler = (now: Date) => Promise<unknown>;

/**
 * The one home of periodic work: features register a handler for a job declared in
 * {@link PERIODIC_JOBS} (in onModuleInit), and once the app is up each job becomes a named interval of
 * @nestjs/schedule's SchedulerRegistry, with the period the configuration gives it — unless
 * REMINDERS_ENABLED=false turns it off here. A run that fails is logged (the error's name only: a
 * message may quote personal data) and the next tick tries again; while a job keeps failing the same
 * way (the database away for an hour: 3,600 ticks of a one-second job) it is logged once, and once
 * more when it runs again, with the number of failed runs. A tick that comes while the job is still
 * running is skipped. At shutdown the intervals stop and the runs in flight are awaited.
 */
@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PeriodicJobs');
  private readonly handlers = new Map<string, PeriodicJobHandler>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly started: string[] = [];
  /** Jobs failing now: the error name logged and the failed runs since. */
  private readonly failing = new Map<string, { error: string; runs: number }>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    /** The declared jobs; the app's are {@link PERIODIC_JOBS} (tests give their own). */
    @Optional()
    @Inject(DECLARED_JOBS)
    private readonly declared: Readonly<Record<string, PeriodicJobSpec>> = PERIODIC_JOBS,
  ) {}

  /** Registers the handler of a declared job; a second handler for the same name stops the boot. */
  handle(name: PeriodicJobName, run: PeriodicJobHandler): void {
    if (!Object.hasOwn(this.declared, name))
      throw new Error(`periodic job ${name} is not declared in jobs.ts`);
    if (this.handlers.has(name)) throw new Error(`periodic job ${name} has two handlers`);
    this.handlers.set(name, run);
  }

  /** The job names that run on this instance (their intervals are in the SchedulerRegistry). */
  get active(): readonly string[] {
    return this.started;
  }

  onApplicationBootstrap(): void {
    const missing = Object.keys(this.declared).filter((name) => !this.handlers.has(name));
    if (missing.length) throw new Error(`periodic jobs without a handler: ${missing.join(', ')}`);
    for (const [name, spec] of Object.entries(this.declared)) {
      if (spec.offWithReminders && !this.config.remindersEnabled) continue;
      const everyMs = spec.everySeconds(this.config) * 1000;
      const timer = setInterval(() => void this.tick(name), everyMs);
      timer.unref();
      this.registry.addInterval(name, timer);
      this.started.push(name);
    }
    if (this.started.length) this.logger.log(`periodic jobs: ${this.started.join(', ')}`);
  }

  /** Runs job `name` now unless it is still running from its previous tick. Public for tests. */
  tick(name: string): Promise<void> {
    const inFlight = this.running.get(name);
    if (inFlight) return inFlight;
    const run = this.handlers.get(name)!;
    const done = run(this.clock.now())
      .then(() => this.recovered(name))
      .catch((e: unknown) => this.failed(name, (e as Error).name))
      .finally(() => this.running.delete(name));
    this.running.set(name, done);
    return done;
  }

  private failed(name: string, error: string): void {
    const now = this.failing.get(name);
    if (now?.error === error) {
      now.runs++;
      return;
    }
    this.failing.set(name, { error, runs: 1 });
    this.logger.warn(`${name} failed: ${error} (not logged again until it runs or fails otherwise)`);
  }

  private recovered(name: string): void {
    const was = this.failing.get(name);
    if (!was) return;
    this.failing.delete(name);
    this.logger.log(
      `${name} runs again after ${was.runs} failed run${was.runs === 1 ? '' : 's'} (${was.error})`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const name of this.started.splice(0))
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    await Promise.all(this.running.values());
  }
}
