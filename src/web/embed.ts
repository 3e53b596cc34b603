import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedTokens } from '../common/signed-token.js';

/**
 * Embedding a form on another site (/embed/…): who may frame it, and how its POST is protected.
 *
 * Framing: embed pages send `Content-Security-Policy: frame-ancestors 'self' <origins>` with the
 * organization's own list (organizations.embed_origins) and no `X-Frame-Options`; every other response
 * keeps helmet's `frame-ancestors 'none'`.
 *
 * CSRF: inside a cross-site iframe the browser does not send SameSite=Lax cookies, so the cookie-bound
 * token of the other pages cannot work. An embed form carries instead a signed, expiring token bound to
 * that form's path (HMAC, SignedTokens purpose `embed-form`), and its POST must come from a document of
 * this site (`Sec-Fetch-Site: same-origin`, else an `Origin` that is PUBLIC_BASE_URL's — the form inside the
 * iframe is ours even when the page around it is not: see embedPostAllowed). Why this is
 * safe: an embed POST carries no ambient authority (no session, no cookie it depends on); it is a public
 * submission with the same effect as POSTing the public API. What CSRF would add here — a page on
 * another site making a visitor's browser submit a form she never saw — is refused by the Origin check,
 * and the token stops stale or replayed forms for other paths. Rate limits and idempotency apply as on
 * every public submission.
 */
export const EMBED_PREFIX = '/embed/';
const PURPOSE = 'embed-form';
const TOKEN_HOURS = 12;

export function isEmbedPath(url: string): boolean {
  return url.startsWith(EMBED_PREFIX);
}

function pathOf(url: string): string {
  return url.split('?')[0];
}

export function embedFormToken(tokens: SignedTokens, url: string, now: Date): string {
  return tokens.sign(PURPOSE, pathOf(url), new Date(now.getTime() + TOKEN_HOURS * 3600_000));
}

/**
 * The embed POST's check (see above): a valid token for this very path, from a document of this site.
 * "From this site" is `Sec-Fetch-Site: same-origin` (every current browser sends it; it cannot be set
 * by a page), else an `Origin` that is PUBLIC_BASE_URL's. With `Referrer-Policy: no-referrer` (helmet) browsers
 * send `Origin: null` on form posts, so `null` alone decides nothing; an old browser that sends neither
 * header is left with the token.
 */
export function embedPostAllowed(
  tokens: SignedTokens,
  req: FastifyRequest,
  now: Date,
  publicBaseUrl: string,
): boolean {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (typeof site === 'string') {
    if (site !== 'same-origin') return false;
  } else if (typeof origin === 'string' && origin !== 'null') {
    // This site is PUBLIC_BASE_URL, never the request's Host header (a proxy may rewrite it).
    let from: string;
    try {
      from = new URL(origin).origin;
    } catch {
      return false;
    }
    if (from !== new URL(publicBaseUrl).origin) return false;
  }
  const body = req.body as Record<string, unknown> | undefined;
  const token = typeof body?._csrf === 'string' ? body._csrf : '';
  return tokens.verify(PURPOSE, token, now) === pathOf(req.url);
}

/** `frame-ancestors 'self' <origins>` in place of helmet's `'none'`, and no X-Frame-Options. */
export function allowFraming(reply: FastifyReply, origins: string[]): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  const ancestors = ["'self'", ...origins].join(' ');
  void reply.header(
    'content-security-policy',
    csp.includes('frame-ancestors')
      ? csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`)
      : `${csp}${csp ? ';' : ''}frame-ancestors ${ancestors}`,
  );
  reply.removeHeader('x-frame-options');
}

/** The iframe snippet the console shows for a form (the height script is optional for the host page). */
export function embedSnippet(base: string, path: string, title: string, lang: string): string {
  const src = `${base}${path}?lang=${lang}&source=embed`;
  return `<iframe src="${src}" title="${title.replace(/[<>"&]/g, '')}" style="width:100%;max-width:640px;height:900px;border:0" loading="lazy"></iframe>`;
}
