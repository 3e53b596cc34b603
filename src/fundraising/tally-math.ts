/**
 * The exact arithmetic behind a fundraiser's tally: no JavaScript number touches money here.
 *
 * Rounding rule (documented in the README): every converted group is kept as an exact fraction of the
 * goal currency's minor unit; the fractions are added exactly and the sum is rounded ONCE, half-even,
 * to the minor unit. Per-group figures shown beside the total are rounded half-even for display only
 * and are not what the total is made of (so the total never carries one rounding error per group).
 */
import { currencyExponent, roundHalfEven, type Rate } from '../common/money.js';

/** An exact non-negative fraction of minor units, `den > 0`. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(f: Fraction): Fraction {
  const g = gcd(f.num, f.den);
  return g > 1n ? { num: f.num / g, den: f.den / g } : f;
}

export const ZERO: Fraction = { num: 0n, den: 1n };

export function addFractions(a: Fraction, b: Fraction): Fraction {
  if (a.den === b.den) return reduce({ num: a.num + b.num, den: a.den });
  return reduce({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
}

/**
 * `minor` units of `from` in minor units of `to`, exactly, where `rate` is how many units of `to` one
 * unit of `from` is worth. (1000 USD cents at 17.2345 → 17234.5 centavos = 34469/2.)
 */
export function exactConversion(minor: bigint, from: string, to: string, rate: Rate): Fraction {
  const shift = currencyExponent(to) - currencyExponent(from);
  let num = minor * rate.num;
  let den = rate.den;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  return reduce({ num, den });
}

/** One SQL group of received donations: their currency, exact sum, and the rate applied (null: same currency). */
export interface ConversionGroup {
  currency: string;
  minor: bigint;
  rate: Rate | null;
}

/** Sum of the groups in `goalCurrency` minor units, exact fraction added up, rounded once half-even. */
export function convertedTotal(groups: readonly ConversionGroup[], goalCurrency: string): bigint {
  let sum = ZERO;
  for (const g of groups) {
    if (g.currency === goalCurrency) sum = addFractions(sum, { num: g.minor, den: 1n });
    else if (g.rate) sum = addFractions(sum, exactConversion(g.minor, g.currency, goalCurrency, g.rate));
    else throw new RangeError(`no rate for ${g.currency}`);
  }
  return roundHalfEven(sum.num, sum.den);
}

/**
 * Percent of the goal as a string with two decimals, ROUNDED DOWN (floor of basis points), so "100.00"
 * means the goal is really reached: 99.999 % shows "99.99". Above the goal it goes past 100.
 */
export function percentOfGoal(raisedMinor: bigint, goalMinor: bigint): string {
  if (goalMinor <= 0n) throw new RangeError('goal must be positive');
  const bp = raisedMinor <= 0n ? 0n : (raisedMinor * 10000n) / goalMinor;
  const s = bp.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
