import type { Locale } from '../../common/localized-text.js';
import { en, type MessageKey, type Messages } from './en.js';
import { es } from './es.js';

const DICTS: Record<Locale, Messages> = { en, es };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Locale): Translate {
  const dict = DICTS[lang];
  return (key, vars) => {
    let s = dict[key] ?? en[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

const PLURAL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-MX' };
const PLURALS = new Map<Locale, Intl.PluralRules>();

/** The noun for a count (`n.signatures.one` / `.other`), chosen by Intl.PluralRules for the language. */
export function pluralWord(lang: Locale, base: string, n: number): string {
  let rules = PLURALS.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(PLURAL_TAG[lang]);
    PLURALS.set(lang, rules);
  }
  const exact = `n.${base}.${rules.select(n)}`;
  const key = hasKey(exact) ? exact : `n.${base}.other`;
  return hasKey(key) ? translator(lang)(key) : base;
}

/** A stored value's label (`status.event.cancelled`, `method.cash`…), or the value when there is none. */
export function labelOf(t: Translate, group: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const key = `${group}.${value}`;
  return hasKey(key) ? t(key) : value;
}

export function hasKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

const ERR_KEYS = new Map(
  Object.keys(en)
    .filter((k) => k.startsWith('err.'))
    .map((k) => [k.slice(4).toLowerCase(), k as MessageKey]),
);

/** A validation code (class-validator rule name, any case, or a domain code) in the page's language. */
export function errorMessage(t: Translate, code: string): string {
  return t(ERR_KEYS.get(code.toLowerCase()) ?? 'err.default');
}

export type { MessageKey };
