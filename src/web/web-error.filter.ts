import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CampaignNotAcceptingCode } from '../campaigns/campaigns.service.js';
import { shapeError } from '../common/error-body.js';
import type { EventNotOpenCode, RsvpClosedCode } from '../events/rsvp-open.js';
import { escapeHtml } from '../common/html.js';
import { translator, type MessageKey } from './i18n/index.js';
import { pageLang, render } from './web-context.js';

/**
 * The codes that tell a supporter the campaign or event no longer takes part (the features' unions, so
 * a renamed code fails the type check here instead of silently falling back to a generic message).
 */
const CLOSED_CODES: ReadonlySet<string> = new Set([
  'campaign_not_active',
  'event_cancelled',
  'event_completed',
  'event_started',
] satisfies (CampaignNotAcceptingCode | EventNotOpenCode | RsvpClosedCode)[]);

/** What a supporter reads for an error the services raised, by HTTP status and code. */
export function errorKey(status: number, code?: string): MessageKey {
  if (code === 'invalid_link') return 'error.badLink';
  if (code === 'rate_limited' || status === 429) return 'error.rateLimited';
  if (status === 503) return 'error.unavailable';
  if (status === 404) return 'error.notFound';
  if (status === 403) return 'error.forbidden';
  if (status === 410) return 'error.closed';
  if (code && CLOSED_CODES.has(code)) return 'error.closed';
  if (status === 409) return 'error.conflict';
  return 'error.generic';
}

/** Errors on page routes become a page in the reader's language, never a JSON body. */
@Catch()
export class WebErrorFilter implements ExceptionFilter {
  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    await sendErrorPage(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>());
  }
}

/**
 * The error page for `exception`, with the API's mapping (a data exception is 400, an unavailable
 * database 503 with Retry-After) and its logging.
 */
export async function sendErrorPage(
  exception: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { body, headers, unexpected, warning } = shapeError(exception, req.id);
  const { statusCode: status, code } = body;
  if (unexpected) req.log.error({ err: exception }, 'page error');
  else if (warning) req.log.warn(warning);
  if (reply.sent) return;
  void reply.headers(headers);
  const lang = pageLang(req, reply);
  const t = translator(lang);
  if (typeof (reply as { viewAsync?: unknown }).viewAsync !== 'function') {
    // A request the router refused (Fastify's frameworkErrors) has a bare reply, without the view
    // engine: a plain page with the same words.
    const title = escapeHtml(t('error.title'));
    await reply
      .status(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head>` +
          `<body><h1>${title}</h1><p>${escapeHtml(t(errorKey(status, code)))}</p><p><a href="/">${escapeHtml(t('error.home'))}</a></p></body></html>`,
      );
    return;
  }
  if (status === 401 && req.url.startsWith('/admin')) {
    await reply.status(303).header('location', '/admin/login').send();
    return;
  }
  await render(
    req,
    reply,
    lang,
    'error',
    { title: t('error.title'), message: t(errorKey(status, code)) },
    status,
  );
}
