import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { shapeError } from './error-body.js';

/** The one global filter: every error leaves through `shapeError`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    sendError(exception, request, reply);
  }
}

export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { body, headers, unexpected, warning } = shapeError(exception, request.id);
  if (unexpected) request.log.error({ err: exception }, 'unexpected error');
  else if (warning) request.log.warn(warning);
  if (reply.sent) return;
  void reply.status(body.statusCode).headers(headers).type('application/json; charset=utf-8').send(body);
}
