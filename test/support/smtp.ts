import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for e2e tests: no auth, no TLS, keeps every message it accepts.
 * Pass its `url` as SMTP_URL: `createTestApp({ SMTP_URL: smtp.url })`. `setReject(true)` makes it
 * refuse recipients (550 by default) to test failures and retries.
 */
export interface TestSmtp {
  url: string;
  /** Accepted messages, in arrival order. */
  messages: ReceivedMail[];
  /** Resolves with the messages once at least `n` arrived; fails after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /**
   * Resolves with the first message (from `from` on, by arrival) that `match` accepts; fails after
   * `timeoutMs`. Unlike a count, it is not fooled by a late mail of an earlier test.
   */
  waitForMail(match: (m: ReceivedMail) => boolean, from?: number, timeoutMs?: number): Promise<ReceivedMail>;
  /** Refuse (true) or accept (false) every recipient from now on; `code` is the SMTP answer. */
  setReject(reject: boolean, code?: number): void;
  /**
   * Refuse these recipients (case-insensitive) with `code` (550: a permanent rejection), whatever
   * setReject says; the others are accepted as before. An empty list refuses nobody.
   */
  rejectAddresses(addresses: string[], code?: number): void;
  /** Answer each message's DATA only after `ms` (the message is already in `messages` meanwhile). */
  setDelay(ms: number): void;
  /** How many recipients were refused so far. */
  readonly rejectedCount: number;
  close(): Promise<void>;
}

export interface ReceivedMail extends ParsedMail {
  envelope: { from: string; to: string[] };
}

export interface ParsedMail {
  /** The message as received (RFC 822), undecoded. */
  raw: string;
  /** Header values by lower-case name (first occurrence), unfolded, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  /** Decoded text/plain body ('' if none), line breaks as \n. */
  text: string;
  /** Decoded text/html body ('' if none), line breaks as \n. */
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export async function startSmtp(options: { reject?: boolean; code?: number } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let reject = options.reject ?? false;
  let rejectCode = options.code ?? 550;
  let rejectedCount = 0;
  let delayMs = 0;
  let refused = new Map<string, number>();
  const waiters = new Set<() => void>();

  /** Resolves with what `found` answers once it answers something (checked on every new message). */
  const until = <T>(found: () => T | undefined, timeoutMs: number, why: () => string) =>
    new Promise<T>((ok, fail) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        ok(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(new Error(why()));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      const code = refused.get(address.address.toLowerCase()) ?? (reject ? rejectCode : null);
      if (code === null) return callback();
      rejectedCount++;
      const error = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & {
        responseCode: number;
      };
      error.responseCode = code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        messages.push({
          ...parseMail(Buffer.concat(chunks)),
          envelope: {
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
        });
        for (const wake of [...waiters]) wake();
        if (delayMs > 0) setTimeout(() => callback(), delayMs);
        else callback();
      });
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  // A client that dies mid-session (an app instance a test kills with SIGKILL) resets its connection:
  // smtp-server reports that as an 'error' event, which is no failure of the test.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get rejectedCount() {
      return rejectedCount;
    },
    setReject(value: boolean, code = 550) {
      reject = value;
      rejectCode = code;
    },
    rejectAddresses(addresses: string[], code = 550) {
      refused = new Map(addresses.map((a) => [a.toLowerCase(), code]));
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    waitFor(n: number, timeoutMs = 5000) {
      return until(
        () => (messages.length >= n ? messages : undefined),
        timeoutMs,
        () => `expected ${n} message(s) over SMTP within ${timeoutMs} ms, got ${messages.length}`,
      );
    },
    waitForMail(match: (m: ReceivedMail) => boolean, from = 0, timeoutMs = 5000) {
      return until(
        () => messages.slice(from).find(match),
        timeoutMs,
        () => `no matching message over SMTP within ${timeoutMs} ms (${messages.length - from} others)`,
      );
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

// --- a small MIME reader: enough for what nodemailer writes (multipart, quoted-printable, base64) ---

/** Parses a message as sent over SMTP or written to the outbox (.eml). */
export function parseMail(raw: Buffer | string): ParsedMail {
  // Work on bytes as latin1 so 8-bit parts keep their bytes until they are decoded with their charset.
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const root = parsePart(bytes.toString('latin1'));
  const out: ParsedMail = {
    raw: bytes.toString('utf8'),
    headers: root.headers,
    subject: root.headers.subject ?? '',
    text: '',
    html: '',
    attachments: [],
  };
  collect(root, out);
  return out;
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

function parsePart(source: string): Part {
  const split = /\r?\n\r?\n/.exec(source);
  const head = split ? source.slice(0, split.index) : source;
  const body = split ? source.slice(split.index + split[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeHeader(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function param(value: string | undefined, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

function collect(part: Part, out: ParsedMail): void {
  const type = (part.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(part.headers['content-type'], 'boundary');
    if (!boundary) return;
    const sections = part.body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*\\r?\\n?`));
    // sections[0] is the preamble and the last one the epilogue.
    for (const section of sections.slice(1, -1)) collect(parsePart(section), out);
    return;
  }
  const content = decodeBody(part.body, part.headers['content-transfer-encoding']);
  const disposition = part.headers['content-disposition'] ?? '';
  const filename = param(disposition, 'filename') ?? param(part.headers['content-type'], 'name');
  if (/^attachment/i.test(disposition) || filename) {
    out.attachments.push({ filename: filename ?? '', contentType: type, content });
    return;
  }
  const charset = param(part.headers['content-type'], 'charset') ?? 'utf-8';
  const text = new TextDecoder(charset).decode(content).replace(/\r\n/g, '\n');
  if (type === 'text/plain' && !out.text) out.text = text;
  else if (type === 'text/html' && !out.html) out.html = text;
}

function decodeBody(body: string, encoding = '7bit'): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    default:
      return Buffer.from(body, 'latin1');
  }
}

/** Quoted-printable (RFC 2045) → bytes: soft line breaks removed, =XX turned into the byte. */
export function decodeQuotedPrintable(input: string): Buffer {
  const s = input.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s[i] === '=' ? s.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Header value with RFC 2047 encoded words (`=?UTF-8?Q?Confirmaci=C3=B3n?=`) decoded. */
function decodeHeader(value: string): string {
  const decoded = value
    // Whitespace between two encoded words is not part of the text.
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const buf =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQuotedPrintable(text.replace(/_/g, ' '));
      // Back to latin1 "bytes" so raw 8-bit header text and decoded words are handled alike below.
      return latin1(new TextDecoder(charset).decode(buf));
    });
  return Buffer.from(decoded, 'latin1').toString('utf8');
}

function latin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
