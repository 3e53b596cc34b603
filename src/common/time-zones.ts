import { createRequire } from 'node:module';
import type { CityData } from 'city-timezones';
import ct from 'countries-and-timezones';
import { countryCode, normalizeCountryText } from './countries.js';

/**
 * Time zones as people choose them: from the country and city of the place ("Estados Unidos" +
 * "Detroit" → America/Detroit), or a city typed into the zone field itself. IANA names stay what is
 * stored; the picker shows each zone as a city and the zone's name people use ("Detroit — Eastern
 * Time"). Cities come from `city-timezones` (7,000+ cities with their zone), each country's zones from
 * `countries-and-timezones`.
 */
export type ZoneLocale = 'en' | 'es';

/** How a zone was found: typed as an IANA name, from a city, or as the country's main zone. */
export type ZoneSource = 'zone' | 'city' | 'country';

export interface ResolvedZone {
  zone: string;
  source: ZoneSource;
}

// city-timezones is CommonJS with a JSON file; createRequire keeps the ESM build simple.
const cities = (createRequire(import.meta.url)('city-timezones') as { cityMapping: CityData[] }).cityMapping;

const BY_CITY: ReadonlyMap<string, CityData[]> = (() => {
  const map = new Map<string, CityData[]>();
  for (const c of cities)
    for (const name of new Set([c.city, c.city_ascii].filter(Boolean))) {
      const key = normalizeCountryText(name);
      map.set(key, [...(map.get(key) ?? []), c]);
    }
  // Biggest first: "Guadalajara" is the Mexican one unless the country says otherwise.
  for (const list of map.values()) list.sort((a, b) => b.pop - a.pop);
  return map;
})();

/** The IANA name Intl uses for a zone ("america/detroit" → "America/Detroit"), or null. */
export function canonicalZone(text: string): string | null {
  const v = text.trim();
  if (!v.includes('/')) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zones a country uses (IANA names), or [] for an unknown country. */
export function countryZones(country: string | null | undefined): string[] {
  const code = country ? countryCode(country) : null;
  return (code && ct.getCountry(code)?.timezones) || [];
}

/** A city's zone, in the given country when there is one (the biggest city of that name wins). */
export function cityZone(city: string, country?: string | null): string | null {
  const matches = BY_CITY.get(normalizeCountryText(city)) ?? [];
  const code = country ? countryCode(country) : null;
  const inCountry = code ? matches.filter((m) => m.iso2 === code) : matches;
  if (inCountry[0]) return canonicalZone(inCountry[0].timezone);
  // A city named in the zone itself ("Detroit" in America/Detroit) when the city list lacks it.
  const key = normalizeCountryText(city).replace(/ /g, '_');
  const zones = code ? countryZones(code) : Intl.supportedValuesOf('timeZone');
  const named = zones.find((z) => normalizeCountryText(z.split('/').pop() ?? '') === key.replace(/_/g, ' '));
  return named ? canonicalZone(named) : null;
}

/** A country's main zone: its only one, else the zone of its biggest city (MX → America/Mexico_City). */
export function mainZone(country: string): string | null {
  const code = countryCode(country);
  if (!code) return null;
  const zones = countryZones(code);
  if (zones.length === 1) return canonicalZone(zones[0]);
  const biggest = cities.filter((c) => c.iso2 === code).sort((a, b) => b.pop - a.pop)[0];
  return biggest ? canonicalZone(biggest.timezone) : zones[0] ? canonicalZone(zones[0]) : null;
}

/**
 * What the person meant by the zone field, read with the place's city and country: an IANA name as
 * typed; a city typed into it ("Detroit"); blank → the city's zone, else the country's main zone.
 * Null when nothing fits (the form then says what to type, with the country's zones to choose from).
 */
export function resolveTimeZone(input: {
  zone?: string | null;
  city?: string | null;
  country?: string | null;
}): ResolvedZone | null {
  const typed = input.zone?.trim() ?? '';
  if (typed) {
    const exact = canonicalZone(typed);
    if (exact) return { zone: exact, source: 'zone' };
    const fromTyped = cityZone(typed, input.country) ?? cityZone(typed);
    return fromTyped ? { zone: fromTyped, source: 'city' } : null;
  }
  const city = input.city?.trim();
  const fromCity = city ? cityZone(city, input.country) : null;
  if (fromCity) return { zone: fromCity, source: 'city' };
  const fromCountry = input.country?.trim() ? mainZone(input.country) : null;
  return fromCountry ? { zone: fromCountry, source: 'country' } : null;
}

const LANG: Record<ZoneLocale, string> = { en: 'en-US', es: 'es-MX' };

/** "Eastern Time" / "hora del Este": the zone's generic name in the reader's language. */
export function zoneLongName(zone: string, locale: ZoneLocale, at = new Date()): string {
  try {
    return (
      new Intl.DateTimeFormat(LANG[locale], { timeZone: zone, timeZoneName: 'longGeneric' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? zone
    );
  } catch {
    return zone;
  }
}

/** "Detroit — Eastern Time": how the picker shows a zone. */
export function zoneLabel(zone: string, locale: ZoneLocale): string {
  const city = (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
  return `${city} — ${zoneLongName(zone, locale)}`;
}

/**
 * Zones for a picker: the country's (when known) first, then the zones people on both sides of the
 * border use most. Values are IANA names; labels are {@link zoneLabel}.
 */
export function zoneOptions(locale: ZoneLocale, country?: string | null): { zone: string; label: string }[] {
  const common = [
    'America/Mexico_City',
    'America/Monterrey',
    'America/Tijuana',
    'America/Cancun',
    'America/Hermosillo',
    'America/New_York',
    'America/Detroit',
    'America/Chicago',
    'America/Denver',
    'America/Phoenix',
    'America/Los_Angeles',
    'America/Toronto',
    'America/Vancouver',
  ];
  const zones = [...new Set([...countryZones(country), ...common])]
    .map((z) => canonicalZone(z))
    .filter((z): z is string => Boolean(z));
  return [...new Set(zones)].map((zone) => ({ zone, label: zoneLabel(zone, locale) }));
}
