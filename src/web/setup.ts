import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookiesSecure } from '../common/public-links.js';
import { Clock } from '../common/clock.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { embedPostAllowed, isEmbedPath } from './embed.js';
import { translator } from './i18n/index.js';
import { pageLang, PUBLIC_BASE_URL_KEY, render, renderHtml } from './web-context.js';
import { errorKey } from './web-error.filter.js';

/** Folders next to this module: src/web/* under jest, dist/src/web/* once built (copy-assets.mjs). */
export const VIEWS_DIR = fileURLToPath(new URL('./views', import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL('./public', import.meta.url));

/**
 * The paths of the server-rendered pages (everything else is the JSON API, /static/ and /api/docs):
 * errors answered before a controller runs (a bad address, a database that is away, the rate limit)
 * are the error page there. `/` is the home page. (CSRF does not use this list: every POST outside
 * /api/ needs the form's token.)
 */
export const WEB_PREFIXES = [
  '/c/',
  '/o/',
  '/embed/',
  '/rsvp/',
  '/unsubscribe/',
  '/my-data',
  '/my-details/',
  '/invitations/',
  '/admin',
];

export function isWebPath(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/' || WEB_PREFIXES.some((p) => path.startsWith(p));
}

/** The JSON API (bearer tokens or public; never a cookie session, so no CSRF token). */
function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * `POST /unsubscribe/<signed token>` needs no CSRF token: it is the RFC 8058 one-click URL of the
 * `List-Unsubscribe` header, which a mail provider POSTs without cookies or a form token. The signed
 * token in the path is the whole credential (no session or cookie is involved), so a forged cross-site
 * POST could do only what anyone holding the link can do.
 */
export function isOneClickUnsubscribe(url: string): boolean {
  return /^\/unsubscribe\/[^/?]+(\?|$)/.test(url);
}

/** Console pages that take a file (multipart): their handler checks the CSRF token with csrfOk. */
const UPLOAD_PATHS = [/^\/admin\/organizations\/[0-9a-f-]{36}\/import\/preview$/];

function isMultipartUpload(req: FastifyRequest): boolean {
  return req.isMultipart() && UPLOAD_PATHS.some((p) => p.test(req.url.split('?')[0]));
}

/**
 * Whether the request carries a valid CSRF token (in its parsed body's `_csrf`). For a multipart
 * upload, the handler puts the `_csrf` field it read on `req.body` first.
 */
export function csrfOk(req: FastifyRequest, reply: FastifyReply): boolean {
  const fastify = req.server as unknown as {
    csrfProtection: (req: FastifyRequest, reply: FastifyReply, next: () => void) => void;
  };
  let ok = false;
  // The plugin answers a failure with reply.send(error); catch that and answer with a page instead.
  const probe = Object.create(reply) as FastifyReply;
  probe.send = () => probe;
  fastify.csrfProtection(req, probe, () => {
    ok = true;
  });
  return ok;
}

/**
 * Registers what the web pages need on the Fastify instance: cookies, CSRF secrets, the eta view
 * engine, the stylesheet under /static/, and a check that refuses every page POST without a valid
 * CSRF token (403 page) before any controller runs, and a 429 page for page posts over the rate limit.
 */
export async function registerWeb(app: NestFastifyApplication): Promise<void> {
  const { publicBaseUrl } = app.get(AppConfig);
  const tokens = app.get(SignedTokens, { strict: false });
  const clock = app.get(Clock, { strict: false });
  // Pages build absolute links and cookie flags from PUBLIC_BASE_URL (web-context.ts publicBase), never
  // from the request's Host header or protocol.
  app.getHttpAdapter().getInstance().decorate(PUBLIC_BASE_URL_KEY, publicBaseUrl);
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: cookiesSecure(publicBaseUrl) },
    // A multipart body (a console upload) is read by its handler, after this check: its form sends the
    // token in the query string instead. Still bound to the session's secret cookie (SameSite=Lax).
    getToken: (req: FastifyRequest) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.isMultipart() ? (req.query as { _csrf?: string } | undefined)?._csrf : undefined) ??
      (req.headers['csrf-token'] as string | undefined),
  });
  await app.register(view, {
    engine: { eta: new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true }) },
    root: VIEWS_DIR,
    viewExt: 'eta',
    production: true,
  });
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    decorateReply: false,
    maxAge: 3600_000,
  });

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('preHandler', async (req, reply) => {
    // Every POST outside the JSON API needs the form's token, so a page added later is covered without
    // being listed anywhere (the API takes bearer tokens or is public, never a cookie session).
    if (req.method !== 'POST' || isApiPath(req.url) || isOneClickUnsubscribe(req.url)) return;
    // Embedded forms live in third-party iframes without SameSite=Lax cookies: their own check (embed.ts).
    if (isEmbedPath(req.url)) {
      if (embedPostAllowed(tokens, req, clock.now(), publicBaseUrl)) return;
    } else {
      // A file upload's fields are read by its handler, which checks the token itself (csrfOk).
      if (isMultipartUpload(req)) return;
      if (csrfOk(req, reply)) return;
    }
    const lang = pageLang(req, reply);
    const t = translator(lang);
    await render(req, reply, lang, 'error', { title: t('error.title'), message: t('error.csrf') }, 403);
    return reply;
  });

  // Errors answered before any controller runs — a page POST over the public rate limit (429), a
  // request refused by the input checks (400), a database that is unavailable (503) — leave as the
  // API's JSON body: on page routes, send the error page instead, in the reader's language, keeping
  // the status and headers (Retry-After).
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || !isWebPath(req.url)) return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('application/json')) return payload;
    let code: string | undefined;
    try {
      code = (JSON.parse(String(payload)) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const html = await renderHtml(req, reply, lang, 'error', {
      title: t('error.title'),
      message: t(errorKey(reply.statusCode, code)),
    });
    void reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return html;
  });
}
