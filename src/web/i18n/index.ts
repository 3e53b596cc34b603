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
