import { hashPassword } from '../src/auth/password.js';
import { ADMIN, adminToken, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('staff login and tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD and lets them log in', async () => {
    const res = await t.http.post('/api/auth/login').send(ADMIN).expect(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(JSON.stringify(res.body)).not.toMatch(/password|scrypt/i);
    const me = await t.http.get('/api/auth/me').auth(res.body.accessToken, { type: 'bearer' }).expect(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('lets the default first admin (admin@localhost, an address without a dot) log in to the API', async () => {
    const password = 'a-long-enough-password';
    await t.db.query(
      `INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Local', $2, 'admin')`,
      ['ops@localhost', await hashPassword(password)],
    );
    const res = await t.http.post('/api/auth/login').send({ email: 'ops@localhost', password }).expect(200);
    expect(res.body.user).toMatchObject({ email: 'ops@localhost', role: 'admin' });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await t.http
      .post('/api/auth/login')
      .send({ email: ADMIN.email, password: 'not-the-password' });
    const unknown = await t.http
      .post('/api/auth/login')
      .send({ email: 'nobody@example.org', password: 'whatever-it-is' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('records logins and failed logins in the audit log', async () => {
    const token = await adminToken(t);
    await t.http.post('/api/auth/login').send({ email: 'ghost@example.org', password: 'wrong-password-1' });
    const log = await t.http.get('/api/audit-log?action=auth.').auth(token, { type: 'bearer' }).expect(200);
    const actions = log.body.items.map((i: { action: string }) => i.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.login_failed');
  });

  it('refuses a bad token and a missing one with 401', async () => {
    await t.http.get('/api/auth/me').expect(401);
    await t.http.get('/api/auth/me').auth('not.a.token', { type: 'bearer' }).expect(401);
  });

  it('stops accepting the token of an account that gets disabled', async () => {
    const admin = await adminToken(t);
    const org = await createStaff(t, admin, 'organizer');
    await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(200);
    await t.http
      .patch(`/api/users/${org.id}`)
      .auth(admin, { type: 'bearer' })
      .send({ disabled: true })
      .expect(200);
    await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(401);
    await t.http
      .post('/api/auth/login')
      .send({ email: org.email, password: 'a-long-enough-password' })
      .expect(401);
  });

  it('rejects staff accounts with short passwords, bad roles and duplicate emails', async () => {
    const admin = await adminToken(t);
    const short = await t.http
      .post('/api/users')
      .auth(admin, { type: 'bearer' })
      .send({ email: 'x@example.org', name: 'X', password: 'short', role: 'organizer' })
      .expect(400);
    expect(short.body.details.map((d: { field: string }) => d.field)).toContain('password');
    await t.http
      .post('/api/users')
      .auth(admin, { type: 'bearer' })
      .send({ email: 'x@example.org', name: 'X', password: 'long-enough-pass', role: 'boss' })
      .expect(400);
    await t.http
      .post('/api/users')
      .auth(admin, { type: 'bearer' })
      .send({ email: 'ADMIN@example.org', name: 'Again', password: 'long-enough-pass', role: 'organizer' })
      .expect(409);
  });

  it('answers 415 to a login in a content type it does not take', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('content-type', 'application/x-whatever')
      .send('abc')
      .expect(415);
    expect(res.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
  });
});

describe('login throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('throttles an email after 5 failures, even with the right password, until the window passes', async () => {
    for (let i = 0; i < 5; i++) {
      await t.http
        .post('/api/auth/login')
        .send({ email: ADMIN.email, password: `wrong-${i}-password` })
        .expect(401);
    }
    const blocked = await t.http.post('/api/auth/login').send(ADMIN).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(16 * 60 * 1000);
    await t.http.post('/api/auth/login').send(ADMIN).expect(200);
  });

  it('throttles one IP trying many emails', async () => {
    t.clock.advance(16 * 60 * 1000);
    for (let i = 0; i < 20; i++) {
      await t.http
        .post('/api/auth/login')
        .send({ email: `list-${i}@example.org`, password: 'guess-guess-guess' });
    }
    await t.http
      .post('/api/auth/login')
      .send({ email: 'list-99@example.org', password: 'guess-guess-guess' })
      .expect(429);
  });
});
