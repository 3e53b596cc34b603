import 'reflect-metadata';
import { validate } from 'class-validator';
import { MoneyDto } from './money.dto.js';

describe('MoneyDto', () => {
  async function problems(amount: unknown, currency: unknown): Promise<string[]> {
    const errors = await validate(Object.assign(new MoneyDto(), { amount, currency }));
    return errors.flatMap((e) => Object.values(e.constraints ?? {}));
  }

  it('accepts a decimal amount and an upper-case ISO code', async () => {
    expect(await problems('25.50', 'USD')).toEqual([]);
    expect(await problems('5', 'JPY')).toEqual([]);
    expect(await problems('1.2345', 'CLF')).toEqual([]);
  });

  it('names the field in its messages', async () => {
    expect(await problems('25,50', 'USD')).toEqual(['amount must be a decimal string such as "25.50"']);
    expect(await problems(25.5, 'USD')).toContain('amount must be a decimal string such as "25.50"');
    expect(await problems('1.23456', 'USD')).toHaveLength(1);
    expect(await problems('1234567890123456', 'USD')).toHaveLength(1);
    expect(await problems('25.50', 'usd')).toEqual([
      'currency must be an upper-case ISO 4217 currency code such as "USD" or "MXN"',
    ]);
    expect(await problems('25.50', undefined)).toHaveLength(1);
  });
});
