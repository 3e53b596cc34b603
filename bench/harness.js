// Bench plumbing: the database, app processes, HTTP load (autocannon), RSS sampling, SMTP sink.
// Plain ESM JavaScript importing the compiled app from dist/ (run `npm run build` first; `npm run bench` does).
import 'reflect-metadata';
import { fork, spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureDatabase } from '../dist/src/database/connect.js';
import { EmbeddedPostgres } from '../dist/src/database/embedded-postgres.js';

export const ROOT = new URL('..', import.meta.url).pathname;

/** A whole-number setting from the environment, with its default. */
export function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got "${raw}")`);
  return n;
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * A fresh embedded PostgreSQL in a temporary folder. `ephemeral` (fsync and synchronous_commit off) is
 * the default: the app and the raw-pg baselines run on the same server, so the ratio is fair either way;
 * BENCH_DURABLE=1 keeps fsync on.
 */
export async function startDatabase() {
  const dataDir = await mkdtemp(join(tmpdir(), 'puente-bench-'));
  const ephemeral = process.env.BENCH_DURABLE !== '1';
  const statements = process.env.BENCH_STATEMENTS === '1';
  // BENCH_EXPLAIN=<ms>: the plans (with actual times) of statements slower than that, from auto_explain,
  // appended to the file BENCH_EXPLAIN_FILE (default bench-explain.log in the temporary folder).
  const explainMs = process.env.BENCH_EXPLAIN;
  const preload = [...(statements ? ['pg_stat_statements'] : []), ...(explainMs ? ['auto_explain'] : [])];
  const settings = preload.length ? [`shared_preload_libraries=${preload.join(',')}`] : [];
  if (explainMs)
    settings.push(
      `auto_explain.log_min_duration=${Number(explainMs)}`,
      'auto_explain.log_analyze=on',
      'auto_explain.log_nested_statements=on',
    );
  const explainFile = process.env.BENCH_EXPLAIN_FILE ?? join(tmpdir(), 'bench-explain.log');
  const embedded = await EmbeddedPostgres.start({
    dataDir,
    port: null,
    ephemeral,
    settings,
    log: explainMs ? (m) => appendFileSync(explainFile, `${m}\n`) : undefined,
  });
  await ensureDatabase(embedded.url(), 'puente');
  const url = embedded.url('puente');
  if (statements) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.end();
  }
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  // An idle client whose server goes away (PostgreSQL stopping at the end) must not crash the runner.
  admin.on('error', () => undefined);
  return {
    dataDir,
    url,
    ephemeral,
    admin,
    query: (text, params) => admin.query(text, params),
    /**
     * With BENCH_STATEMENTS=1 (pg_stat_statements loaded): the statements that took the most server time
     * since the last call, with calls and mean ms; then the counters are reset. Undefined when off.
     */
    async topStatements(n = 8) {
      if (!statements) return undefined;
      const { rows } = await admin.query(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query, calls::int,
                round(total_exec_time::numeric, 0)::float AS "totalMs", round(mean_exec_time::numeric, 3)::float AS "meanMs"
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time DESC LIMIT $1`,
        [n],
      );
      await admin.query('SELECT pg_stat_statements_reset()');
      return rows;
    },
    async stop() {
      await admin.end();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password-123' };

/** Starts `node dist/src/main.js` on the bench database; resolves once it listens. */
export async function startApp(db, extraEnv = {}, name = 'app') {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    DATABASE_POOL_SIZE: String(envInt('BENCH_POOL', 20)),
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    REMINDERS_ENABLED: 'false',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...extraEnv,
  };
  // BENCH_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the app's node.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  // BENCH_APP_LOG_DIR: each app's whole output (with BENCH_APP_NODE_ARGS=--trace-gc, its collections)
  // also goes to <dir>/<name>-<pid>.log.
  const logFile = process.env.BENCH_APP_LOG_DIR
    ? join(process.env.BENCH_APP_LOG_DIR, `${name}-${child.pid}.log`)
    : null;
  const keep = (chunk) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stderr.on('data', keep);
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 60 s:\n${log}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      if (log.includes('Puente is running')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before listening:\n${log}`));
    });
  });
  return {
    name,
    pid: child.pid,
    base: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** JSON over HTTP to the app (fixtures). Throws on an unexpected status. */
export async function api(app, method, path, { token, body, expect = [200, 201] } = {}) {
  const res = await fetch(app.base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!expect.includes(res.status))
    throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 500)}`);
  return json;
}

/**
 * autocannon from this (the runner) process. `requests` as in autocannon; the run's figures come back
 * with the throughput, p50/p99 latency, status counts and errors.
 */
export function load(options) {
  return new Promise((ok, fail) => {
    const instance = autocannon({ connections: 64, pipelining: 1, timeout: 30, ...options }, (err, res) => {
      if (err) return fail(err);
      ok({
        rps: res.requests.average,
        total: res.requests.total,
        ok2xx: res['2xx'],
        non2xx: res.non2xx,
        errors: res.errors,
        timeouts: res.timeouts,
        p50: res.latency.p50,
        p99: res.latency.p99,
        duration: res.duration,
        statusCodes: res.statusCodeStats,
      });
    });
    instance.on('error', () => undefined);
  });
}

/** Runs `work` on `workers` concurrent loops for `seconds`; throughput and latency like `load`. */
export async function rawLoad(workers, seconds, work) {
  const latencies = [];
  let done = 0;
  let failed = 0;
  let i = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let firstError = null;
  const worker = async () => {
    while (performance.now() < end) {
      const n = i++;
      const t = performance.now();
      try {
        await work(n);
        done++;
        latencies.push(performance.now() - t);
      } catch (e) {
        failed++;
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0;
  if (firstError) console.warn(`  baseline: ${failed} failed, first: ${firstError.message}`);
  return { rps: done / elapsed, total: done, failed, p50: round(pct(0.5)), p99: round(pct(0.99)) };
}

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** VmRSS of a process in MB (from /proc). */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `ms` until stopped; returns start, peak and growth in MB. */
export function sampleRss(pid, ms = 100) {
  const start = rssMb(pid);
  let peak = start;
  const timer = setInterval(() => {
    const v = rssMb(pid);
    if (v > peak) peak = v;
  }, ms);
  return () => {
    clearInterval(timer);
    return { startMb: round(start, 1), peakMb: round(peak, 1), growthMb: round(peak - start, 1) };
  };
}

/**
 * With BENCH_WAITS=1: samples what the database's client backends are doing (pg_stat_activity wait
 * events, every 200 ms) while a benchmark runs, to see whether it waits on locks, I/O or CPU. Returns
 * stop() → the average number of backends in each state, busiest first (undefined when off).
 */
export function sampleWaits(url) {
  if (process.env.BENCH_WAITS !== '1') return () => Promise.resolve(undefined);
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  const counts = new Map();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ') '
                || left(regexp_replace(query, '\\s+', ' ', 'g'), 40) AS k
           FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'`,
      );
      samples++;
      for (const r of rows) counts.set(r.k, (counts.get(r.k) ?? 0) + 1);
      await sleep(200);
    }
    await client.end();
  })();
  return async () => {
    stopped = true;
    await loop;
    return Object.fromEntries(
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => [k, round(v / samples, 1)]),
    );
  };
}

/**
 * Where the machine's CPU goes while a benchmark runs (Linux /proc; undefined elsewhere): every 500 ms
 * the CPU time of the app processes (`dist/src/main.js`), of the PostgreSQL server (the postmaster of
 * `dataDir` and its backends), of this runner (the load generator, the raw baselines' client) and of
 * the SMTP sink (bench/smtp-sink.js). Returns stop() → the average share of one core of each, e.g.
 * `{ app: 85, postgres: 40, runner: 22, sink: 5, total: 152 }` (the machine has 200 with 2 cores).
 */
export function sampleCpu(dataDir) {
  const hz = 100; // USER_HZ: /proc reports CPU time in ticks of 1/100 s on Linux
  const read = (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  const postmaster = Number(read(join(dataDir, 'pg', 'postmaster.pid'))?.split('\n')[0]);
  if (!read('/proc/self/stat') || !postmaster) return () => undefined;
  const last = new Map();
  const used = { app: 0, postgres: 0, runner: 0, sink: 0 };
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = read(`/proc/${pid}/stat`);
      if (!stat) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      let group = null;
      if (Number(pid) === process.pid) group = 'runner';
      else if (Number(pid) === postmaster || ppid === postmaster) group = 'postgres';
      else if (ppid === process.pid) {
        // The apps and the sink are this runner's children (other programs on the machine are not counted).
        const cmdline = read(`/proc/${pid}/cmdline`);
        if (cmdline?.includes('dist/src/main.js')) group = 'app';
        else if (cmdline?.includes('bench/smtp-sink.js')) group = 'sink';
      }
      if (!group) continue;
      const ticks = Number(f[11]) + Number(f[12]);
      // A process first seen now counts from now (its earlier time was before the window).
      if (last.has(pid)) used[group] += ticks - last.get(pid);
      last.set(pid, ticks);
    }
  };
  sample();
  const t0 = performance.now();
  const timer = setInterval(sample, 500);
  return () => {
    clearInterval(timer);
    sample();
    const seconds = (performance.now() - t0) / 1000;
    const share = (ticks) => Math.round((ticks / hz / seconds) * 100);
    const out = Object.fromEntries(Object.entries(used).map(([k, v]) => [k, share(v)]));
    return { ...out, total: out.app + out.postgres + out.runner + out.sink };
  };
}

/** sampleCpu's shares as ms of one core per item (a mail): what each part costs for one. */
export function cpuMsPerItem(cpu, seconds, items) {
  return Object.fromEntries(
    Object.entries(cpu ?? {}).map(([k, v]) => [k, round((v * 10 * seconds) / Math.max(1, items), 3)]),
  );
}

/**
 * A loopback SMTP sink in a process of its own (bench/smtp-sink.js) that accepts everything and counts
 * messages per recipient (each bench mail goes to its own supporter, so a recipient seen twice is a
 * duplicate send). `count()` and `stats()` ask it over IPC.
 */
export async function startSmtp(env = {}) {
  const child = fork(join(ROOT, 'bench/smtp-sink.js'), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const ask = (message) =>
    new Promise((ok) => {
      waiting.push(ok);
      child.send(message);
    });
  const { port } = await new Promise((ok, fail) => {
    waiting.push(ok);
    child.once('exit', (code) => fail(new Error(`SMTP sink exited with ${code}`)));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    pid: child.pid,
    /** Messages accepted since the last reset. */
    count: async () => (await ask('count')).total,
    /** Messages accepted and a Map recipient → messages, since the last reset. */
    stats: async () => {
      const { total, perRecipient } = await ask('stats');
      return { total, perRecipient: new Map(perRecipient) };
    },
    reset: () => ask('reset'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((ok) => child.once('exit', ok));
      child.disconnect();
      await exited;
    },
  };
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
