import MarkdownIt from 'markdown-it';
import type { ErrorDetail } from '../common/errors.js';
import { escapeHtml } from '../common/html.js';
import { LOCALES, type Locale, type LocalizedText } from '../common/localized-text.js';
import { replaceMergeFields } from '../letters/merge-fields.js';

/**
 * Bulletin bodies: Markdown → HTML and a plain-text part, with one merge field, the first name, and
 * its fallback: `{{supporter.firstName}}` or `{{supporter.firstName | amiga}}`. Raw HTML in the body
 * is never passed through (markdown-it with `html: false` writes it as text), and links other than
 * http(s)/mailto are refused by markdown-it's link check. The Markdown is rendered once per bulletin
 * and language; each recipient costs a string replacement of the merge fields.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

export const FIRST_NAME = 'supporter.firstName';
/** What `{{supporter.firstName}}` becomes without a first name and without a fallback of its own. */
export const DEFAULT_FALLBACK: Record<Locale, string> = { en: 'friend', es: 'compa' };

interface Field {
  fallback: string | null;
}

/** Parses the inside of `{{…}}`: `supporter.firstName` with an optional `| fallback`; null if unknown. */
function parseField(inner: string): Field | null {
  const bar = inner.indexOf('|');
  const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  if (name !== FIRST_NAME) return null;
  const fallback = bar < 0 ? null : inner.slice(bar + 1).trim();
  return { fallback: fallback || null };
}

/** Unknown merge fields in a bulletin's subject or body, as error details naming `field.lang`. */
export function bulletinFieldProblems(field: string, text: LocalizedText | undefined): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const l of LOCALES) {
    const value = text?.[l];
    if (!value) continue;
    replaceMergeFields(value, (inner, whole) => {
      if (!parseField(inner))
        details.push({
          field: `${field}.${l}`,
          code: 'unknown_merge_field',
          message: `${field}.${l} uses an unknown merge field {{${inner}}}; known: {{${FIRST_NAME}}} (with an optional fallback: {{${FIRST_NAME} | friend}})`,
        });
      return whole;
    });
  }
  return details;
}

/** A bulletin rendered in one language, waiting for each recipient's first name. */
export interface BulletinTemplate {
  locale: Locale;
  subject: (firstName: string | null) => string;
  html: (firstName: string | null) => string;
  text: (firstName: string | null) => string;
}

/** Splits `source` at its merge fields: the literal pieces and, between them, each field. */
function split(source: string): { pieces: string[]; fields: Field[] } {
  const fields: Field[] = [];
  // \u0001 cannot be typed into a form; any that came in is dropped so the split below is exact.
  const marked = replaceMergeFields(source.replaceAll('\u0001', ''), (inner, whole) => {
    const f = parseField(inner);
    if (!f) return whole;
    fields.push(f);
    return '\u0001';
  });
  return { pieces: marked.split('\u0001'), fields };
}

function filler(fields: Field[], locale: Locale, escape: (s: string) => string) {
  return (pieces: string[], firstName: string | null) => {
    let out = pieces[0];
    for (let i = 0; i < fields.length; i++)
      out += escape(firstName?.trim() || fields[i].fallback || DEFAULT_FALLBACK[locale]) + pieces[i + 1];
    return out;
  };
}

/** Renders subject and body of one language (the caller picks the language: see pickBulletinLocale). */
export function compileBulletin(subject: string, body: string, locale: Locale): BulletinTemplate {
  const s = split(subject.replace(/\s+/g, ' ').trim());
  const b = split(body.replace(/\r\n?/g, '\n'));
  // The Markdown is rendered with placeholders that Markdown leaves alone (letters and digits).
  const marker = (i: number) => `MERGEFIELD${i}X`;
  const withMarkers = b.pieces.reduce(
    (acc, piece, i) => (i === 0 ? piece : `${acc}${marker(i - 1)}${piece}`),
    '',
  );
  const html = md.render(withMarkers);
  const htmlPieces = html.split(/MERGEFIELD\d+X/);
  const plain = filler(s.fields, locale, (x) => x);
  const inBody = filler(b.fields, locale, (x) => x);
  const inHtml = filler(b.fields, locale, escapeHtml);
  // A marker Markdown split, swallowed or copied (a linked address holding a field) leaves the HTML
  // part without any of its fields; the text part keeps them (bulletin-render.spec.ts).
  const htmlOk = htmlPieces.length === b.fields.length + 1;
  return {
    locale,
    subject: (firstName) => plain(s.pieces, firstName),
    text: (firstName) => inBody(b.pieces, firstName).trim(),
    html: (firstName) => (htmlOk ? inHtml(htmlPieces, firstName) : html.replace(/MERGEFIELD\d+X/g, '')),
  };
}

/** The recipient's language when the bulletin has it, else the other one. */
export function pickBulletinLocale(text: LocalizedText, wanted: Locale | null | undefined): Locale {
  if (wanted && text[wanted]) return wanted;
  return text.en ? 'en' : 'es';
}
