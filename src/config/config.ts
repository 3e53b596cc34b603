import { isAbsolute, resolve } from 'node:path';

/**
 * Every setting Puente reads from the environment, in one place: name, default, description and how
 * the value is checked. The README's configuration table lists exactly these (a unit test keeps the
 * two in step). Names in the README's table never change (deployments set them); new ones are added here.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

interface Setting<T> {
  description: string;
  /** Default as written in the README; `undefined` means "unset". */
  default?: string;
  parse(raw: string): T;
}

const int =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number (got "${raw}")`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max} (got ${n})`);
    return n;
  };

const bool = (raw: string): boolean => {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new Error(`must be true or false (got "${raw}")`);
};

const str = (raw: string): string => raw;

const url =
  (...protocols: string[]) =>
  (raw: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`must be a URL (got "${redactUrl(raw)}")`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return raw;
  };

/** `30s`, `15m`, `12h`, `7d` → seconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(raw.trim());
  if (!m) throw new Error(`must be a duration such as 30m, 12h or 7d (got "${raw}")`);
  const n = Number(m[1]);
  if (n <= 0) throw new Error('must be longer than zero');
  return n * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export interface QuietHours {
  /** minutes after local midnight */
  start: number;
  end: number;
}

export function parseQuietHours(raw: string): QuietHours | null {
  if (raw.trim().toLowerCase() === 'off') return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(raw.trim());
  if (!m) throw new Error(`must be HH:MM-HH:MM in 24-hour time, or off (got "${raw}")`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start === end) throw new Error('must have different start and end times (or be off)');
  return { start, end };
}

/** The first admin's email when ADMIN_EMAIL is not set (the README and the first-run page name it). */
export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

export const SETTINGS = {
  PORT: { description: 'HTTP port', default: '3000', parse: int(0, 65535) },
  HOST: { description: 'interface to listen on', default: '0.0.0.0', parse: str },
  PUBLIC_BASE_URL: {
    description:
      'absolute base URL of every link Puente writes (mails, Open Graph, share links, .ics); https makes every cookie Secure',
    default: 'http://localhost:$PORT',
    parse: url('http:', 'https:'),
  },
  DATABASE_URL: {
    description:
      'external PostgreSQL (postgres://user:pass@host:5432/db); when unset, the embedded one starts',
    parse: url('postgres:', 'postgresql:'),
  },
  DATABASE_POOL_SIZE: { description: 'connections per app instance', default: '20', parse: int(1, 500) },
  DATABASE_CONNECT_TIMEOUT_MS: {
    description:
      'longest wait for a database connection (a free one in the pool, or a new one) before the request fails with 503',
    default: '3000',
    parse: int(100, 600_000),
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    description:
      'longest a statement may run (cancelled by PostgreSQL; a database that does not answer at all is given up on 500 ms later) before the request fails with 503',
    default: '5000',
    parse: int(100, 3_600_000),
  },
  DATA_DIR: {
    description: 'where the embedded PostgreSQL (and the outbox) keep data',
    default: './data',
    parse: str,
  },
  PG_PORT: { description: 'port of the embedded PostgreSQL', default: 'a free port', parse: int(1, 65535) },
  ADMIN_EMAIL: {
    description: 'first admin, created when there is no staff account',
    default: DEFAULT_ADMIN_EMAIL,
    parse: str,
  },
  ADMIN_PASSWORD: {
    description: 'password of that first admin (at least 12 characters)',
    default: 'generated, printed once',
    parse: (raw: string) => {
      if (raw.length < 12) throw new Error('must be at least 12 characters');
      return raw;
    },
  },
  APP_SECRET: {
    description:
      'key that signs staff tokens and supporter links; when unset, one is generated and kept in the database (shared by every instance)',
    parse: (raw: string) => {
      if (raw.length < 32) throw new Error('must be at least 32 characters');
      return raw;
    },
  },
  AUTH_TOKEN_TTL: { description: 'staff token lifetime', default: '12h', parse: parseDuration },
  SMTP_URL: {
    description:
      'outgoing mail server (smtp://user:pass@host:587 or smtps://…); when unset, .eml files in OUTBOX_DIR',
    parse: url('smtp:', 'smtps:'),
  },
  MAIL_FROM: { description: 'sender of outgoing mail', default: 'Puente <no-reply@localhost>', parse: str },
  OUTBOX_DIR: { description: 'folder for unsent mail files', default: '$DATA_DIR/outbox', parse: str },
  REMINDERS_ENABLED: {
    description:
      'run the periodic jobs on this instance: sending due reminders, ending expired waitlist offers, scheduling daily digests (mail a request sends at once still goes)',
    default: 'true',
    parse: bool,
  },
  REMINDER_TICK_SECONDS: {
    description: 'how often the worker looks for due reminders',
    default: '30',
    parse: int(1, 3600),
  },
  OFFER_EXPIRY_SECONDS: {
    description: 'how often expired waitlist offers are ended and their seats offered to the next in line',
    default: '60',
    parse: int(1, 3600),
  },
  DIGEST_SCHEDULE_SECONDS: {
    description: 'how often the next daily digests are scheduled (a digest goes once per organizer and day)',
    default: '600',
    parse: int(1, 86_400),
  },
  REMINDER_LEASE_SECONDS: {
    description:
      'how long a claim on a reminder holds without being renewed (the worker renews it every third of this while it sends); a crashed instance’s reminders are taken again after it',
    default: '45',
    parse: int(3, 3600),
  },
  REMINDER_MAX_ATTEMPTS: {
    description: 'sends tried before a reminder ends as failed',
    default: '5',
    parse: int(1, 50),
  },
  QUIET_HOURS: {
    description: "no reminders in this window of the recipient's local time (off disables)",
    default: '21:00-08:00',
    parse: parseQuietHours,
  },
  WAITLIST_CLAIM_HOURS: {
    description: 'how long a freed seat is held for a waitlisted supporter',
    default: '12',
    parse: int(1, 720),
  },
  PUBLIC_CACHE_SECONDS: {
    description: 'how long each instance reuses a public campaign page’s totals (0 = always fresh)',
    default: '2',
    parse: int(0, 300),
  },
  PLEDGE_FOLLOWUP_DAYS: {
    description: 'days before an open donate pledge gets a follow-up',
    default: '7',
    parse: int(1, 365),
  },
  PUBLIC_RATE_LIMIT_PER_MINUTE: {
    description: 'public submissions per IP per minute (0 disables, e.g. behind a trusted proxy that limits)',
    default: '30',
    parse: int(0, 1_000_000),
  },
  TRUST_PROXY: {
    description: 'take the client IP from X-Forwarded-For (only behind your own proxy)',
    default: 'false',
    parse: bool,
  },
  BODY_LIMIT_BYTES: {
    description: 'largest JSON/form body accepted (uploads have their own limit)',
    default: '1048576',
    parse: int(1024, 100 * 1024 * 1024),
  },
  IMPORT_MAX_BYTES: {
    description:
      'largest supporter import (CSV) accepted; a larger one is refused and nothing of it is imported',
    default: '20971520',
    parse: int(1024, 1024 * 1024 * 1024),
  },
  MAIL_MAX_PER_ADDRESS_PER_HOUR: {
    description:
      'most mails one address gets in an hour: mail a public form causes (confirmations, data-request links) to an address that already got this many is not sent (0 disables)',
    default: '10',
    parse: int(0, 1_000_000),
  },
  BULLETIN_RATE_PER_SECOND: {
    description:
      'most bulletin mails sent per second, counted across every instance (your SMTP provider’s sending rate)',
    default: '10',
    parse: int(1, 100_000),
  },
  BULLETIN_MAX_PER_HOUR: {
    description:
      'most bulletin mails sent in any hour (a sliding window, across every instance): your provider’s hourly limit (0 disables)',
    default: '20000',
    parse: int(0, 100_000_000),
  },
  BULLETIN_TICK_SECONDS: {
    description: 'how often the bulletin sender looks for due bulletins and mail to send',
    default: '1',
    parse: int(1, 3600),
  },
  LOG_LEVEL: {
    description: 'pino level: fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    parse: (raw: string): LogLevel => {
      const v = raw.trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(v))
        throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);
      return v as LogLevel;
    },
  },
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;

/** Typed, validated configuration. Build it with {@link loadConfig}; inject it by class. */
export class AppConfig {
  port: number;
  host: string;
  publicBaseUrl: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  databaseConnectTimeoutMs: number;
  databaseStatementTimeoutMs: number;
  dataDir: string;
  pgPort: number | null;
  adminEmail: string;
  adminPassword: string | null;
  appSecret: string | null;
  authTokenTtlSeconds: number;
  smtpUrl: string | null;
  mailFrom: string;
  outboxDir: string;
  remindersEnabled: boolean;
  reminderTickSeconds: number;
  offerExpirySeconds: number;
  digestScheduleSeconds: number;
  reminderMaxAttempts: number;
  reminderLeaseSeconds: number;
  quietHours: QuietHours | null;
  waitlistClaimHours: number;
  publicCacheSeconds: number;
  pledgeFollowupDays: number;
  publicRateLimitPerMinute: number;
  trustProxy: boolean;
  bodyLimitBytes: number;
  importMaxBytes: number;
  mailMaxPerAddressPerHour: number;
  bulletinRatePerSecond: number;
  bulletinMaxPerHour: number;
  bulletinTickSeconds: number;
  logLevel: LogLevel;
}

function read<K extends SettingName>(
  env: Env,
  name: K,
): ReturnType<(typeof SETTINGS)[K]['parse']> | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return SETTINGS[name].parse(raw) as ReturnType<(typeof SETTINGS)[K]['parse']>;
  } catch (e) {
    throw new ConfigError(name, (e as Error).message);
  }
}

function withDefault<K extends SettingName>(env: Env, name: K): ReturnType<(typeof SETTINGS)[K]['parse']> {
  const value = read(env, name);
  if (value !== undefined) return value;
  const setting = SETTINGS[name] as Setting<unknown>;
  return setting.parse(setting.default as string) as ReturnType<(typeof SETTINGS)[K]['parse']>;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const c = new AppConfig();
  c.port = withDefault(env, 'PORT');
  c.host = withDefault(env, 'HOST');
  c.publicBaseUrl = (read(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${c.port}`).replace(/\/+$/, '');
  c.databaseUrl = read(env, 'DATABASE_URL') ?? null;
  c.databasePoolSize = withDefault(env, 'DATABASE_POOL_SIZE');
  c.databaseConnectTimeoutMs = withDefault(env, 'DATABASE_CONNECT_TIMEOUT_MS');
  c.databaseStatementTimeoutMs = withDefault(env, 'DATABASE_STATEMENT_TIMEOUT_MS');
  const dataDir = read(env, 'DATA_DIR') ?? './data';
  c.dataDir = isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir);
  c.pgPort = read(env, 'PG_PORT') ?? null;
  c.adminEmail = (read(env, 'ADMIN_EMAIL') ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
  c.adminPassword = read(env, 'ADMIN_PASSWORD') ?? null;
  c.appSecret = read(env, 'APP_SECRET') ?? null;
  c.authTokenTtlSeconds = withDefault(env, 'AUTH_TOKEN_TTL');
  c.smtpUrl = read(env, 'SMTP_URL') ?? null;
  c.mailFrom = withDefault(env, 'MAIL_FROM');
  const outbox = read(env, 'OUTBOX_DIR');
  c.outboxDir = outbox ? (isAbsolute(outbox) ? outbox : resolve(cwd, outbox)) : resolve(c.dataDir, 'outbox');
  c.remindersEnabled = withDefault(env, 'REMINDERS_ENABLED');
  c.reminderTickSeconds = withDefault(env, 'REMINDER_TICK_SECONDS');
  c.offerExpirySeconds = withDefault(env, 'OFFER_EXPIRY_SECONDS');
  c.digestScheduleSeconds = withDefault(env, 'DIGEST_SCHEDULE_SECONDS');
  c.reminderMaxAttempts = withDefault(env, 'REMINDER_MAX_ATTEMPTS');
  c.reminderLeaseSeconds = withDefault(env, 'REMINDER_LEASE_SECONDS');
  c.quietHours = withDefault(env, 'QUIET_HOURS');
  c.waitlistClaimHours = withDefault(env, 'WAITLIST_CLAIM_HOURS');
  c.publicCacheSeconds = withDefault(env, 'PUBLIC_CACHE_SECONDS');
  c.pledgeFollowupDays = withDefault(env, 'PLEDGE_FOLLOWUP_DAYS');
  c.publicRateLimitPerMinute = withDefault(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE');
  c.trustProxy = withDefault(env, 'TRUST_PROXY');
  c.bodyLimitBytes = withDefault(env, 'BODY_LIMIT_BYTES');
  c.importMaxBytes = withDefault(env, 'IMPORT_MAX_BYTES');
  c.mailMaxPerAddressPerHour = withDefault(env, 'MAIL_MAX_PER_ADDRESS_PER_HOUR');
  c.bulletinRatePerSecond = withDefault(env, 'BULLETIN_RATE_PER_SECOND');
  c.bulletinMaxPerHour = withDefault(env, 'BULLETIN_MAX_PER_HOUR');
  c.bulletinTickSeconds = withDefault(env, 'BULLETIN_TICK_SECONDS');
  c.logLevel = withDefault(env, 'LOG_LEVEL');
  return c;
}
