import { BadInputError } from './errors.js';
import { parseAmount, parseTypedAmount } from './money.js';

function codeOf(input: string): string {
  try {
    parseTypedAmount(input);
  } catch (e) {
    if (e instanceof BadInputError) return e.details?.[0]?.code ?? 'no code';
    throw e;
  }
  return 'accepted';
}

describe('parseTypedAmount (what people type in quick entry)', () => {
  it.each([
    ['1500', '1500', null],
    ['1,500', '1500', null],
    ['$5,000', '5000', null],
    ['$ 5,000.00', '5000.00', null],
    ['MXN 1,500.50', '1500.50', 'MXN'],
    ['mxn1500', '1500', 'MXN'],
    ['1,500.50 MXN', '1500.50', 'MXN'],
    ['1.500,50', '1500.50', null],
    ['1 500,50', '1500.50', null],
    ['1\u00a0500,50', '1500.50', null],
    ['12,50', '12.50', null],
    ['1500.5', '1500.5', null],
    ['0.75', '0.75', null],
    ['US$20', '20', 'USD'],
    ['MX$ 250', '250', 'MXN'],
    ['20 usd', '20', 'USD'],
    ['€15,20', '15.20', 'EUR'],
    ['1,234,567.89', '1234567.89', null],
    ['1.234.567,89', '1234567.89', null],
    ['1.234.567', '1234567', null],
    ['  007 ', '7', null],
  ])('reads %j as %s %s', (input, amount, currency) => {
    expect(parseTypedAmount(input)).toEqual({ amount, currency });
  });

  it.each([
    ['abc', 'amount_not_understood'],
    ['', 'amount_not_understood'],
    ['$', 'amount_not_understood'],
    ['1,50,0', 'amount_not_understood'],
    ['1,5,00', 'amount_not_understood'],
    ['12,34,567', 'amount_not_understood'],
    ['1,500,50', 'amount_not_understood'],
    ['1.500.50', 'amount_not_understood'],
    ['1,500.50.2', 'amount_not_understood'],
    ['1.5,00.0', 'amount_not_understood'],
    ['1 50', 'amount_not_understood'],
    ['1500.', 'amount_not_understood'],
    ['.50', 'amount_not_understood'],
    ['1e5', 'amount_not_understood'],
    ['USD MXN 5', 'amount_not_understood'],
    ['US$ 5 MXN', 'amount_not_understood'],
    ['5 pesos', 'amount_not_understood'],
    ['-5', 'amount_not_positive'],
    ['$-5', 'amount_not_positive'],
    ['1.500', 'amount_ambiguous'],
    ['2.000', 'amount_ambiguous'],
  ])('refuses %j (%s)', (input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('leaves precision and size to parseAmount, which knows the currency', () => {
    expect(parseAmount(parseTypedAmount('1,500').amount, 'USD')).toBe(150000n);
    expect(parseAmount(parseTypedAmount('1.500,50').amount, 'MXN')).toBe(150050n);
    expect(() => parseAmount(parseTypedAmount('1,5000').amount, 'USD')).toThrow(BadInputError);
    expect(() => parseAmount(parseTypedAmount('0').amount, 'USD')).toThrow(BadInputError);
  });

  it('names the field it was given in its errors', () => {
    try {
      parseTypedAmount('abc', 'amount.amount');
      throw new Error('accepted');
    } catch (e) {
      expect((e as BadInputError).details?.[0]?.field).toBe('amount.amount');
    }
  });
});

function errorOf(input: string, field?: string): { field?: string; code?: string; message?: string } {
  try {
    parseTypedAmount(input, field);
  } catch (e) {
    if (e instanceof BadInputError) return e.details?.[0] ?? {};
    throw e;
  }
  return { code: 'accepted' };
}

describe('parseTypedAmount: signs, codes and separators in every position', () => {
  it.each([
    ['C$ 20', '20', 'CAD'],
    ['£5', '5', 'GBP'],
    ['20 €', '20', 'EUR'],
    ['1,500 US$', '1500', 'USD'],
    ['1,500 us$', '1500', 'USD'],
    ['1,500 $', '1500', null],
    ['5$', '5', null],
    ['1500mxn', '1500', 'MXN'],
    ['MXN 1,500 MXN', '1500', 'MXN'],
    ['US$ 5 USD', '5', 'USD'],
    ['12,345,678', '12345678', null],
    ['123 456', '123456', null],
  ])('reads %j as %s %s', (input, amount, currency) => {
    expect(parseTypedAmount(input)).toEqual({ amount, currency });
  });

  it.each([
    // Only two passes strip signs and codes: a third `$` is not an amount.
    ['$$$5', 'amount_not_understood'],
    // Three letters that are no currency are not taken for one.
    ['ABC 5', 'amount_not_understood'],
    // A code in the middle of the text is not a code before or after the number.
    ['1 USD 500', 'amount_not_understood'],
    // A minus sign anywhere but first is not a negative amount.
    ['5-', 'amount_not_understood'],
  ])('refuses %j (%s)', (input, code) => {
    expect(errorOf(input).code).toBe(code);
  });

  it('says what is wrong, on the field it was given (or "amount")', () => {
    expect(errorOf('abc')).toMatchObject({ field: 'amount', code: 'amount_not_understood' });
    expect(errorOf('USD MXN 5').message).toBe('amount names two currencies');
    expect(errorOf('USD MXN').message).toBe('amount names two currencies');
    expect(errorOf('-5', 'gift').message).toBe('gift must be greater than zero');
    expect(errorOf('5x').message).toBe('amount must be an amount such as 1,500 or 25.50');
    expect(errorOf('  1.500 ').message).toBe('amount "1.500" could be read two ways: write 1500 or 1.50');
    expect(errorOf('1,5 00')).toEqual({
      field: 'amount',
      code: 'amount_not_understood',
      message: 'amount has a misplaced separator',
    });
    expect(errorOf('1.500,5 0').message).toBe('amount has a misplaced separator');
    expect(errorOf('1,50,0').message).toBe('amount groups its thousands wrongly');
  });
});
