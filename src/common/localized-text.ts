import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** `{ "en": "...", "es": "..." }`: at least one of the two, no other key. Stored as JSONB. */
export type LocalizedText = Partial<Record<Locale, string>>;

export function isLocale(v: unknown): v is Locale {
  return v === 'en' || v === 'es';
}

/** Why `value` is not a valid LocalizedText, or null when it is. */
export function localizedTextProblem(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be an object like {"en": "...", "es": "..."}';
  const keys = Object.keys(value);
  const other = keys.filter((k) => !isLocale(k));
  if (other.length) return `has a language other than en and es: ${other.join(', ')}`;
  const texts = Object.values(value as Record<string, unknown>);
  if (texts.some((t) => typeof t !== 'string')) return 'must hold strings';
  if (!texts.some((t) => (t as string).trim().length > 0)) return 'needs a text in English or Spanish';
  if (texts.some((t) => (t as string).length > maxLength))
    return `must be at most ${maxLength} characters per language`;
  return null;
}

export function IsLocalizedText(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLocalizedText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => localizedTextProblem(value, maxLength) === null,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${localizedTextProblem(args.value, maxLength) ?? 'is invalid'}`,
      },
    });
}

/** Drops empty languages and trims, so readers can fall back cleanly. */
export function cleanLocalizedText(value: LocalizedText): LocalizedText {
  const out: LocalizedText = {};
  for (const l of LOCALES) {
    const t = value[l]?.trim();
    if (t) out[l] = t;
  }
  return out;
}

/** The text in `lang`, else in the other language, else ''. */
export function localize(text: LocalizedText | null | undefined, lang: Locale): string {
  if (!text) return '';
  return text[lang] ?? text[lang === 'en' ? 'es' : 'en'] ?? '';
}

/**
 * The reader's language for public reads: `?lang=`, else the first en/es in Accept-Language, else the
 * campaign's default.
 */
export function pickLocale(query: unknown, acceptLanguage: string | undefined, fallback: Locale): Locale {
  if (isLocale(query)) return query;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.find((p) => p.trim().startsWith('q='));
        return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
      })
      .filter((x) => isLocale(x.lang) && x.q > 0)
      .sort((a, b) => b.q - a.q);
    if (ranked.length) return ranked[0].lang as Locale;
  }
  return fallback;
}
