import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import supertest from 'supertest';
import type { TestApp } from './test-app.js';

/**
 * The built app (`dist/src/main.js`, as `npm start` runs it) in a child process of its own, on
 * loopback, so a test can kill it with SIGKILL mid-request. `env` is the environment it starts with.
 */
export interface ChildApp {
  url: string;
  pid: number;
  /** Enough of a TestApp for the factories (test/support/factories.ts): HTTP to the child. */
  t: TestApp;
  /** Kills it with SIGKILL (no shutdown hooks run) and waits for it to be gone. */
  kill(): Promise<void>;
  /** Ends it with SIGTERM (the graceful shutdown) and waits. */
  stop(): Promise<void>;
  /** Its output so far, for a failing test's message. */
  output(): string;
}

export const CHILD_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
  PUBLIC_CACHE_SECONDS: '0',
  ADMIN_EMAIL: 'admin@example.org',
  ADMIN_PASSWORD: 'admin-password-for-tests',
  APP_SECRET: 'test-secret-test-secret-test-secret-0123',
};

export async function startChildApp(env: Record<string, string>): Promise<ChildApp> {
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH, ...CHILD_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((ok, fail) => {
    // A child that did not start is killed: left running, it would keep jest from exiting.
    // Generous: on a busy 2-core CI machine a first start (migrations, Nest) can take tens of seconds.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the app did not start in 120 s:\n${out}`));
    }, 120_000);
    const read = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      // The start summary (src/start-summary.ts): "Public site:  http://localhost:1234/".
      const m = /Public site:\s+(http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then(() => fail(new Error(`the app exited at start:\n${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    t: { http: supertest(url) } as unknown as TestApp,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    output: () => out,
  };
}

/** The PostgreSQL server of `dataDir` and all its backends (to freeze them with SIGSTOP). */
export async function postgresPids(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(`${dataDir}/pg/postmaster.pid`, 'utf8')).split('\n')[0]);
  const pids = [postmaster];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) pids.push(Number(entry));
  }
  return pids;
}
