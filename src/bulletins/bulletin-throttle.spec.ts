import { claimAllowance, etaSeconds } from './bulletin-throttle.js';

describe('claimAllowance: what one claim may take under the rate and the hourly cap', () => {
  const rate = (ratePerSecond: number, maxPerHour = 0) => ({ ratePerSecond, maxPerHour });
  const recent = (lastSecond: number, lastHour = 0) => ({ lastSecond, lastHour });

  it('takes what is left of the rate in the last second', () => {
    expect(claimAllowance(rate(10), recent(0), 200)).toBe(10);
    expect(claimAllowance(rate(10), recent(3), 200)).toBe(7);
    expect(claimAllowance(rate(10), recent(9), 200)).toBe(1);
  });

  it('takes nothing once the rate is used up, or overdrawn after the rate was lowered', () => {
    expect(claimAllowance(rate(10), recent(10), 200)).toBe(0);
    expect(claimAllowance(rate(10), recent(25), 200)).toBe(0);
  });

  it('never takes more than one claim holds', () => {
    expect(claimAllowance(rate(1000), recent(0), 200)).toBe(200);
    expect(claimAllowance(rate(1000), recent(850), 200)).toBe(150);
    expect(claimAllowance(rate(201), recent(0), 200)).toBe(200);
    expect(claimAllowance(rate(199), recent(0), 200)).toBe(199);
  });

  it('takes what is left of the hourly cap when that is less', () => {
    expect(claimAllowance(rate(10, 100), recent(0, 95), 200)).toBe(5);
    expect(claimAllowance(rate(10, 100), recent(0, 90), 200)).toBe(10);
    expect(claimAllowance(rate(10, 100), recent(2, 91), 200)).toBe(8);
    expect(claimAllowance(rate(10, 100), recent(0, 99), 200)).toBe(1);
    expect(claimAllowance(rate(1000, 150), recent(0, 0), 200)).toBe(150);
  });

  it('takes nothing once the hourly cap is used up, or overdrawn', () => {
    expect(claimAllowance(rate(10, 100), recent(0, 100), 200)).toBe(0);
    expect(claimAllowance(rate(10, 100), recent(0, 130), 200)).toBe(0);
  });

  it('has no hourly cap at 0 (the hour is not even counted then)', () => {
    expect(claimAllowance(rate(10, 0), recent(0, 0), 200)).toBe(10);
    expect(claimAllowance(rate(10, 0), recent(4, 50_000), 200)).toBe(6);
  });
});

describe('etaSeconds: time left at the configured rate and hourly cap', () => {
  it('is null when nothing is moving: none left, or not sending', () => {
    expect(etaSeconds(0, 'sending', { ratePerSecond: 10, maxPerHour: 0 })).toBeNull();
    for (const status of ['draft', 'scheduled', 'paused', 'sent', 'cancelled'] as const)
      expect(etaSeconds(100, status, { ratePerSecond: 10, maxPerHour: 0 })).toBeNull();
  });

  it('is the remaining rows at the rate, rounded up', () => {
    expect(etaSeconds(100, 'sending', { ratePerSecond: 10, maxPerHour: 0 })).toBe(10);
    expect(etaSeconds(101, 'sending', { ratePerSecond: 10, maxPerHour: 0 })).toBe(11);
    expect(etaSeconds(1, 'sending', { ratePerSecond: 10, maxPerHour: 0 })).toBe(1);
  });

  it('is the remaining rows at the hourly cap when that is slower', () => {
    // 20,000 an hour is 5.6 a second: slower than 10 a second.
    expect(etaSeconds(1000, 'sending', { ratePerSecond: 10, maxPerHour: 20_000 })).toBe(180);
    expect(etaSeconds(7, 'sending', { ratePerSecond: 1, maxPerHour: 3600 })).toBe(7);
    // The rate is slower than the cap here.
    expect(etaSeconds(1000, 'sending', { ratePerSecond: 2, maxPerHour: 20_000 })).toBe(500);
  });
});
