import type { Locale } from './localized-text.js';

/**
 * Numbers, money and dates as a reader of each language expects them, through Intl (the committee's
 * Spanish is Mexico's: es-MX groups thousands with a comma, like en-US). Used by the documents that
 * leave the building (delivery packet, report PDF, the letter's mail); formatters are built once.
 */
export const LOCALE_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-MX' };

const COUNT: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE_TAG.en),
  es: new Intl.NumberFormat(LOCALE_TAG.es),
};
const PERCENT: Record<Locale, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE_TAG.en, { style: 'percent', maximumFractionDigits: 1 }),
  es: new Intl.NumberFormat(LOCALE_TAG.es, { style: 'percent', maximumFractionDigits: 1 }),
};
const LONG_DATE: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat(LOCALE_TAG.en, { dateStyle: 'long', timeZone: 'UTC' }),
  es: new Intl.DateTimeFormat(LOCALE_TAG.es, { dateStyle: 'long', timeZone: 'UTC' }),
};

/** Intl puts no-break spaces inside "USD 540.94"; documents read them as plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** 1204 → "1,204". */
export function formatCount(n: number, locale: Locale): string {
  return COUNT[locale].format(n);
}

/**
 * A decimal amount string as "USD 540.94" ("USD 20,000" when whole). The exact string goes to Intl (no
 * float arithmetic), with the currency's code rather than a symbol ("$" is both dollars and pesos).
 */
export function formatMoneyCode(amount: string, currency: string, locale: Locale): string {
  return plain(
    new Intl.NumberFormat(LOCALE_TAG[locale], {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
      trailingZeroDisplay: 'stripIfInteger',
    }).format(amount as unknown as number),
  );
}

/** A percentage given as 0–100 (number or decimal string) → "2.7%", at most one decimal. */
export function formatPercent(value: number | string, locale: Locale): string {
  return plain(PERCENT[locale].format(Number(value) / 100));
}

/** "December 3, 2026" / "3 de diciembre de 2026" (the UTC day). */
export function formatLongDate(d: Date, locale: Locale): string {
  return LONG_DATE[locale].format(d);
}
