import type { Locale } from '../common/localized-text.js';
import { countryName } from '../common/countries.js';
import { formatCount, LOCALE_TAG as TAG } from '../common/locale-format.js';
import { displayMoney, type MoneyJson } from '../common/money.js';
import { zoneAbbreviation } from '../common/zone-abbreviation.js';

/** Money for display, always with its code (`MXN 1,500`): see displayMoney in src/common/money.ts. */
export function formatMoney(m: MoneyJson | null | undefined, lang: Locale): string {
  return displayMoney(m, lang);
}

/** 1204 → "1,204" (the documents' formatter, so pages and PDFs agree). */
export const formatNumber = formatCount;

/** A date-time in a given zone (an event's own), with the zone's abbreviation. */
export function formatDateTime(d: Date | string | null | undefined, lang: Locale, timeZone = 'UTC'): string {
  if (!d) return '';
  return new Intl.DateTimeFormat(TAG[lang], {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(d));
}

export function formatDate(d: Date | string | null | undefined, lang: Locale): string {
  if (!d) return '';
  return new Intl.DateTimeFormat(TAG[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(d));
}

/** Percentage (0–100, whole) of a count toward a goal. */
export function percent(n: number, goal: number | null | undefined): number {
  if (!goal || goal <= 0) return 0;
  return Math.min(100, Math.floor((n * 100) / goal));
}

/** Plain text with blank lines between paragraphs → paragraphs (escaped by the template). */
export function paragraphs(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** `2026-03-14T12:00` read as a wall-clock time in `zone` → the instant (ISO, UTC). */
export function localToInstant(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Offset of the zone at the guessed instant, then once more at the corrected one (DST edges).
  const offset = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - t;
  };
  let t = guess - offset(guess);
  t = guess - offset(t);
  return new Date(t).toISOString();
}

/** An instant as a `datetime-local` value (`2026-03-14T12:00`) on the wall clock of `zone`. */
export function instantToLocal(d: Date | string | null | undefined, zone: string): string {
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(d));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * A time as staff read it in their organization's zone, with the zone's short name: "Mar 14, 2026,
 * 10:00 AM CST" / "14 mar 2026, 10:00 CST". The year stays: reminders and deadlines span years.
 */
export function formatZoned(d: Date | string | null | undefined, lang: Locale, zone: string): string {
  if (!d) return '';
  const at = new Date(d);
  const text = new Intl.DateTimeFormat(TAG[lang], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  }).format(at);
  return `${text} ${zoneAbbreviation(at, zone)}`;
}

/**
 * The country suggestions under the free-text field: the countries of this border's campaigns, named
 * in the reader's language. Any name in either language, or a code, is understood (src/common/countries.ts);
 * the full list of ~250 would double the weight of a ~13 KB page.
 */
const SUGGESTED_COUNTRIES = ['MX', 'US', 'CA', 'GT', 'HN', 'SV', 'NI', 'CO', 'VE', 'PR'];
export function countryChoices(lang: Locale): string[] {
  return SUGGESTED_COUNTRIES.map((code) => countryName(code, lang));
}
