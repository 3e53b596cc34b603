import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

/**
 * Structured JSON logs (pino). Requests are logged by method, path and status only: never bodies,
 * query strings (they can carry a search for an email) or secret path segments (manage tokens).
 * Errors (`err`) are logged by what they are and where, never with the values they carried
 * ({@link serializeError}). `destination` is for tests; stdout by default.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      err: serializeError,
      req: (req: { id?: string; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        path: safePath(req.url ?? ''),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** What identifies an error without the data it was about (PostgreSQL's fields, HTTP status). */
const SAFE_ERROR_FIELDS = [
  'code',
  'constraint',
  'table',
  'column',
  'routine',
  'severity',
  'status',
  'statusCode',
];

/**
 * An error as logged: its class, message, stack and identifying codes, the SQL text of a failed query
 * (placeholders only), and its cause the same way. Nothing else: a TypeORM QueryFailedError carries the
 * statement's `parameters` (emails, names), PostgreSQL's `detail` quotes the row (`Key (email)=(ana@…)`)
 * and `where`, and other errors carry request bodies — pino's standard serializer would log every own
 * property. A list of what may go, not of what may not, so a new field is dropped until it is added.
 */
export function serializeError(e: unknown, depth = 0): Record<string, unknown> {
  if (!(e instanceof Error)) return { type: typeof e };
  const out: Record<string, unknown> = { type: e.constructor.name, message: e.message, stack: e.stack };
  const fields = e as unknown as Record<string, unknown>;
  for (const key of SAFE_ERROR_FIELDS) {
    const v = fields[key];
    if (typeof v === 'string' || typeof v === 'number') out[key] = v;
  }
  if (typeof fields.query === 'string') out.query = fields.query;
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path without its query, with long opaque segments (tokens) replaced by `:secret`. */
export function safePath(url: string): string {
  const path = url.split('?')[0];
  return path
    .split('/')
    .map((seg) => (seg.length >= 20 && !UUID.test(seg) ? ':secret' : seg.includes('@') ? ':redacted' : seg))
    .join('/');
}

/**
 * Nest's start-up chatter: a line per module and per route (some 240 at start). At `info` it buried
 * what `npm start` prints for a person (the first admin's password, the start summary); it is `debug`.
 */
const NEST_BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Nest's own messages go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && NEST_BOOT_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context }, String(message));
  }
}
