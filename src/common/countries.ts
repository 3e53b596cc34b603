import { isISO31661Alpha2 } from 'class-validator';

/**
 * Countries as people type them. Every country field (supporters, events, campaigns, targets,
 * organizations) stores an ISO 3166-1 alpha-2 code, but accepts what a person writes: the code in any
 * case, the name in English or Spanish with or without accents ("México", "Mexico", "estados unidos"),
 * and the usual short forms (USA, EE. UU., UK). Names come from the runtime's CLDR data (Intl), so the
 * picker and the parser agree on every one of the 249 codes.
 */
export type CountryLocale = 'en' | 'es';

const CODES: readonly string[] = (() => {
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (isISO31661Alpha2(code)) codes.push(code);
    }
  return codes;
})();

const DISPLAY: Record<CountryLocale, Intl.DisplayNames> = {
  en: new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }),
  es: new Intl.DisplayNames(['es'], { type: 'region', fallback: 'none' }),
};

/** Short forms and older names people write that CLDR does not list as a country's name. */
const ALIASES: Record<string, string> = {
  usa: 'US',
  eeuu: 'US',
  eua: 'US',
  'united states of america': 'US',
  'estados unidos de america': 'US',
  america: 'US',
  mejico: 'MX',
  'estados unidos mexicanos': 'MX',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  inglaterra: 'GB',
  'gran bretana': 'GB',
  'el salvador': 'SV',
  'republica dominicana': 'DO',
};

/** Lower case, no accents, no dots, single spaces: "EE. UU." → "ee uu" → compared as "eeuu" too. */
export function normalizeCountryText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.,()']/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const BY_NAME: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const code of CODES)
    for (const locale of ['en', 'es'] as const) {
      const name = DISPLAY[locale].of(code);
      if (name) map.set(normalizeCountryText(name), code);
    }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(alias, code);
  return map;
})();

/** The ISO code for what a person typed, or null when it names no country. */
export function countryCode(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 2 && CODES.includes(trimmed.toUpperCase())) return trimmed.toUpperCase();
  const text = normalizeCountryText(trimmed);
  return BY_NAME.get(text) ?? BY_NAME.get(text.replace(/ /g, '')) ?? null;
}

/** A country's name in the reader's language; the code itself when it is not a country. */
export function countryName(code: string, locale: CountryLocale): string {
  return (CODES.includes(code) && DISPLAY[locale].of(code)) || code;
}

/** Every country for a picker, sorted by name in the reader's language, Mexico and the US first. */
export function countryOptions(locale: CountryLocale): { code: string; name: string }[] {
  const collator = new Intl.Collator(locale);
  const first = ['MX', 'US', 'CA'];
  const rest = CODES.filter((c) => !first.includes(c))
    .map((code) => ({ code, name: countryName(code, locale) }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return [...first.map((code) => ({ code, name: countryName(code, locale) })), ...rest];
}
