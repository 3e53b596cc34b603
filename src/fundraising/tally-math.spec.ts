import { invertRate, parseRate } from '../common/money.js';
import { addFractions, convertedTotal, exactConversion, percentOfGoal } from './tally-math.js';

describe('tally math', () => {
  it('converts exactly as a fraction: 10.00 USD at 17.2345 = 17234.5 centavos', () => {
    expect(exactConversion(1000n, 'USD', 'MXN', parseRate('17.2345'))).toEqual({ num: 34469n, den: 2n });
  });

  it('accounts for different exponents: 1000 JPY at 0.0067 USD = 6.70 USD', () => {
    expect(exactConversion(1000n, 'JPY', 'USD', parseRate('0.0067'))).toEqual({ num: 670n, den: 1n });
    // 1.00 USD at 150.5 JPY = 150.5 yen
    expect(exactConversion(100n, 'USD', 'JPY', parseRate('150.5'))).toEqual({ num: 301n, den: 2n });
  });

  it('adds fractions exactly and reduces', () => {
    expect(addFractions({ num: 1n, den: 3n }, { num: 1n, den: 6n })).toEqual({ num: 1n, den: 2n });
    expect(addFractions({ num: 1n, den: 2n }, { num: 1n, den: 2n })).toEqual({ num: 1n, den: 1n });
  });

  it('reduces a negative sum too (a refund larger than the rest)', () => {
    expect(addFractions({ num: 1n, den: 4n }, { num: -7n, den: 4n })).toEqual({ num: -3n, den: 2n });
    expect(addFractions({ num: -1n, den: 3n }, { num: -1n, den: 6n })).toEqual({ num: -1n, den: 2n });
  });

  it('rounds once on the exact sum, half-even, not once per group', () => {
    // 10.00 USD @ 17.2345 = 17234.5 and 10.00 USD @ 17.2365 = 17236.5 centavos.
    // Per group half-even: 17234 + 17236 = 34470; exact sum 34471.0 → 34471.
    const total = convertedTotal(
      [
        { currency: 'USD', minor: 1000n, rate: parseRate('17.2345') },
        { currency: 'USD', minor: 1000n, rate: parseRate('17.2365') },
      ],
      'MXN',
    );
    expect(total).toBe(34471n);
  });

  it('rounds a lone half to even: 17234.5 → 17234, 17235.5 → 17236', () => {
    expect(convertedTotal([{ currency: 'USD', minor: 1000n, rate: parseRate('17.2345') }], 'MXN')).toBe(
      17234n,
    );
    expect(convertedTotal([{ currency: 'USD', minor: 1000n, rate: parseRate('17.2355') }], 'MXN')).toBe(
      17236n,
    );
  });

  it('uses an inverse rate exactly: 250.50 MXN at USD→MXN 20 = 12.525 USD → 12.52', () => {
    const total = convertedTotal(
      [{ currency: 'MXN', minor: 25050n, rate: invertRate(parseRate('20')) }],
      'USD',
    );
    expect(total).toBe(1252n);
  });

  it('adds the goal currency as is and refuses a group with no rate', () => {
    expect(convertedTotal([{ currency: 'USD', minor: 12345n, rate: null }], 'USD')).toBe(12345n);
    expect(() => convertedTotal([{ currency: 'MXN', minor: 1n, rate: null }], 'USD')).toThrow(
      /^no rate for MXN$/,
    );
  });

  it('refuses a goal of zero or less instead of dividing by it', () => {
    expect(() => percentOfGoal(100n, 0n)).toThrow(/^goal must be positive$/);
    expect(() => percentOfGoal(0n, 0n)).toThrow(/^goal must be positive$/);
    expect(() => percentOfGoal(100n, -100n)).toThrow(/^goal must be positive$/);
  });

  it('shows 0.00 when refunds leave less than nothing raised', () => {
    expect(percentOfGoal(-500n, 100000n)).toBe('0.00');
  });

  it.each([
    [0n, 100000n, '0.00'],
    [5n, 100000n, '0.00'],
    [33333n, 100000n, '33.33'],
    [99999n, 100000n, '99.99'],
    [100000n, 100000n, '100.00'],
    [150000n, 100000n, '150.00'],
  ])('percent of goal %s / %s → %s (rounded down)', (raised, goal, expected) => {
    expect(percentOfGoal(raised, goal)).toBe(expected);
  });
});
