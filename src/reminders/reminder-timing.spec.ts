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

  it('treats an unknown zone as UTC', () => {
    expect(quietUntil(new Date('2026-03-14T02:00:00Z'), 'Not/AZone', QUIET)?.toISOString()).toBe(
      '2026-03-14T08:00:00.000Z',
    );
  });
});
