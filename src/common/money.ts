/**
 * Exact money. An amount is a `bigint` count of the currency's minor units (USD 25.50 → 2550n,
 * JPY 5 → 5n, KWD 1.250 → 1250n) and crosses the API as a decimal string:
 * `{ "amount": "25.50", "currency": "USD" }`. No JavaScript number is ever on the money path: parsing,
 * formatting, exchange rates and conversion are all string and bigint arithmetic.
 *
 * Limits (so any amount fits a PostgreSQL `bigint` column with room to add many of them up):
 * - an amount has at most 15 digits before the decimal point and at most as many after it as its
 *   currency's exponent ("12.345" USD is refused rather than rounded: money is never silently changed);
 * - an amount is below 10^17 minor units (USD 999,999,999,999,999.99; for the 4-decimal CLF and UYW this
 *   means at most 13 integer digits), so a `bigint` column (max ≈ 9.2 × 10^18) holds the sum of at least
 *   92 maximal amounts;
 * - an exchange rate has at most 12 digits before and 10 after the decimal point (fits `numeric(22,10)`).
 */
import { BadInputError } from './errors.js';
import { currencyExponent, isCurrency } from './currencies.js';

export {
  CURRENCY_CODES,
  CURRENCY_EXPONENTS,
  assertCurrency,
  currencyExponent,
  isCurrency,
} from './currencies.js';

export const MAX_AMOUNT_INTEGER_DIGITS = 15;
/** Amounts are strictly below this many minor units. */
export const MAX_AMOUNT_MINOR_UNITS_EXCLUSIVE = 10n ** 17n;
export const MAX_RATE_INTEGER_DIGITS = 12;
export const MAX_RATE_DECIMALS = 10;

/** What the API sends and receives. */
export interface MoneyJson {
  amount: string;
  currency: string;
}

/** An exchange rate as an exact positive fraction `num / den`, always reduced, `den > 0`. */
export interface Rate {
  readonly num: bigint;
  readonly den: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NEGATIVE_DECIMAL = /^-\d+(?:\.\d+)?$/;

/** Field holding the currency beside an amount field: amount → currency, goal.amount → goal.currency. */
function currencyFieldFor(amountField: string): string {
  if (amountField.endsWith('amount')) return `${amountField.slice(0, -6)}currency`;
  if (amountField.endsWith('Amount')) return `${amountField.slice(0, -6)}Currency`;
  return 'currency';
}

function fail(field: string, code: string, message: string): never {
  throw BadInputError.field(field, code, message);
}

/** Splits a plain positive decimal string, or fails with `<prefix>_not_decimal` / `_not_positive`. */
function splitDecimal(value: unknown, field: string, prefix: string, example: string): [string, string] {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!m) {
    if (typeof value === 'string' && NEGATIVE_DECIMAL.test(value)) {
      fail(field, `${prefix}_not_positive`, `${field} must be greater than zero`);
    }
    fail(field, `${prefix}_not_decimal`, `${field} must be a decimal string such as "${example}"`);
  }
  return [m[1], m[2] ?? ''];
}

/**
 * Parses a decimal string in major units into minor units: ("25.50", "USD") → 2550n, ("0.1", "USD") →
 * 10n, ("1000", "JPY") → 1000n. Accepts only digits with an optional single `.` followed by digits —
 * no sign, spaces, thousands separators, exponent, leading or trailing `.`. Leading zeros are allowed
 * ("07.50") but count towards the 15 integer digits. Throws `BadInputError` naming `field` with code
 * `amount_not_decimal`, `amount_too_precise`, `amount_not_positive`, `amount_too_large`, or
 * `unknown_currency` (naming the currency field beside `field`).
 */
export function parseAmount(value: string, currency: string, field = 'amount'): bigint {
  const exponent = currencyExponent(currency, currencyFieldFor(field));
  const [int, frac] = splitDecimal(value, field, 'amount', '25.50');
  if (int.length > MAX_AMOUNT_INTEGER_DIGITS) {
    fail(
      field,
      'amount_too_large',
      `${field} must have at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`,
    );
  }
  if (frac.length > exponent) {
    const allowed = exponent === 0 ? 'no decimal places' : `at most ${exponent} decimal places`;
    fail(field, 'amount_too_precise', `${field} in ${currency} allows ${allowed}`);
  }
  const minor = BigInt(int + frac.padEnd(exponent, '0'));
  if (minor === 0n) fail(field, 'amount_not_positive', `${field} must be greater than zero`);
  if (minor >= MAX_AMOUNT_MINOR_UNITS_EXCLUSIVE) {
    fail(field, 'amount_too_large', `${field} is larger than the largest amount this system records`);
  }
  return minor;
}

/** Digits of |n| with a `.` before the last `decimals` of them, left-padded with zeros. */
function placeDecimalPoint(n: bigint, decimals: number): string {
  const sign = n < 0n ? '-' : '';
  const digits = (n < 0n ? -n : n).toString();
  if (decimals === 0) return sign + digits;
  const padded = digits.padStart(decimals + 1, '0');
  return `${sign}${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}

/**
 * Canonical decimal string for an amount in minor units, with exactly the currency's number of
 * decimals: (2550n, "USD") → "25.50", (5n, "JPY") → "5", (-300n, "USD") → "-3.00" (negatives allowed
 * here for refunds and balances). `parseAmount(formatAmount(x, c), c) === x` for every valid x.
 */
export function formatAmount(minor: bigint, currency: string): string {
  return placeDecimalPoint(minor, currencyExponent(currency));
}

/** The API shape of an amount: (2550n, "USD") → `{ amount: "25.50", currency: "USD" }`. */
export function money(minor: bigint, currency: string): MoneyJson {
  return { amount: formatAmount(minor, currency), currency };
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduced(num: bigint, den: bigint): Rate {
  if (num <= 0n || den <= 0n) throw new RangeError('an exchange rate must be a positive fraction');
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * Parses an exchange rate ("17.2345" = 17.2345 units of the quote currency per unit of the base) into
 * an exact fraction. Positive, at most 12 integer digits and 10 decimals, same syntax as amounts.
 * Throws `BadInputError` naming `field` with code `rate_not_decimal`, `rate_not_positive`,
 * `rate_too_precise` or `rate_too_large`.
 */
export function parseRate(value: string, field = 'rate'): Rate {
  const [int, frac] = splitDecimal(value, field, 'rate', '17.2345');
  if (int.length > MAX_RATE_INTEGER_DIGITS) {
    fail(
      field,
      'rate_too_large',
      `${field} must have at most ${MAX_RATE_INTEGER_DIGITS} digits before the decimal point`,
    );
  }
  if (frac.length > MAX_RATE_DECIMALS) {
    fail(field, 'rate_too_precise', `${field} must have at most ${MAX_RATE_DECIMALS} decimal places`);
  }
  const num = BigInt(int + frac);
  if (num === 0n) fail(field, 'rate_not_positive', `${field} must be greater than zero`);
  return reduced(num, 10n ** BigInt(frac.length));
}

/** The rate the other way round, exactly: USD→MXN 20 gives MXN→USD 1/20. */
export function invertRate(rate: Rate): Rate {
  return reduced(rate.den, rate.num);
}

/** Chains two rates exactly: (A→B) × (B→C) = A→C, e.g. invert(USD→MXN) × (USD→EUR) = MXN→EUR. */
export function multiplyRates(a: Rate, b: Rate): Rate {
  return reduced(a.num * b.num, a.den * b.den);
}

/**
 * A rate as a decimal string with at most `decimals` places (default 10), trailing zeros dropped:
 * "17.2345", "0.05". Exact for every rate `parseRate` accepts; an inverted rate such as 1/17.2345 is
 * rounded half-even at the last place ("0.0580231512") — for display only, convert with the fraction.
 */
export function formatRate(rate: Rate, decimals = MAX_RATE_DECIMALS): string {
  const scaled = roundHalfEven(rate.num * 10n ** BigInt(decimals), rate.den);
  const text = placeDecimalPoint(scaled, decimals);
  return decimals === 0 ? text : text.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * `num / den` rounded to an integer, half-even (banker's rounding): to the nearest integer, and when
 * the exact value lies exactly halfway between two integers, to the even one. 2.5 → 2, 3.5 → 4,
 * 2.51 → 3, -2.5 → -2, -3.5 → -4. Works for any signs; throws `RangeError` when `den` is 0.
 */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  const negative = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  let q = a / b;
  const twiceRemainder = (a % b) * 2n;
  if (twiceRemainder > b || (twiceRemainder === b && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * Converts `minor` units of `from` into minor units of `to`, where `rate` is how many units of `to` one
 * unit of `from` is worth (USD→MXN 17.2345). The two exponents are accounted for (USD cents → JPY yen).
 *
 * Rounding rule: the exact result is computed as a fraction, then rounded once to the target
 * currency's minor unit, half-even (banker's rounding): to the nearest minor unit, and a result exactly
 * halfway between two minor units goes to the one whose last digit is even (0.025 → 0.02,
 * 0.075 → 0.08, -0.025 → -0.02). Unlike half-up, this does not push a total of many converted amounts
 * upwards. For a tally, add each currency's amounts exactly first, then convert each total once.
 */
export function convert(minor: bigint, from: string, to: string, rate: Rate): bigint {
  const fromExponent = currencyExponent(from, 'from');
  const toExponent = currencyExponent(to, 'to');
  if (rate.num <= 0n || rate.den <= 0n) throw new RangeError('an exchange rate must be a positive fraction');
  let num = minor * rate.num;
  let den = rate.den;
  if (toExponent >= fromExponent) num *= 10n ** BigInt(toExponent - fromExponent);
  else den *= 10n ** BigInt(fromExponent - toExponent);
  return roundHalfEven(num, den);
}

/** What {@link parseTypedAmount} understood: a canonical decimal string and the currency, when typed. */
export interface TypedAmount {
  /** "1500.50": digits and at most one `.`, ready for {@link parseAmount}. */
  amount: string;
  /** The currency the text named ("MXN 1,500", "US$20"), or null ("$5,000" says nothing of which dollar). */
  currency: string | null;
}

/** Signs that name one currency; a bare `$` names none (dollars and pesos both use it). */
const CURRENCY_SIGNS: Record<string, string> = { US$: 'USD', MX$: 'MXN', C$: 'CAD', '€': 'EUR', '£': 'GBP' };
const SPACES = /[\s\u00a0\u202f\u2009']/g;

/**
 * An amount as people type it in a form → the API's decimal string, refusing anything that could be
 * read two ways. Accepted: "1500", "1,500", "$5,000", "MXN 1,500.50", "1 500,50", "1.500,50",
 * "12,50", "US$ 20", "20 usd". Rules:
 * - a currency code (any case) or sign before or after the number; `$` alone names no currency;
 * - with both `,` and `.`, the last one is the decimal mark and the other groups thousands;
 * - with one kind only: used more than once, or a `,` followed by exactly three digits, it groups
 *   thousands ("1,500" is fifteen hundred, as in Mexico and the US); otherwise it is the decimal mark
 *   ("12,50", "1500.5");
 * - "1.500" alone is refused as ambiguous (fifteen hundred in much of Latin America and Spain, one and
 *   a half in Mexico and the US): money is never silently changed;
 * - thousands groups have three digits after the first ("1,50,0" is refused).
 * Throws `BadInputError` on `field` with `amount_not_understood`, `amount_ambiguous` or
 * `amount_not_positive`. Precision and size are left to {@link parseAmount} ("1,5000" is 1.5000,
 * too precise for dollars).
 */
export function parseTypedAmount(input: string, field = 'amount'): TypedAmount {
  let text = input.trim();
  let currency: string | null = null;
  const take = (code: string) => {
    if (currency && currency !== code) fail(field, 'amount_not_understood', `${field} names two currencies`);
    currency = code;
  };
  // A code or sign before or after the number.
  const code = /^([A-Za-z]{3})(?=[\s\d$.,]|$)|(?<=[\s\d.,])([A-Za-z]{3})$/;
  for (let i = 0; i < 2; i++) {
    const m = code.exec(text);
    if (m) {
      const c = (m[1] ?? m[2]).toUpperCase();
      if (isCurrency(c)) {
        take(c);
        text = (m[1] ? text.slice(3) : text.slice(0, -3)).trim();
      }
    }
    for (const [sign, c] of Object.entries(CURRENCY_SIGNS)) {
      if (text.toUpperCase().startsWith(sign.toUpperCase())) {
        take(c);
        text = text.slice(sign.length).trim();
      } else if (text.toUpperCase().endsWith(sign.toUpperCase())) {
        take(c);
        text = text.slice(0, -sign.length).trim();
      }
    }
    if (text.startsWith('$')) text = text.slice(1).trim();
    else if (text.endsWith('$')) text = text.slice(0, -1).trim();
  }
  if (/^-/.test(text)) fail(field, 'amount_not_positive', `${field} must be greater than zero`);
  text = text.replace(SPACES, ' ');
  if (!/^\d[\d ,.]*$/.test(text) || /[ ,.]$/.test(text)) {
    fail(field, 'amount_not_understood', `${field} must be an amount such as 1,500 or 25.50`);
  }
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let decimalMark: string | null = null;
  if (lastComma >= 0 && lastDot >= 0) decimalMark = lastComma > lastDot ? ',' : '.';
  else {
    const mark = lastComma >= 0 ? ',' : lastDot >= 0 ? '.' : null;
    if (mark) {
      const count = text.split(mark).length - 1;
      const after = text.length - text.lastIndexOf(mark) - 1;
      if (count === 1 && after !== 3) decimalMark = mark;
      else if (count === 1 && mark === '.') {
        fail(
          field,
          'amount_ambiguous',
          `${field} "${input.trim()}" could be read two ways: write 1500 or 1.50`,
        );
      }
    }
  }
  let int = text;
  let frac = '';
  if (decimalMark) {
    const at = text.lastIndexOf(decimalMark);
    int = text.slice(0, at);
    frac = text.slice(at + 1);
    if (!/^\d+$/.test(frac)) fail(field, 'amount_not_understood', `${field} has a misplaced separator`);
  }
  // What is left of the integer part: digits, grouped in threes by one kind of separator at most.
  const separators = new Set(int.replace(/\d/g, ''));
  if (separators.size > 1 || (separators.size === 1 && !/^\d{1,3}([ ,.]\d{3})+$/.test(int))) {
    fail(field, 'amount_not_understood', `${field} groups its thousands wrongly`);
  }
  const digits = int.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  return { amount: frac ? `${digits}.${frac}` : digits, currency };
}

/** The number formats of the two languages pages and mails are written in. */
const DISPLAY_LOCALE: Record<'en' | 'es', string> = { en: 'en-US', es: 'es-MX' };

/**
 * Money as a reader on either side of the border reads it: always the ISO code, never a bare `$`
 * (a Detroit reader takes "$1,500" for dollars), digits grouped for the reader's language, and the
 * cents only when there are some: `MXN 1,500`, `USD 80`, `USD 25.50`, `-USD 3` (a no-break space
 * between code and number keeps them on one line). The one formatter of every public page and
 * supporter mail. Intl gets the exact decimal string, so no float is involved.
 */
export function displayMoney(m: MoneyJson | null | undefined, lang: 'en' | 'es'): string {
  if (!m) return '';
  const exponent = currencyExponent(m.currency);
  const negative = m.amount.startsWith('-');
  const abs = negative ? m.amount.slice(1) : m.amount;
  const whole = !/\.\d*[1-9]/.test(abs);
  const digits = new Intl.NumberFormat(DISPLAY_LOCALE[lang] ?? 'en-US', {
    minimumFractionDigits: whole ? 0 : exponent,
    maximumFractionDigits: exponent,
  }).format(abs as unknown as number);
  return `${negative ? '-' : ''}${m.currency}\u00a0${digits}`;
}

/** {@link displayMoney} of an amount in minor units: (150000n, "MXN", "es") → "MXN 1,500". */
export function displayMinor(minor: bigint, currency: string, lang: 'en' | 'es'): string {
  return displayMoney(money(minor, currency), lang);
}
