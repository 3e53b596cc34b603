import { Injectable } from '@nestjs/common';

/** The time, injectable so tests move it instead of sleeping. */
@Injectable()
export class Clock {
  private offsetMs = 0;
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date(Date.now() + this.offsetMs);
  }

  /** Tests only: jump forward (or back) by `ms`. */
  advance(ms: number): void {
    if (this.fixed) this.fixed = new Date(this.fixed.getTime() + ms);
    else this.offsetMs += ms;
  }

  /** Tests only: stop the clock at `at`. */
  set(at: Date): void {
    this.fixed = new Date(at);
  }

  reset(): void {
    this.fixed = null;
    this.offsetMs = 0;
  }
}
