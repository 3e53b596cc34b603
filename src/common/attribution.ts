/**
 * Where a public action came from: `?source=` (a campaign's own label: "newsletter", "fb-ad-2",
 * "union.site") and `?ref=` (a supporter's share code). Both are bounded and sanitized here, once, for
 * the API and the pages: lower-cased, anything outside `a-z 0-9 . _ -` dropped, at most 64 characters
 * (the database checks the same). A value that cleans to nothing is no source at all ('web').
 */
export const DEFAULT_SOURCE = 'web';
export const SOURCE_MAX = 64;

export function cleanSource(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9._-]/g, '')
    .slice(0, SOURCE_MAX);
  return s || undefined;
}

/** A share code as printed on share links: 8–32 lowercase letters and digits, else none. */
export function cleanShareCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value.trim().toLowerCase();
  return /^[a-z0-9]{8,32}$/.test(s) ? s : undefined;
}
