import { Transform } from 'class-transformer';
import { countryCode } from './countries.js';

/** Input clean-up for DTO fields, applied before validation. Non-strings pass through untouched. */
const onString = (fn: (s: string) => string) =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? fn(value) : value));

export const Trim = () => onString((s) => s.trim());
export const UpperTrim = () => onString((s) => s.trim().toUpperCase());
export const LowerTrim = () => onString((s) => s.trim().toLowerCase());

/** A country as typed ("México", "Estados Unidos", "us") becomes its ISO code; anything else stays, for the validator to refuse. */
export const ToCountry = () => onString((s) => countryCode(s) ?? s.trim());
