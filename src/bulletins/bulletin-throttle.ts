import type { BulletinStatus } from './dto/bulletin.dto.js';

/**
 * The bulletin throttle's arithmetic (BulletinSender's claim, BulletinsService's stats): pure, so its
 * boundaries are unit-tested and mutation-tested (stryker.config.mjs). What was claimed in the last
 * second and hour is counted in SQL (THROTTLE_SQL in bulletin-claim.ts, a sliding window over the
 * claims log `bulletin_claims`, under an advisory lock shared by every instance).
 */

/** BULLETIN_RATE_PER_SECOND and BULLETIN_MAX_PER_HOUR (0: no hourly cap). */
export interface ThrottleSettings {
  ratePerSecond: number;
  maxPerHour: number;
}

/** Rows claimed in the last second and in the last hour (0 when there is no hourly cap). */
export interface RecentClaims {
  lastSecond: number;
  lastHour: number;
}

/**
 * How many delivery rows one claim may take now: what is left of the rate in the last second and of
 * the hourly cap in the last hour, at most `claimLimit`; 0 when either is used up (or overdrawn, after
 * the settings were lowered).
 */
export function claimAllowance(settings: ThrottleSettings, recent: RecentClaims, claimLimit: number): number {
  let limit = Math.min(claimLimit, settings.ratePerSecond - recent.lastSecond);
  if (settings.maxPerHour > 0) limit = Math.min(limit, settings.maxPerHour - recent.lastHour);
  return Math.max(0, limit);
}

/**
 * Seconds until `remaining` deliveries are sent at the configured rate and hourly cap, rounded up;
 * null when nothing is moving (none left, or the bulletin is not sending).
 */
export function etaSeconds(
  remaining: number,
  status: BulletinStatus,
  settings: ThrottleSettings,
): number | null {
  if (remaining === 0 || status !== 'sending') return null;
  const byRate = remaining / settings.ratePerSecond;
  const byHour = settings.maxPerHour > 0 ? (remaining / settings.maxPerHour) * 3600 : 0;
  return Math.ceil(Math.max(byRate, byHour));
}
