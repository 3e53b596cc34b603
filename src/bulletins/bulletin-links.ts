import type { Locale } from '../common/localized-text.js';

const enc = encodeURIComponent;

/** The public archive's paths (one place, so a link cannot point at a page that does not exist). */
export const bulletinLinks = {
  archive: (base: string, orgSlug: string) => `${base}/o/${enc(orgSlug)}/bulletins`,
  feed: (base: string, orgSlug: string) => `${base}/o/${enc(orgSlug)}/bulletins.atom`,
};

/** A bulletin's web version in one language. */
export function bulletinArchiveUrl(base: string, orgSlug: string, id: string, lang?: Locale): string {
  return `${bulletinLinks.archive(base, orgSlug)}/${enc(id)}${lang ? `?lang=${lang}` : ''}`;
}
