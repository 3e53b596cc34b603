import type { ErrorDetail } from '../common/errors.js';
import { LOCALES, type Locale, type LocalizedText } from '../common/localized-text.js';

/**
 * Merge fields in a letter's subject and body: `{{target.name}}`, `{{supporter.firstName}}`, …
 * Validated when the letter is saved (an unknown field is a 400 naming `body.en` and the field) and
 * rendered per target and signer as PLAIN TEXT: values are inserted verbatim and never interpreted, so
 * whatever goes out (HTML mail, PDF, JSON) escapes the result for its own medium.
 */
export const MERGE_FIELDS = [
  'target.name',
  'target.title',
  'target.organization',
  'supporter.firstName',
  'supporter.lastName',
  'supporter.city',
  'supporter.region',
  'supporter.country',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

// Linear: one greedy class that cannot contain a brace, the spaces are trimmed afterwards. (A pattern
// with `\s*` on both sides of a lazy group backtracks quadratically on "{{" and many spaces.)
const FIELD = /\{\{([^{}]*)\}\}/g;
const KNOWN = new Set<string>(MERGE_FIELDS);

/**
 * `text` with every `{{…}}` replaced by what `replace` answers for its inside (spaces trimmed): the one
 * merge-field scanner, shared with bulletins (bulletins/bulletin-render.ts), which add a fallback.
 */
export function replaceMergeFields(text: string, replace: (inner: string, whole: string) => string): string {
  return text.replace(FIELD, (whole, inner: string) => replace(inner.trim(), whole));
}

/** The merge field names in `text`, spaces inside the braces trimmed, in order. */
function fieldNames(text: string): string[] {
  return [...text.matchAll(FIELD)].map((m) => m[1].trim());
}

export interface MergeTarget {
  name: string;
  title?: string | null;
  organization?: string | null;
}

export interface MergeSupporter {
  firstName?: string | null;
  lastName?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
}

/** The merge fields in `text` that are not known. */
export function unknownMergeFields(text: string): string[] {
  const out = new Set<string>();
  for (const name of fieldNames(text)) if (!KNOWN.has(name)) out.add(name);
  return [...out];
}

/** Problems with the merge fields of a LocalizedText, as error details naming `field.lang`. */
export function mergeFieldProblems(field: string, text: LocalizedText | undefined): ErrorDetail[] {
  if (!text) return [];
  const details: ErrorDetail[] = [];
  for (const l of LOCALES) {
    const value = text[l];
    if (!value) continue;
    for (const name of unknownMergeFields(value)) {
      details.push({
        field: `${field}.${l}`,
        code: 'unknown_merge_field',
        message: `${field}.${l} uses an unknown merge field {{${name}}}; known: ${MERGE_FIELDS.map((f) => `{{${f}}}`).join(', ')}`,
      });
    }
  }
  return details;
}

export function usesSupporterFields(text: string): boolean {
  return fieldNames(text).some((name) => name.startsWith('supporter.'));
}

/** Generic words for supporter fields shown to a signer before she signs (public page, console preview). */
const PLACEHOLDERS: Record<Locale, Record<string, string>> = {
  en: {
    'supporter.firstName': '[first name]',
    'supporter.lastName': '[last name]',
    'supporter.city': '[city]',
    'supporter.region': '[region]',
    'supporter.country': '[country]',
  },
  es: {
    'supporter.firstName': '[nombre]',
    'supporter.lastName': '[apellido]',
    'supporter.city': '[ciudad]',
    'supporter.region': '[estado]',
    'supporter.country': '[país]',
  },
};

function listOf(values: string[], locale: Locale): string {
  const v = values.filter(Boolean);
  if (v.length <= 1) return v[0] ?? '';
  const and = locale === 'es' ? 'y' : 'and';
  return `${v.slice(0, -1).join(', ')} ${and} ${v[v.length - 1]}`;
}

/**
 * Renders `text` for one or more targets (several → "A, B and C") and one signer (none → a generic
 * placeholder such as "[first name]"). A field with no value becomes ''.
 */
export function renderLetter(
  text: string,
  targets: MergeTarget | MergeTarget[],
  supporter: MergeSupporter | null,
  locale: Locale,
): string {
  const ts = Array.isArray(targets) ? targets : [targets];
  return text.replace(FIELD, (whole, inner: string) => {
    const name = inner.trim();
    switch (name) {
      case 'target.name':
        return listOf(
          ts.map((t) => t.name),
          locale,
        );
      case 'target.title':
        return listOf(
          ts.map((t) => t.title ?? ''),
          locale,
        );
      case 'target.organization':
        return listOf(
          ts.map((t) => t.organization ?? ''),
          locale,
        );
      case 'supporter.firstName':
      case 'supporter.lastName':
      case 'supporter.city':
      case 'supporter.region':
      case 'supporter.country': {
        if (!supporter) return PLACEHOLDERS[locale][name];
        const key = name.slice('supporter.'.length) as keyof MergeSupporter;
        return supporter[key] ?? '';
      }
      default:
        return whole;
    }
  });
}

/**
 * What a run of supporter fields stands for in the letter that goes to the target, where there is no
 * single signer: "the undersigned" for a run that names people, "our communities" for places only.
 */
const COLLECTIVE: Record<Locale, { people: string; places: string }> = {
  en: { people: 'the undersigned', places: 'our communities' },
  es: { people: 'las personas abajo firmantes', places: 'nuestras comunidades' },
};

/**
 * A run of supporter fields with only spaces, line breaks and punctuation between them, e.g.
 * "{{supporter.firstName}} {{supporter.lastName}},\n{{supporter.city}}". Linear: each field is a fixed
 * word, and the separators cannot contain a brace.
 */
const SUPPORTER_RUN =
  /\{\{\s*supporter\.[A-Za-z]+\s*\}\}(?:[ \t\n,;:/·–—-]*\{\{\s*supporter\.[A-Za-z]+\s*\}\})*/g;

/**
 * The letter as it goes to the target (email and delivery packet): target fields resolved, and every
 * run of supporter fields — a signature block such as "{{supporter.firstName}} {{supporter.lastName}},
 * {{supporter.city}}" — replaced by words for all the signers ("the undersigned", capitalised at the
 * start of a line), since the signers themselves are listed apart. No placeholder is ever left.
 */
export function renderForTarget(text: string, targets: MergeTarget | MergeTarget[], locale: Locale): string {
  const words = COLLECTIVE[locale];
  let collective = '';
  let last = 0;
  for (const m of text.matchAll(SUPPORTER_RUN)) {
    const at = m.index;
    const names = [...m[0].matchAll(/supporter\.([A-Za-z]+)/g)].map((f) => f[1]);
    const phrase = names.some((n) => n === 'firstName' || n === 'lastName') ? words.people : words.places;
    // (`at` is the run's first brace, so the last line break up to it is the one before it.)
    const lineStart = text.slice(text.lastIndexOf('\n', at) + 1, at).trim() === '';
    collective += text.slice(last, at) + (lineStart ? phrase[0].toUpperCase() + phrase.slice(1) : phrase);
    last = at + m[0].length;
  }
  collective += text.slice(last);
  // (Every supporter field is in a run; an empty signer stands in should one ever slip through.)
  return renderLetter(collective, targets, {}, locale);
}
