import { get } from 'node:http';

/**
 * Asks `count` again every `ms` until it answers 0, at most `tries` times; returns the last answer, for
 * the test to assert (0 when the awaited state came, else what was left).
 */
export async function untilZero(count: () => Promise<number>, tries = 50, ms = 100): Promise<number> {
  let n = await count();
  for (let i = 0; i < tries && n > 0; i++) {
    await new Promise((r) => setTimeout(r, ms));
    n = await count();
  }
  return n;
}

/** A reader who gives up: GETs `path`, takes the first chunk of the answer, then drops the connection. */
export async function abandonDownload(port: number, path: string, token: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const req = get(
      { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.once('data', () => {
          req.destroy();
          ok();
        });
      },
    );
    req.on('error', (e) => (req.destroyed ? undefined : fail(e)));
  });
}
