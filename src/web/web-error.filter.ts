import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors.js';
import { translator, type MessageKey } from './i18n/index.js';
import { pageLang, render } from './web-context.js';

/** What a supporter reads for an error the services raised, by HTTP status and code. */
export function errorKey(status: number, code?: string): MessageKey {
  if (code === 'invalid_link') return 'error.badLink';
  if (code === 'rate_limited' || status === 429) return 'error.rateLimited';
  if (status === 404) return 'error.notFound';
  if (status === 403) return 'error.forbidden';
  if (status === 410) return 'error.closed';
  if (code?.includes('closed') || code?.includes('not_active') || code?.startsWith('event_'))
    return 'error.closed';
  if (status === 409) return 'error.conflict';
  return 'error.generic';
}

/** Errors on page routes become a page in the reader's language, never a JSON body. */
@Catch()
export class WebErrorFilter implements ExceptionFilter {
  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    let status = 500;
    let code: string | undefined;
    if (exception instanceof DomainError) {
      status = exception.status;
      code = exception.code;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
    }
    if (status >= 500) req.log.error({ err: exception }, 'page error');
    if (reply.sent) return;
    const lang = pageLang(req, reply);
    const t = translator(lang);
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
}
