import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { countryCode } from './countries.js';

/**
 * A phone number as people type it ("477 123 4567", "+1 (313) 555-0100") as E.164 (`+524771234567`),
 * read with the form's country as the default (a number without +country code is read as a number
 * of that country). null when it is not a possible, valid number.
 */
export function toE164(value: string, country?: string | null): string | null {
  const cc = country ? countryCode(country) : null;
  const parsed = parsePhoneNumberFromString(value, cc ? { defaultCountry: cc as CountryCode } : undefined);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

export const E164 = /^\+[1-9][0-9]{6,14}$/;
