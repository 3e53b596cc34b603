import { BadInputError } from './errors.js';

/**
 * ISO 4217 active currency codes with their minor-unit exponent (how many decimal places an amount
 * has: USD 2 → cents, JPY 0, KWD 3 → fils). Kept as an explicit table on purpose: `Intl` gives CLDR's
 * display digits, which differ from ISO 4217 for several currencies (IDR, HUF, CLP…), and an amount
 * stored in minor units must never change meaning when Node's ICU data changes.
 *
 * Not listed: codes without a minor unit in ISO 4217 ("N.A.": precious metals XAU XAG XPT XPD, bond
 * units XBA–XBD, XDR, XSU, XUA, the test code XTS, XXX) and withdrawn codes (HRK, replaced by EUR in
 * 2023). Codes in a transition period are kept beside their successors (ANG/XCG, SLL/SLE, ZWL/ZWG, BGN,
 * CUC), so a donation already recorded in them can still be shown.
 */
const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 = [
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD',
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL',
  'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD',
  'LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN',
  'PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL',
  'THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL',
].join(' ');

function table(): ReadonlyMap<string, number> {
  const groups: [string, number][] = [
    [EXPONENT_0, 0],
    [EXPONENT_2, 2],
    [EXPONENT_3, 3],
    [EXPONENT_4, 4],
  ];
  const map = new Map<string, number>();
  for (const [codes, exponent] of groups) {
    for (const code of codes.split(' ')) {
      if (map.has(code)) throw new Error(`currency ${code} listed twice`);
      map.set(code, exponent);
    }
  }
  return map;
}

/** Every supported code → its minor-unit exponent. */
export const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = table();

/** Every supported code, sorted (for OpenAPI enums and select boxes). */
export const CURRENCY_CODES: readonly string[] = Object.freeze([...CURRENCY_EXPONENTS.keys()].sort());

/** True for a supported ISO 4217 code, written in upper case (`USD`, not `usd`). */
export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && CURRENCY_EXPONENTS.has(code);
}

/** Throws `BadInputError` (code `unknown_currency`) naming `field` unless `code` is supported. */
export function assertCurrency(code: unknown, field = 'currency'): asserts code is string {
  if (!isCurrency(code)) {
    throw BadInputError.field(
      field,
      'unknown_currency',
      `${field} must be an upper-case ISO 4217 currency code such as "USD" or "MXN"`,
    );
  }
}

/** Minor-unit exponent of `code` (USD → 2, JPY → 0, KWD → 3); `unknown_currency` if not supported. */
export function currencyExponent(code: string, field = 'currency'): number {
  assertCurrency(code, field);
  return CURRENCY_EXPONENTS.get(code)!;
}
