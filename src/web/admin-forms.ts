import type { LocalizedText } from '../common/localized-text.js';
import { parseTypedAmount } from '../common/money.js';
import { unixLineEndings } from '../common/transforms.js';
import { resolveTimeZone } from '../common/time-zones.js';
import { localToInstant } from './format.js';
import type { Translate } from './i18n/index.js';

/** Console forms → the API DTOs' plain shape (English and Spanish fields side by side: `title_en`). */

/** A browser sends a textarea's line breaks as CRLF; stored text has plain \n (PDFs draw a CR as a glyph). */
const lines = unixLineEndings;

function text(f: Record<string, string>, name: string): LocalizedText | undefined {
  const out: LocalizedText = {};
  if (f[`${name}_en`]?.trim()) out.en = lines(f[`${name}_en`]);
  if (f[`${name}_es`]?.trim()) out.es = lines(f[`${name}_es`]);
  return Object.keys(out).length ? out : undefined;
}

function int(v: string | undefined): number | string | undefined {
  if (!v?.trim()) return undefined;
  return /^\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}

function copy(f: Record<string, string>, out: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) if (f[k]?.trim()) out[k] = f[k];
}

export function campaignInput(f: Record<string, string>, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const title = text(f, 'title');
  if (title || creating) out.title = title ?? {};
  const summary = text(f, 'summary');
  if (summary) out.summary = summary;
  const body = text(f, 'body');
  if (body) out.body = body;
  copy(f, out, ['employer', 'workplace', 'city', 'region', 'country', 'union', 'sector', 'defaultLocale']);
  if (creating) copy(f, out, ['slug', 'organizationId']);
  const goals: Record<string, unknown> = {};
  if (f.goalPledges?.trim()) goals.pledges = int(f.goalPledges);
  if (f.goalSignatures?.trim()) goals.signatures = int(f.goalSignatures);
  if (f.goalMoney?.trim()) goals.money = { amount: f.goalMoney.trim(), currency: f.goalCurrency || 'USD' };
  if (Object.keys(goals).length) out.goals = goals;
  return out;
}

/**
 * The event form → CreateEventDto's shape. The zone is what the person meant (see time-zones.ts): blank
 * takes the city's and country's, a city typed in is resolved; the times are read on that zone's clock.
 * `offsets` are the ticked reminder times (minutes before), when the form showed them.
 */
export function eventInput(f: Record<string, string>, offsets?: string[]): Record<string, unknown> {
  const zone = resolveTimeZone({ zone: f.timezone, city: f.city, country: f.country })?.zone;
  const out: Record<string, unknown> = {
    title: text(f, 'title') ?? {},
    kind: f.kind,
    timezone: zone ?? f.timezone ?? '',
  };
  const description = text(f, 'description');
  if (description) out.description = description;
  copy(f, out, ['venue', 'address', 'city', 'region', 'country', 'onlineUrl']);
  out.startsAt = f.startsAt ? (safeInstant(f.startsAt, zone ?? 'UTC') ?? f.startsAt) : '';
  if (f.endsAt?.trim()) out.endsAt = safeInstant(f.endsAt, zone ?? 'UTC') ?? f.endsAt;
  if (f.capacity?.trim()) out.capacity = int(f.capacity);
  out.requireApproval = Boolean(f.requireApproval);
  out.hideAddressUntilRsvp = Boolean(f.hideAddressUntilRsvp);
  if (f.revealAddressHoursBefore?.trim()) out.revealAddressHoursBefore = int(f.revealAddressHoursBefore);
  if (f.reminderOffsetsShown && offsets)
    out.reminderOffsetsMinutes = [...new Set(offsets.map((o) => int(o)))].sort(
      (a, b) => Number(b) - Number(a),
    );
  return out;
}

/** The reminder times offered as words ("1 day before"), plus any other time an event already has. */
const REMINDER_CHOICES = [10080, 2880, 1440, 240, 120, 60];

export function reminderOffsetLabel(t: Translate, minutes: number): string {
  if (minutes === 10080) return t('reminderOffset.week');
  if (minutes % 1440 === 0)
    return minutes === 1440 ? t('reminderOffset.day') : t('reminderOffset.days', { n: minutes / 1440 });
  if (minutes % 60 === 0)
    return minutes === 60 ? t('reminderOffset.hour') : t('reminderOffset.hours', { n: minutes / 60 });
  return t('reminderOffset.minutes', { n: minutes });
}

export function reminderChoices(
  t: Translate,
  chosen: string[],
): { minutes: number; label: string; checked: boolean }[] {
  const picked = new Set(chosen.map(Number).filter((n) => Number.isInteger(n) && n > 0));
  return [...new Set([...REMINDER_CHOICES, ...picked])]
    .sort((a, b) => b - a)
    .map((minutes) => ({ minutes, label: reminderOffsetLabel(t, minutes), checked: picked.has(minutes) }));
}

function safeInstant(local: string, zone: string): string | null {
  try {
    return localToInstant(local, zone);
  } catch {
    return null;
  }
}

export function letterInput(f: Record<string, string>, targetIds: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    title: text(f, 'title') ?? {},
    subject: text(f, 'subject') ?? {},
    body: text(f, 'body') ?? {},
    targetIds,
    allowPersonalNote: Boolean(f.allowPersonalNote),
  };
  if (f.signatureGoal?.trim()) out.signatureGoal = int(f.signatureGoal);
  return out;
}

export function fundraiserInput(f: Record<string, string>): Record<string, unknown> {
  return {
    title: text(f, 'title') ?? {},
    goal: { amount: f.goalAmount?.trim() ?? '', currency: f.goalCurrency || 'USD' },
  };
}

/**
 * An amount as typed ("1,500", "$5,000", "MXN 1,500.50") → the API's money shape; a currency named in
 * the text wins over the currency field. Throws BadInputError (on `amount.amount`) when it cannot be
 * read one way only (parseTypedAmount).
 */
export function typedMoney(amount: string | undefined, currency: string | undefined): Record<string, string> {
  const typed = parseTypedAmount(amount ?? '', 'amount.amount');
  return {
    amount: typed.amount,
    currency: typed.currency ?? ((currency || 'USD').trim().toUpperCase() || 'USD'),
  };
}

export function donationInput(f: Record<string, string>, lang: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    amount: typedMoney(f.amount, f.currency),
    status: 'received',
    method: f.method || 'cash',
  };
  if (f.note?.trim()) out.note = f.note;
  if (f.receivedAt?.trim()) out.receivedAt = f.receivedAt.trim();
  if (f.externalRef?.trim()) out.externalRef = f.externalRef.trim();
  if (f.email?.trim() || f.firstName?.trim()) {
    const donor: Record<string, unknown> = { locale: lang };
    copy(f, donor, ['email', 'firstName', 'lastName', 'city', 'country']);
    out.donor = donor;
  }
  return out;
}

export function walkInInput(f: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copy(f, out, ['email', 'firstName', 'lastName', 'city']);
  if (f.guests?.trim()) out.guests = int(f.guests);
  return out;
}

/** A delivery form: the target, the method, "only new" and a note (email: the address shown). */
export function deliveryInput(f: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    targetId: f.targetId ?? '',
    method: f.method ?? '',
    onlyNew: Boolean(f.onlyNew),
  };
  if (f.method === 'email') out.expectedEmail = f.expectedEmail ?? '';
  if (f.note?.trim()) out.note = f.note;
  return out;
}

/** Multiple checkboxes with one name arrive as an array (or a single string). */
export function listField(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | null)?.[name];
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' && v ? [v] : [];
}

/** The event form for an edit: a blank capacity means unlimited (null), unlike on create. */
export function eventUpdateInput(f: Record<string, string>, offsets?: string[]): Record<string, unknown> {
  const out = eventInput(f, offsets);
  if (!f.capacity?.trim()) out.capacity = null;
  if (!f.revealAddressHoursBefore?.trim()) out.revealAddressHoursBefore = null;
  return out;
}

export function fundraiserUpdateInput(f: Record<string, string>): Record<string, unknown> {
  const out = fundraiserInput(f);
  const description = text(f, 'description');
  if (description) out.description = description;
  if ('giving0_method' in f) out.giving = givingInput(f);
  return out;
}

/** Slots of the fundraiser form's "how to give" rows (`giving0_method`, `giving0_details_es`…). */
export const GIVING_SLOTS = 6;
const GIVING_KEYS = ['method', 'currency', 'url', 'details_en', 'details_es'] as const;

/** The filled "how to give" rows, moved up so that row i is the list's item i (blank rows dropped). */
export function compactGiving(f: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (!/^giving\d+_/.test(k)) out[k] = v;
  let n = 0;
  for (let i = 0; i < GIVING_SLOTS; i++) {
    const filled = ['currency', 'url', 'details_en', 'details_es'].some((k) => f[`giving${i}_${k}`]?.trim());
    if (!filled) continue;
    for (const k of GIVING_KEYS)
      if (f[`giving${i}_${k}`] !== undefined) out[`giving${n}_${k}`] = f[`giving${i}_${k}`];
    n++;
  }
  if ('giving0_method' in f && !('giving0_method' in out)) out.giving0_method = '';
  return out;
}

/** The "how to give" rows (compacted) as the API's `giving` list. */
function givingInput(f: Record<string, string>): Record<string, unknown>[] {
  const c = compactGiving(f);
  const list: Record<string, unknown>[] = [];
  for (let i = 0; c[`giving${i}_currency`] !== undefined || c[`giving${i}_url`] !== undefined; i++) {
    if (i >= GIVING_SLOTS) break;
    const item: Record<string, unknown> = {
      method: c[`giving${i}_method`] || 'other',
      currency: (c[`giving${i}_currency`] ?? '').trim().toUpperCase(),
    };
    if (c[`giving${i}_url`]?.trim()) item.url = c[`giving${i}_url`].trim();
    const details = text(c, `giving${i}_details`);
    if (details) item.details = details;
    list.push(item);
  }
  return list;
}

/** A stored `giving` list as the form's row values. */
export function givingValues(
  list: { method: string; currency: string; url?: string; details?: LocalizedText }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  list.forEach((g, i) => {
    out[`giving${i}_method`] = g.method;
    out[`giving${i}_currency`] = g.currency;
    if (g.url) out[`giving${i}_url`] = g.url;
    if (g.details?.en) out[`giving${i}_details_en`] = g.details.en;
    if (g.details?.es) out[`giving${i}_details_es`] = g.details.es;
  });
  return out;
}

/** A target of the library; on an edit, blanks clear the optional fields (the DTO turns '' into null). */
export function targetInput(f: Record<string, string>, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: text(f, 'name') ?? {} };
  const title = text(f, 'title');
  if (title) out.title = title;
  else if (!creating) out.title = null;
  for (const k of ['organization', 'email', 'postalAddress', 'country']) {
    if (f[k]?.trim()) out[k] = f[k];
    else if (!creating && k !== 'country') out[k] = '';
  }
  copy(f, out, ['kind', 'locale']);
  return out;
}

export function rateInput(f: Record<string, string>): Record<string, unknown> {
  return {
    base: (f.base ?? '').trim().toUpperCase(),
    quote: (f.quote ?? '').trim().toUpperCase(),
    rate: (f.rate ?? '').trim(),
    validFrom: (f.validFrom ?? '').trim(),
  };
}

/** A console form's fields by name, as the browser sent them or as a record fills them. */
export type FormValues = Record<string, string>;

/** A record's localized text → the form's side-by-side fields (`title_en`, `title_es`). */
export function localizedValues(v: LocalizedText | null | undefined, name: string): FormValues {
  return { [`${name}_en`]: v?.en ?? '', [`${name}_es`]: v?.es ?? '' };
}

/**
 * A zone the form could not resolve reads as what to type ("a city such as Detroit"), not as the
 * API's "must be an IANA time zone".
 */
export function withZoneHint(errors: Record<string, string>): Record<string, string> {
  return errors.timezone === 'isIanaTimeZone' ? { ...errors, timezone: 'unknown_zone' } : errors;
}
