import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from './support/test-app.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli.js');

describe('the CLI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
    });

  it('creates a user who can then log in, and resets their password', async () => {
    const created = await cli(
      'user:create',
      '--email',
      'Lucia@Example.org',
      '--role',
      'coordinator',
      '--name',
      'Lucía',
    );
    expect(created.stdout).toContain('created coordinator lucia@example.org');
    const password = /password: (\S+)/.exec(created.stdout)![1];
    const before = await t.http
      .post('/api/auth/login')
      .send({ email: 'lucia@example.org', password })
      .expect(200);

    await cli('user:reset-password', '--email', 'lucia@example.org', '--password', 'a-brand-new-password');
    await t.http.post('/api/auth/login').send({ email: 'lucia@example.org', password }).expect(401);
    // The reset ended the session she had.
    await t.http.get('/api/auth/me').auth(before.body.accessToken, { type: 'bearer' }).expect(401);
    await t.http
      .post('/api/auth/login')
      .send({ email: 'lucia@example.org', password: 'a-brand-new-password' })
      .expect(200);
  });

  it('explains bad usage with exit code 2', async () => {
    await expect(cli('user:create', '--email', 'x@example.org', '--role', 'boss')).rejects.toMatchObject({
      code: 2,
    });
  });

  it('reports that there is nothing to migrate on a migrated database', async () => {
    const res = await cli('migration:run');
    expect(res.stdout).toContain('no pending migrations');
  });
});
