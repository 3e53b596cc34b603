import { Transform } from 'class-transformer';

/** Input clean-up for DTO fields, applied before validation. Non-strings pass through untouched. */
const onString = (fn: (s: string) => string) =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? fn(value) : value));

export const Trim = () => onString((s) => s.trim());
export const UpperTrim = () => onString((s) => s.trim().toUpperCase());
export const LowerTrim = () => onString((s) => s.trim().toLowerCase());
