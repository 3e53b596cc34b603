import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { DomainError, ServiceUnavailableError, TooManyRequestsError, type ErrorDetail } from './errors.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: ErrorDetail[];
  requestId?: string;
}

export interface ShapedError {
  body: ErrorBody;
  headers: Record<string, string>;
  /** Unknown errors are logged with their stack; expected ones are not. */
  unexpected: boolean;
  /** Expected but worth a log line without a stack (the database is unavailable). */
  warning?: string;
}

interface NestLikeHttpException {
  getStatus(): number;
  getResponse():
    string | { message?: string | string[]; error?: string; details?: ErrorDetail[]; code?: string };
}

function isNestHttpException(e: unknown): e is NestLikeHttpException {
  return typeof e === 'object' && e !== null && 'getStatus' in e && 'getResponse' in e;
}

/** Fastify's own errors (body parsing, content type, size) carry a 4xx statusCode and an FST_ code. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_json_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/** One shape for every error the app answers with (docs/reference.md, "When things go wrong"); never leaks SQL or stacks. */
export function shapeError(e: unknown, requestId?: string): ShapedError {
  // Nest wraps Fastify's own 4xx errors in an HttpException; the original carries the precise code.
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (isNestHttpException(e) && isClientFastifyError(cause)) e = cause;
  const headers: Record<string, string> = {};
  let body: ErrorBody;
  let unexpected = false;
  let warning: string | undefined;
  if (!(e instanceof DomainError) && isDatabaseUnavailable(e)) {
    // Down, restarting, stalled past the timeouts or out of connections: not the request's fault and
    // not a bug, so a 503 to retry — never a 500 — and one log line without a stack.
    warning = `database unavailable: ${(e as Error).message}`;
    e = new ServiceUnavailableError();
  }
  if (e instanceof DomainError) {
    body = {
      statusCode: e.status,
      error: STATUS_CODES[e.status] ?? 'Error',
      message: e.message,
      code: e.code,
    };
    if (e.details?.length) body.details = e.details;
    if (e instanceof TooManyRequestsError || e instanceof ServiceUnavailableError)
      headers['retry-after'] = String(e.retryAfterSeconds);
  } else if (isNestHttpException(e)) {
    const status = e.getStatus();
    const res = e.getResponse();
    const message =
      typeof res === 'string'
        ? res
        : Array.isArray(res.message)
          ? res.message.join('; ')
          : (res.message ?? '');
    body = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: message || STATUS_CODES[status] || '',
    };
    if (typeof res === 'object' && res.details) body.details = res.details;
    if (typeof res === 'object' && res.code) body.code = res.code;
    unexpected = status >= 500;
  } else if (isPostgresDataException(e)) {
    // Input PostgreSQL cannot store (a NUL character, an out-of-range number) that slipped past the
    // DTOs: the client's fault, so 400 — never a 500, and never the SQL.
    body = {
      statusCode: 400,
      error: 'Bad Request',
      message:
        'The request holds a value that cannot be stored (for example a NUL character or an out-of-range number)',
      code: 'unstorable_value',
    };
  } else if (isClientFastifyError(e)) {
    const status = e.statusCode;
    const code = FASTIFY_CODES[e.code ?? ''] ?? (e instanceof SyntaxError ? 'malformed_json' : 'bad_request');
    const message =
      code === 'malformed_json' ? 'The request body is not valid JSON' : e.message.replace(/^FST_\w+: /, '');
    body = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code };
  } else {
    body = { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side' };
    unexpected = true;
  }
  if (requestId) body.requestId = requestId;
  return { body, headers, unexpected, warning };
}

/** PostgreSQL class 22 — data exception (22021 bad encoding such as NUL, 22003 out of range, …). */
function isPostgresDataException(e: unknown): boolean {
  const code =
    (e as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ??
    (e as { code?: unknown } | null)?.code;
  return (
    e instanceof Error &&
    typeof code === 'string' &&
    /^22[0-9A-Z]{3}$/.test(code) &&
    e.name === 'QueryFailedError'
  );
}

function isClientFastifyError(e: unknown): e is Error & { statusCode: number; code?: string } {
  if (!(e instanceof Error)) return false;
  const status = (e as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
