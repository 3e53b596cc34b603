import pg from 'pg';

/** pg's client options plus {@link FailFastClient}'s own. */
export interface FailFastOptions extends pg.ClientConfig {
  /** Give up on a connection whose statement has not been answered after this long (0: never). */
  giveUpAfterMs?: number;
}

type Callback = (err: Error | null, res?: unknown) => void;

/**
 * A pg client that drops its connection when a statement gets no answer in time. PostgreSQL's own
 * `statement_timeout` cancels a slow statement on a live server; a stalled server (frozen, a dead
 * network path) answers nothing at all, not even that, and pg's `query_timeout` only stops waiting —
 * the connection stays busy with the lost statement, so whatever is queued behind it (the ROLLBACK of
 * the request's transaction, the next request) would wait too. Destroying the socket fails every
 * statement on it at once and the pool replaces the connection, exactly as when the server dies.
 * Streams (cursors, COPY) are left to `statement_timeout`: they may legitimately run long.
 */
export class FailFastClient extends pg.Client {
  private readonly giveUpAfterMs: number;

  constructor(options: FailFastOptions) {
    super(options);
    this.giveUpAfterMs = options.giveUpAfterMs ?? 0;
  }

  // pg's query() has many overloads; this forwards each one unchanged.
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    const base = super.query.bind(this) as (...args: unknown[]) => unknown;
    const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
    if (!this.giveUpAfterMs || config === null || config === undefined || submittable)
      return base(config, values, callback) as never;
    const stream = (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;
    const timer = setTimeout(() => stream.destroy(), this.giveUpAfterMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    if (typeof values === 'function') {
      const cb = values as Callback;
      return base(config, (err: Error | null, res?: unknown) => (done(), cb(err, res))) as never;
    }
    if (typeof callback === 'function') {
      const cb = callback as Callback;
      return base(config, values, (err: Error | null, res?: unknown) => (done(), cb(err, res))) as never;
    }
    const result = base(config, values) as Promise<unknown>;
    result.then(done, done);
    return result as never;
  }
}
