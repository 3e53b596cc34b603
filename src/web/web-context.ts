import type { FastifyReply, FastifyRequest } from 'fastify';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { cleanShareCode, cleanSource } from '../common/attribution.js';
import { isLocale, pickLocale, type Locale } from '../common/localized-text.js';
import { parseTypedAmount } from '../common/money.js';
import { cookiesSecure } from '../common/public-links.js';
import { countryName, countryOptions } from '../common/countries.js';
import { zoneOptions } from '../common/time-zones.js';
import { reminderChoices } from './admin-forms.js';
import { flattenValidationErrors } from '../common/validation.js';
import { BadInputError, ConflictError, DomainError, type ErrorDetail } from '../common/errors.js';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatZoned,
  paragraphs,
  percent,
} from './format.js';
import { errorMessage, labelOf, pluralWord, translator, type Translate } from './i18n/index.js';

export const LANG_COOKIE = 'lang';

/** Where registerWeb puts PUBLIC_BASE_URL on the Fastify instance. */
export const PUBLIC_BASE_URL_KEY = 'puentePublicBaseUrl';

/**
 * PUBLIC_BASE_URL (no trailing slash): the start of every absolute link on a page (Open Graph, share
 * links, calendar files). Never the request's Host header, which any client can forge.
 */
export function publicBase(req: FastifyRequest): string {
  const base = (req.server as unknown as Record<string, unknown>)[PUBLIC_BASE_URL_KEY];
  if (typeof base !== 'string') throw new Error('registerWeb did not run: no public base URL');
  return base;
}

/** Cookies are Secure when PUBLIC_BASE_URL is https (not from the request's protocol). */
export const secureCookies = (req: FastifyRequest): boolean => cookiesSecure(publicBase(req));
const YEAR = 365 * 24 * 3600;

type Req = FastifyRequest & { cookies?: Record<string, string | undefined> };
type Rep = FastifyReply & {
  setCookie?: (name: string, value: string, opts: Record<string, unknown>) => FastifyReply;
  generateCsrf?: () => string;
  viewAsync?: (page: string, data: object) => Promise<string>;
};

export interface LangPreference {
  /** `?lang=`, else the `lang` cookie; undefined when neither is set. */
  chosen: Locale | undefined;
  acceptLanguage: string | undefined;
}

/** The reader's choice: `?lang=` (remembered in a cookie by the switcher), then the cookie. */
export function langPreference(req: FastifyRequest, reply: FastifyReply): LangPreference {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  let chosen: Locale | undefined;
  if (isLocale(q)) {
    chosen = q;
    (reply as Rep).setCookie?.(LANG_COOKIE, q, {
      path: '/',
      maxAge: YEAR,
      sameSite: 'lax',
      httpOnly: true,
      secure: secureCookies(req),
    });
  } else {
    const c = (req as Req).cookies?.[LANG_COOKIE];
    if (isLocale(c)) chosen = c;
  }
  const al = req.headers['accept-language'];
  return { chosen, acceptLanguage: typeof al === 'string' ? al : undefined };
}

/** Language for pages that have no campaign: choice, then Accept-Language, then English. */
export function pageLang(req: FastifyRequest, reply: FastifyReply, fallback: Locale = 'en'): Locale {
  const p = langPreference(req, reply);
  return pickLocale(p.chosen, p.acceptLanguage, fallback);
}

export interface OpenGraph {
  title: string;
  description: string;
  url?: string;
  /** The campaign's own preview image (absolute URL); else the generic one. */
  image?: string | null;
}

export interface PageData {
  title: string;
  og?: OpenGraph;
  [key: string]: unknown;
}

/** Helpers every template receives as `it.*`. */
function helpers(lang: Locale, t: Translate) {
  return {
    lang,
    t,
    money: (m: Parameters<typeof formatMoney>[0]) => formatMoney(m, lang),
    num: (n: number) => formatNumber(n, lang),
    dateTime: (d: Date | string | null | undefined, zone?: string) => formatDateTime(d, lang, zone),
    date: (d: Date | string | null | undefined) => formatDate(d, lang),
    /** An event form's reminder times as words, the chosen ones ticked (admin/_event-fields.eta). */
    reminderChoices: (chosen: string[]) => reminderChoices(t, chosen),
    /** Every country for a picker, by name in the page's language (partials/country-field.eta). */
    countries: () => countryOptions(lang),
    /** A stored country code as its name in the page's language ("US" → "Estados Unidos"). */
    countryName: (code: string | null | undefined) => (code ? countryName(code, lang) : ''),
    /** Zones for a picker, the country's first (partials/zone-field.eta). */
    zones: (country?: string | null) => zoneOptions(lang, country),
    /** "Mar 14, 2026, 10:00 AM CST": a time in a zone (the organization's), with the zone's name. */
    zoned: (d: Date | string | null | undefined, zone: string) => formatZoned(d, lang, zone),
    pct: percent,
    paragraphs,
    errText: (code: string | undefined) => (code ? errorMessage(t, code) : ''),
    enc: encodeURIComponent,
    /** `signatures`, 2 → "signatures"; 1 → "signature" (Intl.PluralRules). */
    word: (base: string, n: number) => pluralWord(lang, base, n),
    /** `signatures`, 2 → "2 signatures", formatted for the language. */
    count: (base: string, n: number) => `${formatNumber(n, lang)} ${pluralWord(lang, base, n)}`,
    /** A stored value in the page's language: `it.label('status.event', e.status)`. */
    label: (group: string, value: string | null | undefined) => labelOf(t, group, value),
  };
}

/** Renders `template` (in src/web/views) inside the layout, with the CSRF token and the switcher. */
export async function render(
  req: FastifyRequest,
  reply: FastifyReply,
  lang: Locale,
  template: string,
  data: PageData,
  status = 200,
): Promise<void> {
  const html = await renderHtml(req, reply, lang, template, data);
  await reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** The page as a string (for render, and for hooks that replace a payload, like the 429 page). */
export async function renderHtml(
  req: FastifyRequest,
  reply: FastifyReply,
  lang: Locale,
  template: string,
  data: PageData,
): Promise<string> {
  const rep = reply as Rep;
  const t = translator(lang);
  const url = new URL(req.url, 'http://x');
  const switchUrl = (l: Locale) => {
    const u = new URL(url.toString());
    u.searchParams.set('lang', l);
    return `${u.pathname}${u.search}`;
  };
  const baseUrl = publicBase(req);
  const html = await rep.viewAsync!(template, {
    ...helpers(lang, t),
    csrf: rep.generateCsrf?.() ?? '',
    switchUrl,
    path: url.pathname,
    baseUrl,
    pageUrl: `${baseUrl}${url.pathname}`,
    errors: {},
    values: {},
    ...data,
  });
  return html;
}

export function redirect(reply: FastifyReply, to: string): FastifyReply {
  return reply.status(303).header('location', to).send();
}

/** Form fields as the browser sent them (urlencoded): strings, no CSRF field, blanks dropped. */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    const s = Array.isArray(v) ? String(v[v.length - 1]) : typeof v === 'string' ? v : undefined;
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export type FieldErrors = Record<string, string>;

/** Validates plain input against an API DTO class, with the API's own rules. Field → first error code. */
export async function validateAs<T extends object>(
  cls: ClassConstructor<T>,
  plain: Record<string, unknown>,
): Promise<{ dto: T; errors: null } | { dto: null; errors: FieldErrors }> {
  const dto = plainToInstance(cls, plain);
  const found = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (!found.length) return { dto, errors: null };
  return { dto: null, errors: detailsToErrors(flattenValidationErrors(found)) };
}

export function detailsToErrors(details: ErrorDetail[] | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const d of details ?? []) {
    const field = d.field.replace(/\.(en|es)$/, '_$1');
    if (!(field in out)) out[field] = d.code;
  }
  return out;
}

/** The supporter fields of a public form (flat, as in the API), blanks left out. */
export function supporterFields(f: Record<string, string>, lang: Locale): Record<string, unknown> {
  const out: Record<string, unknown> = { locale: lang };
  for (const k of ['email', 'firstName', 'lastName', 'city', 'region', 'country', 'postalCode'] as const) {
    if (f[k]?.trim()) out[k] = f[k];
  }
  if (f.email !== undefined && !f.email.trim()) out.email = '';
  if (f.firstName !== undefined && !f.firstName.trim()) out.firstName = '';
  if (f.consentEmail) out.consentEmail = true;
  if (f.phone?.trim()) {
    out.phone = f.phone;
    if (f.consentPhone) out.consentPhone = true;
    if (f.consentWhatsapp) out.consentWhatsapp = true;
  }
  for (const k of ['source', 'ref'] as const) if (f[k]?.trim()) out[k] = f[k];
  return out;
}

/** A sign form (page or embed) in the API's shape: the supporter, and the note only where the letter takes one. */
export function signFormBody(
  f: Record<string, string>,
  lang: Locale,
  allowPersonalNote: boolean | undefined,
): Record<string, unknown> {
  const plain = supporterFields(f, lang);
  if (allowPersonalNote && f.personalNote?.trim()) plain.personalNote = f.personalNote;
  if (f.showPublicly) plain.showPublicly = true;
  return plain;
}

/** An RSVP form (page or embed) in the API's shape; guests as a number when they are one. */
export function rsvpFormBody(f: Record<string, string>, lang: Locale): Record<string, unknown> {
  const plain = supporterFields(f, lang);
  if (f.guests?.trim()) plain.guests = /^\d+$/.test(f.guests.trim()) ? Number(f.guests) : f.guests;
  return plain;
}

/**
 * A pledge form (page or embed) in the API's shape. The amount goes with a gift only (another kind
 * ignores it rather than refusing the pledge) and is read as people type it (parseTypedAmount:
 * "1,500", "$5,000", "MXN 1,500.50"); what cannot be read goes on as typed, for the DTO to refuse on
 * its field.
 */
export function pledgeFormBody(f: Record<string, string>, lang: Locale): Record<string, unknown> {
  const plain: Record<string, unknown> = { ...supporterFields(f, lang), kind: f.kind };
  if (f.message?.trim()) plain.message = f.message;
  if (f.kind === 'donate' && f.amount?.trim()) {
    let typed: { amount: string; currency: string | null };
    try {
      typed = parseTypedAmount(f.amount, 'amount.amount');
    } catch {
      typed = { amount: f.amount.trim(), currency: null };
    }
    plain.amount = { amount: typed.amount, currency: (f.currency || typed.currency || 'USD').toUpperCase() };
  }
  return plain;
}

/**
 * A form's starting values with where the reader came from (`?source=`, `?ref=`), cleaned, for the
 * form's hidden fields: so the action records them (src/common/attribution.ts).
 */
export function withAttribution(req: FastifyRequest, values: Record<string, string>): Record<string, string> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out = { ...values };
  const source = cleanSource(q.source);
  const ref = cleanShareCode(q.ref);
  if (source && out.source === undefined) out.source = source;
  if (ref && out.ref === undefined) out.ref = ref;
  return out;
}

/** Field errors a service raised (BadInputError, or a conflict on a field, or a taken slug), else null. */
export function fieldErrorsOf(e: unknown): FieldErrors | null {
  if ((e instanceof BadInputError || e instanceof ConflictError) && e.details?.length) {
    return detailsToErrors(e.details);
  }
  if (e instanceof DomainError && e.code === 'slug_taken') return { slug: 'slug_taken' };
  return null;
}
