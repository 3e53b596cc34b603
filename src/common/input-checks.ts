import { isUtf8 } from 'node:buffer';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadInputError } from './errors.js';
import { sendError } from './http-exception.filter.js';

/**
 * Deepest nesting of objects and arrays a JSON or form body may have. Our deepest DTO (an audience
 * filter) is 4 levels; validation walks a body recursively, so a 3 KB body nested 1,500 levels deep
 * overflowed the stack (a 500) before this check.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Refuses, before routing, validation or any database work, input that no route can use:
 * - a path or query string with a NUL character, malformed percent-encoding or bytes that are not
 *   UTF-8 → 400 `bad_url` (the API's JSON, or the error page on page routes — see registerWeb);
 * - a JSON body that is not UTF-8, or a form body that is not or whose escapes are malformed or not
 *   UTF-8 → 400 `invalid_utf8`;
 * - a JSON or form body nested deeper than {@link MAX_BODY_DEPTH} → 400 `too_deep`, or holding a NUL
 *   character in a key or value → 400 `unstorable_value` (PostgreSQL cannot store one in text).
 * Must run before `app.init()` (the JSON parser replaces Nest's default one).
 */
export function registerInputChecks(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', async (req, reply) => {
    const problem = urlProblem(req.raw.url ?? '/');
    if (!problem) return;
    sendError(new BadInputError(problem, undefined, 'bad_url'), req, reply);
    return reply;
  });

  const json = fastify.getDefaultJsonParser('error', 'error');
  void app.useBodyParser('application/json', { bodyLimit }, (req, body: Buffer, done) => {
    if (!isUtf8(body)) {
      done(new BadInputError('The request body is not valid UTF-8', undefined, 'invalid_utf8'), undefined);
      return;
    }
    void json(req as FastifyRequest, body.toString('utf8'), done);
  });

  // Form bodies: the same check, then Nest's own form parser (fast-querystring, which would keep a
  // malformed escape such as `%FF` as literal text and turn raw non-UTF-8 bytes into U+FFFD).
  const form = defaultFormParser(app);
  void app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (req, body: Buffer, done) => {
    if (!isUtf8(body) || formEncodingProblem(body.toString('utf8'))) {
      done(
        new BadInputError(
          'The form body is not valid UTF-8 or has malformed percent-encoding',
          undefined,
          'invalid_utf8',
        ),
        undefined,
      );
      return;
    }
    form(req, body, done);
  });

  fastify.addHook('preValidation', async (req: FastifyRequest, reply: FastifyReply) => {
    const problem = bodyProblem(req.body);
    if (!problem) return;
    sendError(problem, req, reply);
    return reply;
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a request target is refused, or null when it is fine. */
export function urlProblem(rawUrl: string): string | null {
  // Node hands the request line over byte for byte (as latin1): anything past ASCII must be UTF-8.
  if (/[\u0080-\uffff]/.test(rawUrl)) {
    try {
      utf8.decode(Buffer.from(rawUrl, 'latin1'));
    } catch {
      return 'The address is not valid UTF-8';
    }
  }
  let decoded: string;
  try {
    decoded = rawUrl
      .split(/[?&=/]/)
      .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
      .join('');
  } catch {
    return 'The address has malformed percent-encoding or is not valid UTF-8';
  }
  if (decoded.includes('\0') || rawUrl.includes('\0')) return 'The address contains a NUL character';
  return null;
}

type BodyParser = (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void;

/** The urlencoded parser the Fastify adapter would install (with its `__proto__` guard). */
function defaultFormParser(app: NestFastifyApplication): BodyParser {
  const adapter = app.getHttpAdapter() as unknown as { getDefaultBodyParser?: (type: string) => BodyParser };
  const parser = adapter.getDefaultBodyParser?.('application/x-www-form-urlencoded');
  if (!parser) throw new Error('the Fastify adapter has no default form parser to wrap');
  return parser;
}

/** Whether a urlencoded body has an escape that is malformed or does not decode to UTF-8. */
export function formEncodingProblem(body: string): boolean {
  try {
    for (const part of body.split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return false;
  } catch {
    return true;
  }
}

/** Why a parsed body is refused, or null. Iterative, so no body can overflow the stack here. */
export function bodyProblem(body: unknown): BadInputError | null {
  if (body === null || typeof body !== 'object') {
    return typeof body === 'string' && body.includes('\0') ? nulError() : null;
  }
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH)
      return new BadInputError(
        `The request body is nested more than ${MAX_BODY_DEPTH} levels deep`,
        undefined,
        'too_deep',
      );
    for (const [key, value] of Object.entries(node as object)) {
      if (key.includes('\0')) return nulError();
      if (typeof value === 'string') {
        if (value.includes('\0')) return nulError(key);
      } else if (value !== null && typeof value === 'object') stack.push([value, depth + 1]);
    }
  }
  return null;
}

function nulError(field?: string): BadInputError {
  const message = 'Text cannot contain a NUL character';
  return new BadInputError(
    message,
    field ? [{ field, code: 'nul_character', message }] : undefined,
    // The code of a NUL that reaches PostgreSQL (error-body.ts): one answer for it, wherever caught.
    'unstorable_value',
  );
}
