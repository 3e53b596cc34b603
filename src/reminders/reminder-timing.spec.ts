import { Settings } from 'luxon';
import { backoffMs, quietUntil } from './reminder-timing.js';

const QUIET = { start: 21 * 60, end: 8 * 60 };

describe('backoffMs', () => {
  it('doubles from one minute and stops at one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffMs(n) / 60_000)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60, 60,
    ]);
  });
});

describe('quietUntil', () => {
  it('defers 02:00 in Mexico City to 08:00 the same local day', () => {
    // 02:00 CST (UTC-6) = 08:00Z
    expect(quietUntil(new Date('2026-03-14T08:00:00Z'), 'America/Mexico_City', QUIET)?.toISOString()).toBe(
      '2026-03-14T14:00:00.000Z',
    );
  });

  it('defers 22:30 local to 08:00 the next local day', () => {
    // 22:30 CST on the 13th = 04:30Z on the 14th
    expect(quietUntil(new Date('2026-03-14T04:30:00Z'), 'America/Mexico_City', QUIET)?.toISOString()).toBe(
      '2026-03-14T14:00:00.000Z',
    );
  });

  it('lets daytime through, and the window end itself', () => {
    expect(quietUntil(new Date('2026-03-14T18:00:00Z'), 'America/Mexico_City', QUIET)).toBeNull();
    expect(quietUntil(new Date('2026-03-14T14:00:00Z'), 'America/Mexico_City', QUIET)).toBeNull();
  });

  it('handles a window that does not wrap midnight, and no window at all', () => {
    const lunch = { start: 12 * 60, end: 13 * 60 + 30 };
    expect(quietUntil(new Date('2026-03-14T12:15:00Z'), 'UTC', lunch)?.toISOString()).toBe(
      '2026-03-14T13:30:00.000Z',
    );
    expect(quietUntil(new Date('2026-03-14T11:59:00Z'), 'UTC', lunch)).toBeNull();
    expect(quietUntil(new Date('2026-03-14T02:00:00Z'), 'UTC', null)).toBeNull();
  });

  it('follows daylight saving time (New York, the night clocks go forward)', () => {
    // 2026-03-08 02:00 EST → 03:00 EDT; 01:00 EST = 06:00Z, quiet ends 08:00 EDT = 12:00Z
    expect(quietUntil(new Date('2026-03-08T06:00:00Z'), 'America/New_York', QUIET)?.toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('starts the quiet window at exactly 21:00 local and defers it to 08:00 the next local day', () => {
    // 21:00 CST on the 13th = 03:00Z on the 14th
    expect(quietUntil(new Date('2026-03-14T03:00:00Z'), 'America/Mexico_City', QUIET)?.toISOString()).toBe(
      '2026-03-14T14:00:00.000Z',
    );
    // 20:59 is still daytime; 07:59 is still quiet
    expect(quietUntil(new Date('2026-03-14T02:59:00Z'), 'America/Mexico_City', QUIET)).toBeNull();
    expect(quietUntil(new Date('2026-03-14T13:59:00Z'), 'America/Mexico_City', QUIET)?.toISOString()).toBe(
      '2026-03-14T14:00:00.000Z',
    );
  });

  it('checks both ends of a window that does not cross midnight', () => {
    const lunch = { start: 12 * 60, end: 13 * 60 + 30 };
    const at = (hhmm: string) => quietUntil(new Date(`2026-03-14T${hhmm}:00Z`), 'UTC', lunch)?.toISOString();
    expect(at('12:00')).toBe('2026-03-14T13:30:00.000Z'); // the start is inside
    expect(at('13:29')).toBe('2026-03-14T13:30:00.000Z');
    expect(at('13:30')).toBeUndefined(); // the end is outside
    expect(at('13:31')).toBeUndefined();
    expect(at('23:00')).toBeUndefined(); // after the window the same day, not "before the next one"
    expect(at('00:30')).toBeUndefined();
  });

  describe('on a machine whose own zone is not UTC', () => {
    // Luxon's default zone stands in for the machine's zone (TZ); the rule must not depend on it.
    const machineZone = Settings.defaultZone;
    beforeAll(() => {
      Settings.defaultZone = 'Asia/Kolkata'; // UTC+05:30: 02:00Z is 07:30 there, 21:00Z is 02:30
    });
    afterAll(() => {
      Settings.defaultZone = machineZone;
    });

    it.each([['Not/AZone'], [null], [undefined], ['']])('treats the zone %j as UTC', (zone) => {
      expect(quietUntil(new Date('2026-03-14T02:00:00Z'), zone, QUIET)?.toISOString()).toBe(
        '2026-03-14T08:00:00.000Z',
      );
      expect(quietUntil(new Date('2026-03-14T21:00:00Z'), zone, QUIET)?.toISOString()).toBe(
        '2026-03-15T08:00:00.000Z',
      );
      expect(quietUntil(new Date('2026-03-14T12:00:00Z'), zone, QUIET)).toBeNull();
    });
  });
});
