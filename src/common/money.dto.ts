import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, registerDecorator, type ValidationOptions } from 'class-validator';
import { isCurrency } from './currencies.js';

/**
 * Shape check for an amount: up to 15 integer digits and up to 4 decimals (the largest ISO 4217
 * exponent). The per-currency rule (USD 2 decimals, JPY none…) and the positivity check are applied by
 * the service with `parseAmount`, which knows the currency.
 */
export const AMOUNT_PATTERN = /^\d{1,15}(\.\d{1,4})?$/;

/** Validates an upper-case ISO 4217 code supported by `isCurrency` (`USD`, `MXN`…). */
export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be an upper-case ISO 4217 currency code such as "USD" or "MXN"`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCurrency(value) },
    });
  };
}

/**
 * Money as it crosses the API: `{ "amount": "25.50", "currency": "USD" }`. Nest it with
 * `@ValidateNested() @Type(() => MoneyDto)`, then turn it into minor units with
 * `parseAmount(dto.amount, dto.currency, 'goal.amount')`.
 */
export class MoneyDto {
  @ApiProperty({
    example: '25.50',
    pattern: AMOUNT_PATTERN.source,
    description:
      'Positive decimal string in major units, with no more decimals than the currency has (USD 2, JPY 0, KWD 3).',
  })
  @IsString({ message: 'amount must be a decimal string such as "25.50"' })
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string such as "25.50"' })
  amount: string;

  @ApiProperty({ example: 'USD', pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code, upper case.' })
  @IsCurrencyCode()
  currency: string;
}
