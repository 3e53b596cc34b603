/**
 * The one rule for a public signer's name (and city): shown at once, or held back until an organizer
 * approves it. Held back: anything that looks like a link or domain, an email address, a phone number
 * (7 or more digits), a spreadsheet formula (starts with = + - @), markup, or is mostly not letters.
 * Organizers can also hide any name (signatures.public_status 'hidden'); this rule only decides the
 * starting state.
 */
export type PublicStatus = 'shown' | 'held' | 'hidden';
export const PUBLIC_STATUSES: readonly PublicStatus[] = ['shown', 'held', 'hidden'];

const LINK =
  /(https?:|www\.|:\/\/|\b[a-z0-9-]+\.(com|org|net|io|info|biz|ly|me|co|mx|us|xyz|app|link|site|online|ru|cn)\b)/i;
const EMAIL = /[^\s@]+@[^\s@]+/;
const FORMULA = /^[\s]*[=+\-@\t\r]/;
const MARKUP = /[<>{}[\]\\|]|&#/;

export function publicNameStatus(name: string | null | undefined, city?: string | null): 'shown' | 'held' {
  for (const raw of [name, city]) {
    if (!raw) continue;
    const v = raw.normalize('NFKC');
    if (LINK.test(v) || EMAIL.test(v) || FORMULA.test(v) || MARKUP.test(v)) return 'held';
    if ((v.match(/\d/g) ?? []).length >= 7) return 'held';
    const letters = (v.match(/\p{L}/gu) ?? []).length;
    if (letters < Math.ceil(v.replace(/\s/g, '').length / 2)) return 'held';
  }
  return 'shown';
}
