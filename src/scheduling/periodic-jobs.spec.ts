import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry, ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/config.js';
import type { PeriodicJobName, PeriodicJobSpec } from './jobs.js';
import { DECLARED_JOBS, PeriodicJobs } from './periodic-jobs.js';

/** Names of the test's own declared jobs (the app's names are a union; these are not in it). */
const job = (name: string) => name as PeriodicJobName;

/** A feature that registers `handler` for each of `names` in onModuleInit, as the app's features do. */
function featureHandling(names: string[], handler: (now: Date) => Promise<unknown>) {
  @Injectable()
  class Feature implements OnModuleInit {
    constructor(readonly jobs: PeriodicJobs) {}
    onModuleInit(): void {
      for (const n of names) this.jobs.handle(job(n), handler);
    }
  }
  return Feature;
}

async function boot(opts: {
  declared: Record<string, PeriodicJobSpec>;
  features: (new (jobs: PeriodicJobs) => unknown)[];
  remindersEnabled?: boolean;
  /** Receives what the app logs (warnings and logs), as `level: message`. */
  lines?: string[];
}) {
  const keep = (level: string) => (message: unknown) => void opts.lines?.push(`${level}: ${String(message)}`);
  const config = { remindersEnabled: opts.remindersEnabled ?? true } as AppConfig;
  const moduleRef = await Test.createTestingModule({
    imports: [ScheduleModule.forRoot()],
    providers: [
      PeriodicJobs,
      Clock,
      { provide: AppConfig, useValue: config },
      { provide: DECLARED_JOBS, useValue: opts.declared },
      ...opts.features,
    ],
  })
    .setLogger({ log: keep('log'), error: keep('error'), warn: keep('warn') })
    .compile();
  return moduleRef.init();
}

const every = (seconds: number, offWithReminders = false): PeriodicJobSpec => ({
  everySeconds: () => seconds,
  offWithReminders,
});

/** Resolves once `ok()` holds, checking every 5 ms; fails after `bound` checks. */
async function until(ok: () => boolean, bound = 2000): Promise<void> {
  for (let i = 0; i < bound && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
}

describe('PeriodicJobs', () => {
  it('runs a job on its interval as a named SchedulerRegistry interval, with the clock, until shutdown', async () => {
    const runs: Date[] = [];
    const app = await boot({
      declared: { 'test.every-20ms': every(0.02) },
      features: [featureHandling(['test.every-20ms'], async (now) => void runs.push(now))],
    });
    const clock = app.get(Clock);
    clock.set(new Date('2026-03-14T12:00:00Z'));
    expect(app.get(SchedulerRegistry).getIntervals()).toEqual(['test.every-20ms']);
    await until(() => runs.length >= 3);
    expect(runs[0]).toEqual(new Date('2026-03-14T12:00:00Z'));
    await app.close();
    expect(app.get(SchedulerRegistry).getIntervals()).toEqual([]);
    const after = runs.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.length).toBe(after);
  });

  it('never overlaps a job with itself on one instance, and a failed run does not stop the next', async () => {
    let active = 0;
    let overlapped = false;
    let runs = 0;
    const app = await boot({
      declared: { 'test.slow': every(0.005) },
      features: [
        featureHandling(['test.slow'], async () => {
          overlapped ||= active > 0;
          active++;
          runs++;
          await new Promise((r) => setTimeout(r, 30));
          active--;
          if (runs === 1) throw new Error('first run fails');
        }),
      ],
    });
    await until(() => runs >= 3);
    await app.close();
    expect(overlapped).toBe(false);
  });

  it('logs a job that keeps failing the same way once, then once when it runs again', async () => {
    const lines: string[] = [];
    const outcomes = [
      'DatabaseUnavailable',
      'DatabaseUnavailable',
      'DatabaseUnavailable',
      'TypeError',
      'TypeError',
    ];
    let i = 0;
    const app = await boot({
      declared: { 'test.job': every(3600) },
      lines,
      features: [
        featureHandling(['test.job'], async () => {
          const outcome = outcomes[i++];
          if (outcome) {
            const e = new Error('may quote maria@example.org');
            e.name = outcome;
            throw e;
          }
        }),
      ],
    });
    const jobs = app.get(PeriodicJobs);
    lines.length = 0;
    for (let n = 0; n < 6; n++) await jobs.tick('test.job');
    i = 0;
    await jobs.tick('test.job');
    await app.close();
    expect(lines.filter((l) => l.includes('test.job'))).toEqual([
      'warn: test.job failed: DatabaseUnavailable (not logged again until it runs or fails otherwise)',
      'warn: test.job failed: TypeError (not logged again until it runs or fails otherwise)',
      'log: test.job runs again after 2 failed runs (TypeError)',
      'warn: test.job failed: DatabaseUnavailable (not logged again until it runs or fails otherwise)',
    ]);
    expect(lines.join('\n')).not.toContain('maria@example.org');
  });

  it('starts no job that REMINDERS_ENABLED=false turns off, and the others as usual', async () => {
    const app = await boot({
      remindersEnabled: false,
      declared: { 'test.mail': every(60, true), 'test.other': every(60, false) },
      features: [featureHandling(['test.mail', 'test.other'], async () => undefined)],
    });
    expect(app.get(SchedulerRegistry).getIntervals()).toEqual(['test.other']);
    expect(app.get(PeriodicJobs).active).toEqual(['test.other']);
    await app.close();
  });

  it('does not boot when two handlers register the same job', async () => {
    await expect(
      boot({
        declared: { 'test.job': every(60) },
        features: [
          featureHandling(['test.job'], async () => undefined),
          featureHandling(['test.job'], async () => undefined),
        ],
      }),
    ).rejects.toThrow('periodic job test.job has two handlers');
  });

  it('does not boot when a declared job has no handler, or a handler names an undeclared job', async () => {
    await expect(
      boot({
        declared: { 'test.job': every(60), 'test.forgotten': every(60) },
        features: [featureHandling(['test.job'], async () => undefined)],
      }),
    ).rejects.toThrow('periodic jobs without a handler: test.forgotten');
    await expect(
      boot({
        declared: { 'test.job': every(60) },
        features: [featureHandling(['test.job', 'test.typo'], async () => undefined)],
      }),
    ).rejects.toThrow('periodic job test.typo is not declared in jobs.ts');
  });
});
