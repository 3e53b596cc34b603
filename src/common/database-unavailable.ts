/**
 * Whether an error means "the database cannot answer now" rather than "this request is wrong" or
 * "this is a bug": the server is down or restarting, the network to it failed, the connection pool
 * could not get a connection within DATABASE_CONNECT_TIMEOUT_MS, or a statement was cancelled by
 * DATABASE_STATEMENT_TIMEOUT_MS (or dropped after it, on a stalled server). Looks through TypeORM's
 * wrappers (`driverError`) and `cause`.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let seen = 0; e && typeof e === 'object' && seen < 5; seen++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * SQLSTATE classes 08 (connection exception), 53 (insufficient resources: too many connections, out
 * of memory or disk), 57P01–57P05 (admin or crash shutdown, cannot connect now, idle-session
 * timeout…) and 57014 (query cancelled: the statement timeout).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-5]|57014)$/;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres and pg-pool say these without a code. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
  'Client was closed and is not queryable',
  // 55000, said when connecting to a database closed to connections (ALTER DATABASE … ALLOW_CONNECTIONS false)
  'is not currently accepting connections',
];
