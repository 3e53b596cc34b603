import { BadInputError, type ErrorDetail } from './errors.js';
import {
  CURRENCY_CODES,
  convert,
  currencyExponent,
  displayMinor,
  displayMoney,
  formatAmount,
  formatRate,
  invertRate,
  isCurrency,
  money,
  multiplyRates,
  parseAmount,
  parseRate,
  roundHalfEven,
} from './money.js';

/** The BadInputError thrown by `fn`, so a test can look at its code and details. */
function errorOf(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadInputError) return e;
    throw e;
  }
  throw new Error('expected a BadInputError, nothing was thrown');
}

describe('currencies', () => {
  it('knows the ISO 4217 exponents, not the CLDR display digits', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('MXN')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('CLP')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(currencyExponent('UYW')).toBe(4);
    expect(currencyExponent('IDR')).toBe(2); // CLDR shows 0
    expect(currencyExponent('HUF')).toBe(2); // CLDR shows 0
  });

  it('lists every code with an exponent other than 2 as in ISO 4217', () => {
    // prettier-ignore
    const expected: Record<string, number> = {
      BHD: 3, BIF: 0, CLF: 4, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
      KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, UYW: 4, VND: 0, VUV: 0, XAF: 0,
      XOF: 0, XPF: 0,
    };
    const actual = Object.fromEntries(
      CURRENCY_CODES.filter((c) => currencyExponent(c) !== 2).map((c) => [c, currencyExponent(c)]),
    );
    expect(actual).toEqual(expected);
  });

  it('covers the currencies of the Americas and the usual others', () => {
    for (const code of 'USD MXN CAD EUR GBP GTQ HNL NIO CRC COP ARS BRL PEN DOP SVC CUP BOB UYU PAB'.split(
      ' ',
    )) {
      expect(isCurrency(code)).toBe(true);
    }
    expect(CURRENCY_CODES.length).toBeGreaterThanOrEqual(165);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
  });

  it('rejects lower case, withdrawn, unit-less and made-up codes', () => {
    for (const code of ['usd', 'Usd', 'HRK', 'XAU', 'XXX', 'ABC', '', ' USD', 42, null]) {
      expect(isCurrency(code)).toBe(false);
    }
    expect(errorOf(() => currencyExponent('usd')).code).toBe('unknown_currency');
  });
});

describe('parseAmount', () => {
  it('parses decimal strings into exact minor units', () => {
    expect(parseAmount('25.50', 'USD')).toBe(2550n);
    expect(parseAmount('0.1', 'USD')).toBe(10n);
    expect(parseAmount('0.01', 'USD')).toBe(1n);
    expect(parseAmount('1000', 'USD')).toBe(100000n);
    expect(parseAmount('07.50', 'MXN')).toBe(750n);
    expect(parseAmount('5', 'JPY')).toBe(5n);
    expect(parseAmount('1.250', 'KWD')).toBe(1250n);
    expect(parseAmount('1.2345', 'CLF')).toBe(12345n);
  });

  it('adds up 10,000 gifts of 0.10 USD to exactly 1000.00', () => {
    let total = 0n;
    for (let i = 0; i < 10_000; i++) total += parseAmount('0.10', 'USD');
    expect(total).toBe(100000n);
    expect(formatAmount(total, 'USD')).toBe('1000.00');
  });

  it('refuses more decimals than the currency has instead of rounding', () => {
    const e = errorOf(() => parseAmount('12.345', 'USD'));
    expect(e.code).toBe('amount_too_precise');
    expect(e.details).toEqual([{ field: 'amount', code: 'amount_too_precise', message: expect.any(String) }]);
    expect(errorOf(() => parseAmount('5.0', 'JPY')).code).toBe('amount_too_precise');
    expect(errorOf(() => parseAmount('1.2345', 'KWD')).code).toBe('amount_too_precise');
  });

  it('refuses zero and negative amounts', () => {
    for (const value of ['0', '0.00', '000', '-5', '-0.01', '-0']) {
      expect(errorOf(() => parseAmount(value, 'USD')).code).toBe('amount_not_positive');
    }
  });

  it('refuses anything but plain digits with one optional decimal point', () => {
    // prettier-ignore
    const bad = [
      '', ' ', '1e3', '1E3', ' 5', '5 ', '1 000', '1,000', '1,5', '+5', '.5', '5.', '5..0', '5.0.0', 'NaN',
      'Infinity', '-Infinity', '0x10', 'abc', '$5', '5USD', '١٢', '５',
    ];
    for (const value of bad) {
      expect(errorOf(() => parseAmount(value, 'USD')).code).toBe('amount_not_decimal');
    }
    for (const value of [25.5, 2550n, null, undefined, {}]) {
      expect(errorOf(() => parseAmount(value as unknown as string, 'USD')).code).toBe('amount_not_decimal');
    }
  });

  it('bounds amounts at 15 integer digits and below 10^17 minor units', () => {
    expect(parseAmount('999999999999999.99', 'USD')).toBe(99999999999999999n);
    expect(parseAmount('999999999999999', 'JPY')).toBe(999999999999999n);
    expect(errorOf(() => parseAmount('1000000000000000', 'USD')).code).toBe('amount_too_large');
    expect(errorOf(() => parseAmount('0000000000000001', 'USD')).code).toBe('amount_too_large');
    expect(parseAmount('9999999999999.9999', 'CLF')).toBe(99999999999999999n);
    expect(errorOf(() => parseAmount('10000000000000', 'CLF')).code).toBe('amount_too_large');
  });

  it('names the field it was given, and the currency field beside it', () => {
    const e = errorOf(() => parseAmount('abc', 'USD', 'goal.amount'));
    expect(e.details?.[0].field).toBe('goal.amount');
    expect(e.message).toContain('goal.amount');
    expect(errorOf(() => parseAmount('1', 'XYZ', 'goal.amount')).details?.[0]).toMatchObject({
      field: 'goal.currency',
      code: 'unknown_currency',
    });
    expect(errorOf(() => parseAmount('1', 'usd')).details?.[0].field).toBe('currency');
    expect(errorOf(() => parseAmount('1', 'usd', 'goalAmount')).details?.[0].field).toBe('goalCurrency');
  });
});

describe('formatAmount and money', () => {
  it('writes the canonical decimal string with the currency’s decimals', () => {
    expect(formatAmount(2550n, 'USD')).toBe('25.50');
    expect(formatAmount(5n, 'USD')).toBe('0.05');
    expect(formatAmount(0n, 'USD')).toBe('0.00');
    expect(formatAmount(5n, 'JPY')).toBe('5');
    expect(formatAmount(1250n, 'KWD')).toBe('1.250');
    expect(formatAmount(-300n, 'USD')).toBe('-3.00');
    expect(formatAmount(-5n, 'USD')).toBe('-0.05');
    expect(formatAmount(99999999999999999n, 'USD')).toBe('999999999999999.99');
  });

  it('round-trips with parseAmount', () => {
    // prettier-ignore
    const cases: [string, string][] = [
      ['25.50', 'USD'], ['0.01', 'MXN'], ['1723.45', 'MXN'], ['5', 'JPY'], ['0.001', 'BHD'],
      ['1.0001', 'CLF'], ['999999999999999.99', 'USD'],
    ];
    for (const [value, currency] of cases) {
      expect(formatAmount(parseAmount(value, currency), currency)).toBe(value);
    }
    expect(formatAmount(parseAmount('0.1', 'USD'), 'USD')).toBe('0.10');
  });

  it('gives the API shape', () => {
    expect(money(2550n, 'USD')).toEqual({ amount: '25.50', currency: 'USD' });
    expect(() => money(1n, 'usd')).toThrow(BadInputError);
  });
});

describe('rates', () => {
  it('parses exact decimal rates as reduced fractions', () => {
    expect(parseRate('17.2345')).toEqual({ num: 34469n, den: 2000n });
    expect(parseRate('20')).toEqual({ num: 20n, den: 1n });
    expect(parseRate('0.5')).toEqual({ num: 1n, den: 2n });
    expect(parseRate('0.0000000001')).toEqual({ num: 1n, den: 10000000000n });
    expect(parseRate('999999999999.9999999999').den).toBe(10000000000n);
  });

  it('refuses zero, negative, malformed, too precise and too large rates', () => {
    // prettier-ignore
    const cases: [string, string][] = [
      ['0', 'rate_not_positive'], ['0.000', 'rate_not_positive'], ['-1', 'rate_not_positive'],
      ['abc', 'rate_not_decimal'], ['1e3', 'rate_not_decimal'], ['', 'rate_not_decimal'],
      ['.5', 'rate_not_decimal'], ['1,5', 'rate_not_decimal'], ['0.00000000001', 'rate_too_precise'],
      ['1000000000000', 'rate_too_large'],
    ];
    for (const [value, code] of cases) {
      expect(errorOf(() => parseRate(value)).code).toBe(code);
    }
    expect(errorOf(() => parseRate('x', 'quote')).details?.[0].field).toBe('quote');
  });

  it('inverts and chains exactly', () => {
    expect(invertRate(parseRate('20'))).toEqual({ num: 1n, den: 20n });
    expect(invertRate(invertRate(parseRate('17.2345')))).toEqual(parseRate('17.2345'));
    // MXN→EUR from USD→MXN 20 and USD→EUR 0.92: 0.92 / 20 = 0.046
    expect(multiplyRates(invertRate(parseRate('20')), parseRate('0.92'))).toEqual(parseRate('0.046'));
  });

  it('formats rates, rounding only what has no finite decimal form', () => {
    expect(formatRate(parseRate('17.2345'))).toBe('17.2345');
    expect(formatRate(parseRate('20.00'))).toBe('20');
    expect(formatRate(invertRate(parseRate('20')))).toBe('0.05');
    expect(formatRate(invertRate(parseRate('17.2345')))).toBe('0.0580231512'); // 0.05802315123…
    expect(formatRate(parseRate('2.5'), 0)).toBe('2');
  });
});

describe('roundHalfEven', () => {
  it('rounds to the nearest integer, ties to even, for any signs', () => {
    // prettier-ignore
    const cases: [bigint, bigint, bigint][] = [
      [5n, 2n, 2n], [7n, 2n, 4n], [1n, 2n, 0n], [3n, 2n, 2n], [-5n, 2n, -2n], [-7n, 2n, -4n],
      [5n, -2n, -2n], [-5n, -2n, 2n], [1n, 3n, 0n], [2n, 3n, 1n], [-2n, 3n, -1n], [251n, 100n, 3n],
      [249n, 100n, 2n], [0n, 7n, 0n], [10n, 5n, 2n],
    ];
    for (const [num, den, expected] of cases) {
      expect(roundHalfEven(num, den)).toBe(expected);
    }
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('convert', () => {
  it('converts USD to MXN at 17.2345', () => {
    expect(convert(parseAmount('100.00', 'USD'), 'USD', 'MXN', parseRate('17.2345'))).toBe(172345n); // 1723.45
  });

  it('rounds a result of exactly half a minor unit to the even one', () => {
    const half = parseRate('0.5');
    expect(convert(5n, 'USD', 'MXN', half)).toBe(2n); // 0.025 → 0.02
    expect(convert(15n, 'USD', 'MXN', half)).toBe(8n); // 0.075 → 0.08
    expect(convert(25n, 'USD', 'MXN', half)).toBe(12n); // 0.125 → 0.12
    expect(convert(-5n, 'USD', 'MXN', half)).toBe(-2n); // -0.025 → -0.02
    expect(convert(-15n, 'USD', 'MXN', half)).toBe(-8n); // -0.075 → -0.08
    expect(convert(5n, 'USD', 'MXN', parseRate('0.51'))).toBe(3n); // 0.0255 → 0.03
    expect(convert(5n, 'USD', 'MXN', parseRate('0.49'))).toBe(2n); // 0.0245 → 0.02
  });

  it('converts MXN to USD with only the USD→MXN rate, through its exact inverse', () => {
    expect(convert(parseAmount('150.00', 'MXN'), 'MXN', 'USD', invertRate(parseRate('20')))).toBe(750n);
    // 1000 / 17.2345 = 58.0231512… → 58.02
    expect(convert(parseAmount('1000.00', 'MXN'), 'MXN', 'USD', invertRate(parseRate('17.2345')))).toBe(
      5802n,
    );
  });

  it('accounts for currencies with other exponents', () => {
    const usdJpy = parseRate('151.37');
    expect(convert(parseAmount('10.00', 'USD'), 'USD', 'JPY', usdJpy)).toBe(1514n); // 1513.7 → 1514
    expect(convert(parseAmount('1.00', 'USD'), 'USD', 'JPY', parseRate('150.5'))).toBe(150n); // 150.5 → 150
    expect(convert(parseAmount('3.00', 'USD'), 'USD', 'JPY', parseRate('0.5'))).toBe(2n); // 1.5 → 2
    // 1000 / 151.37 = 6.60632… → 6.61
    expect(convert(parseAmount('1000', 'JPY'), 'JPY', 'USD', invertRate(usdJpy))).toBe(661n);
    // 1.250 KWD × 3.25 = 4.0625 USD = 406.25 cents → 406
    expect(convert(parseAmount('1.250', 'KWD'), 'KWD', 'USD', parseRate('3.25'))).toBe(406n);
    expect(convert(parseAmount('1.000', 'KWD'), 'KWD', 'JPY', parseRate('490.5'))).toBe(490n); // tie → even
  });

  it('keeps the amount when converting a currency into itself at 1', () => {
    expect(convert(2550n, 'USD', 'USD', parseRate('1'))).toBe(2550n);
  });

  it('refuses unknown currencies and impossible rates', () => {
    expect(errorOf(() => convert(1n, 'USD', 'XYZ', parseRate('1'))).details?.[0].field).toBe('to');
    expect(() => convert(1n, 'USD', 'MXN', { num: 0n, den: 1n })).toThrow(RangeError);
    expect(() => convert(1n, 'USD', 'MXN', { num: 1n, den: -2n })).toThrow(RangeError);
  });
});

describe('error codes and messages', () => {
  /** The one error detail of the BadInputError thrown by `fn`. */
  function detailOf(fn: () => unknown): ErrorDetail {
    const details = errorOf(fn).details ?? [];
    expect(details).toHaveLength(1);
    return details[0];
  }

  it('tells a negative amount from a malformed one, whatever its digits', () => {
    expect(detailOf(() => parseAmount('-25.50', 'USD'))).toEqual({
      field: 'amount',
      code: 'amount_not_positive',
      message: 'amount must be greater than zero',
    });
    expect(errorOf(() => parseRate('-25.50')).code).toBe('rate_not_positive');
    // A minus sign anywhere but at the start, or followed by anything but a decimal, is malformed.
    for (const value of ['5-5', '-5abc', '-', '--5', '-.5', '-5.', 'x-5']) {
      expect(errorOf(() => parseAmount(value, 'USD')).code).toBe('amount_not_decimal');
    }
    // A negative number (not a string) is malformed, not "not positive".
    expect(errorOf(() => parseAmount(-5 as unknown as string, 'USD')).code).toBe('amount_not_decimal');
  });

  it('explains each amount problem in its message', () => {
    expect(detailOf(() => parseAmount('abc', 'USD')).message).toBe(
      'amount must be a decimal string such as "25.50"',
    );
    expect(detailOf(() => parseAmount('0', 'USD')).message).toBe('amount must be greater than zero');
    expect(detailOf(() => parseAmount('1000000000000000', 'USD')).message).toBe(
      'amount must have at most 15 digits before the decimal point',
    );
    expect(detailOf(() => parseAmount('10000000000000', 'CLF')).message).toBe(
      'amount is larger than the largest amount this system records',
    );
    expect(detailOf(() => parseAmount('12.345', 'USD', 'goal.amount'))).toEqual({
      field: 'goal.amount',
      code: 'amount_too_precise',
      message: 'goal.amount in USD allows at most 2 decimal places',
    });
    expect(detailOf(() => parseAmount('5.5', 'JPY')).message).toBe('amount in JPY allows no decimal places');
  });

  it('names a plain "currency" field beside an amount field of another name', () => {
    expect(detailOf(() => parseAmount('1', 'usd', 'price'))).toMatchObject({
      field: 'currency',
      code: 'unknown_currency',
    });
    expect(detailOf(() => parseAmount('1', 'usd', 'price')).field).toBe('currency');
  });

  it('explains each rate problem in its message, naming "rate" unless told otherwise', () => {
    expect(detailOf(() => parseRate('abc'))).toEqual({
      field: 'rate',
      code: 'rate_not_decimal',
      message: 'rate must be a decimal string such as "17.2345"',
    });
    expect(detailOf(() => parseRate('-1')).message).toBe('rate must be greater than zero');
    expect(detailOf(() => parseRate('0')).message).toBe('rate must be greater than zero');
    expect(detailOf(() => parseRate('1000000000000')).message).toBe(
      'rate must have at most 12 digits before the decimal point',
    );
    expect(detailOf(() => parseRate('0.00000000001')).message).toBe(
      'rate must have at most 10 decimal places',
    );
  });

  it('names the "from" currency field of a conversion', () => {
    expect(detailOf(() => convert(1n, 'XYZ', 'USD', parseRate('1')))).toMatchObject({
      field: 'from',
      code: 'unknown_currency',
    });
  });
});

describe('rate edges', () => {
  const notAFraction = /^an exchange rate must be a positive fraction$/;

  it('formats a whole rate with no decimals as itself', () => {
    expect(formatRate(parseRate('20'), 0)).toBe('20');
    expect(formatRate(parseRate('100'), 0)).toBe('100');
    expect(formatRate(parseRate('17.5'), 0)).toBe('18'); // half-even
    expect(formatRate(parseRate('17.25'), 1)).toBe('17.2');
    expect(formatRate(parseRate('10.5'), 2)).toBe('10.5');
  });

  it('refuses to invert a zero rate or to build a rate with a zero or negative part', () => {
    expect(() => invertRate({ num: 0n, den: 1n })).toThrow(notAFraction); // would be 1/0
    expect(() => invertRate({ num: 1n, den: 0n })).toThrow(notAFraction); // would be 0
    expect(() => invertRate({ num: -2n, den: 1n })).toThrow(notAFraction);
    expect(() => multiplyRates({ num: 1n, den: 2n }, { num: 0n, den: 1n })).toThrow(notAFraction);
    expect(() => multiplyRates({ num: 1n, den: 2n }, { num: 1n, den: -1n })).toThrow(notAFraction);
  });

  it('refuses a conversion at a zero or negative rate, with that reason', () => {
    expect(() => convert(1n, 'USD', 'MXN', { num: 1n, den: 0n })).toThrow(notAFraction);
    expect(() => convert(1n, 'USD', 'MXN', { num: 0n, den: 1n })).toThrow(notAFraction);
    expect(() => convert(1n, 'USD', 'MXN', { num: -1n, den: 1n })).toThrow(notAFraction);
  });

  it('says why it cannot divide by zero', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(/^division by zero$/);
    expect(() => roundHalfEven(0n, 0n)).toThrow(/^division by zero$/);
  });
});

describe('displayMoney: amounts that read right across the border', () => {
  const nb = (s: string) => s.replace(/\u00a0/g, ' ');

  it('always carries the ISO code, never a bare $', () => {
    expect(nb(displayMoney({ amount: '1500.00', currency: 'MXN' }, 'es'))).toBe('MXN 1,500');
    expect(nb(displayMoney({ amount: '80.00', currency: 'USD' }, 'en'))).toBe('USD 80');
    expect(displayMoney({ amount: '80.00', currency: 'USD' }, 'es')).not.toContain('$');
  });

  it('shows cents only when there are some, with all of the currency’s decimals', () => {
    expect(nb(displayMoney({ amount: '25.50', currency: 'USD' }, 'en'))).toBe('USD 25.50');
    expect(nb(displayMoney({ amount: '1234567.05', currency: 'MXN' }, 'es'))).toBe('MXN 1,234,567.05');
    expect(nb(displayMoney({ amount: '5', currency: 'JPY' }, 'en'))).toBe('JPY 5');
    expect(nb(displayMoney({ amount: '1.250', currency: 'KWD' }, 'en'))).toBe('KWD 1.250');
    // A zero right after the point still means there are cents.
    expect(nb(displayMoney({ amount: '1.050', currency: 'KWD' }, 'en'))).toBe('KWD 1.050');
  });

  it('keeps exact digits for the largest amounts (no float on the way)', () => {
    expect(nb(displayMoney({ amount: '999999999999999.99', currency: 'USD' }, 'en'))).toBe(
      'USD 999,999,999,999,999.99',
    );
  });

  it('puts the sign before the code, keeps code and number together, and is empty for nothing', () => {
    expect(nb(displayMoney({ amount: '-3.00', currency: 'USD' }, 'en'))).toBe('-USD 3');
    expect(displayMoney({ amount: '3.00', currency: 'USD' }, 'en')).toBe('USD\u00a03');
    expect(displayMoney(null, 'en')).toBe('');
  });

  it('falls back to the English number format for a language it does not know', () => {
    expect(nb(displayMoney({ amount: '1500.00', currency: 'EUR' }, 'fr' as 'en'))).toBe('EUR 1,500');
  });

  it('formats minor units the same way', () => {
    expect(nb(displayMinor(150000n, 'MXN', 'es'))).toBe('MXN 1,500');
    expect(nb(displayMinor(2550n, 'USD', 'en'))).toBe('USD 25.50');
  });
});
