import { DateTime } from 'luxon';
import type { QuietHours } from '../config/config.js';

const MINUTE = 60_000;
const MAX_BACKOFF_MS = 60 * MINUTE;

/** Wait before retry number `attempts` (1-based, already counted): 1 min, 2, 4, … capped at 1 h. */
export function backoffMs(attempts: number): number {
  const n = Math.max(1, attempts);
  return Math.min(MINUTE * 2 ** Math.min(n - 1, 30), MAX_BACKOFF_MS);
}

/**
 * When `at` falls inside the quiet window in `zone`, the instant the window ends (local time, DST-aware);
 * otherwise null. A window may wrap midnight (21:00-08:00). An unknown zone counts as UTC.
 */
export function quietUntil(at: Date, zone: string | null | undefined, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  let local = DateTime.fromJSDate(at, { zone: zone || 'UTC' });
  if (!local.isValid) local = DateTime.fromJSDate(at, { zone: 'UTC' });
  const minutes = local.hour * 60 + local.minute;
  const wraps = quiet.start > quiet.end;
  const inside = wraps
    ? minutes >= quiet.start || minutes < quiet.end
    : minutes >= quiet.start && minutes < quiet.end;
  if (!inside) return null;
  const day = wraps && minutes >= quiet.start ? local.plus({ days: 1 }) : local;
  const end = day.set({
    hour: Math.floor(quiet.end / 60),
    minute: quiet.end % 60,
    second: 0,
    millisecond: 0,
  });
  return end.toJSDate();
}
