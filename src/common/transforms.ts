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

/** Windows (CRLF) and old Mac (CR) line breaks become LF: browsers send a textarea's lines as CRLF. */
export function unixLineEndings(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/**
 * Every multi-line text a browser sends is stored with LF line breaks only, so nothing downstream (the
 * packet PDF draws a stray CR as a glyph, mail, CSV) ever sees a CR. Takes a string or a LocalizedText
 * (`{ en, es }`: each string value); anything else passes through for the validator to judge.
 */
export const UnixLineEndings = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'string') return unixLineEndings(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? unixLineEndings(v) : v;
      return out;
    }
    return value;
  });
