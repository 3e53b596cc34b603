import { JwtService } from '@nestjs/jwt';
import supertest from 'supertest';
import { SecretService } from '../src/common/secret.service.js';
import { UsersService } from '../src/auth/users.service.js';
import { adminToken, createStaff, login } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'a-long-enough-password';

/** Logs in through the console's form; answers the agent (which keeps the cookies) and the session cookie. */
async function consoleLogin(t: TestApp, email: string, password = PASSWORD) {
  const agent = supertest.agent(t.app.getHttpServer());
  const form = await agent.get('/admin/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const res = await agent
    .post('/admin/login')
    .type('form')
    .send({ _csrf: csrf, email, password })
    .expect(303);
  const cookie = [res.headers['set-cookie'] ?? []]
    .flat()
    .find((c: string) => c.startsWith('puente_session='))!;
  return { agent, csrf, cookie: cookie.split(';')[0] };
}

/** The console's answer to a session cookie alone: 200 (the dashboard) or 303 to the login form. */
const dashboardWith = (t: TestApp, cookie: string) => t.http.get('/admin').set('cookie', cookie);

describe('staff sessions end at once', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t);
  });
  afterAll(() => t.close());

  it('logout by the API refuses the old bearer token and the console cookie with 401', async () => {
    const org = await createStaff(t, admin, 'organizer');
    const other = await login(t, org.email, PASSWORD);
    const web = await consoleLogin(t, org.email);
    await dashboardWith(t, web.cookie).expect(200);

    await t.http.post('/api/auth/logout').auth(org.token, { type: 'bearer' }).expect(204);

    await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(401);
    await t.http.get('/api/auth/me').auth(other, { type: 'bearer' }).expect(401);
    await t.http.post('/api/auth/logout').auth(org.token, { type: 'bearer' }).expect(401);
    const page = await dashboardWith(t, web.cookie).expect(303);
    expect(page.headers.location).toBe('/admin/login');
    // A new login right away (within the same second) works.
    const fresh = await login(t, org.email, PASSWORD);
    await t.http.get('/api/auth/me').auth(fresh, { type: 'bearer' }).expect(200);
  });

  it('logout in the console ends the cookie and the API tokens, even with the clock stopped', async () => {
    // Stopped: logout and the next login happen at the very same millisecond.
    t.clock.set(new Date());
    try {
      const org = await createStaff(t, admin, 'coordinator');
      const web = await consoleLogin(t, org.email);
      await dashboardWith(t, web.cookie).expect(200);

      const out = await web.agent.post('/admin/logout').type('form').send({ _csrf: web.csrf }).expect(303);
      expect(out.headers.location).toBe('/admin/login');

      await dashboardWith(t, web.cookie).expect(303);
      await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(401);
      const fresh = await login(t, org.email, PASSWORD);
      await t.http.get('/api/auth/me').auth(fresh, { type: 'bearer' }).expect(200);
      const again = await consoleLogin(t, org.email);
      await dashboardWith(t, again.cookie).expect(200);
      const log = await t.http
        .get('/api/audit-log?action=auth.logout')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(log.body.items.map((i: { subjectId: string }) => i.subjectId)).toContain(org.id);
    } finally {
      t.clock.reset();
    }
  });

  it('a second logout in the same second ends the session opened after the first', async () => {
    t.clock.set(new Date());
    try {
      const org = await createStaff(t, admin, 'organizer');
      await t.http.post('/api/auth/logout').auth(org.token, { type: 'bearer' }).expect(204);
      const second = await login(t, org.email, PASSWORD);
      await t.http.get('/api/auth/me').auth(second, { type: 'bearer' }).expect(200);
      await t.http.post('/api/auth/logout').auth(second, { type: 'bearer' }).expect(204);
      await t.http.get('/api/auth/me').auth(second, { type: 'bearer' }).expect(401);
      // And a password reset right after a login, too.
      const third = await login(t, org.email, PASSWORD);
      await t.app.get(UsersService).setPassword(org.email, 'a-brand-new-password');
      await t.http.get('/api/auth/me').auth(third, { type: 'bearer' }).expect(401);
      const fourth = await login(t, org.email, 'a-brand-new-password');
      await t.http.get('/api/auth/me').auth(fourth, { type: 'bearer' }).expect(200);
    } finally {
      t.clock.reset();
    }
  });

  it('a password reset ends every existing session', async () => {
    const org = await createStaff(t, admin, 'organizer');
    const web = await consoleLogin(t, org.email);
    await t.app.get(UsersService).setPassword(org.email, 'a-brand-new-password');
    await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(401);
    await dashboardWith(t, web.cookie).expect(303);
    const fresh = await login(t, org.email, 'a-brand-new-password');
    await t.http.get('/api/auth/me').auth(fresh, { type: 'bearer' }).expect(200);
  });

  it('disabling and enabling an account again does not bring its old sessions back', async () => {
    const org = await createStaff(t, admin, 'organizer');
    for (const disabled of [true, false]) {
      await t.http
        .patch(`/api/users/${org.id}`)
        .auth(admin, { type: 'bearer' })
        .send({ disabled })
        .expect(200);
    }
    await t.http.get('/api/auth/me').auth(org.token, { type: 'bearer' }).expect(401);
    await login(t, org.email, PASSWORD);
  });

  it('refuses a correctly signed token without an expiry (or without an issue time)', async () => {
    const org = await createStaff(t, admin, 'organizer');
    const jwt = t.app.get(JwtService);
    const secret = t.app.get(SecretService).keyFor('staff-token');
    const forever = await jwt.signAsync({ sub: org.id }, { secret });
    const undated = await jwt.signAsync({ sub: org.id }, { secret, expiresIn: 3600, noTimestamp: true });
    const fine = await jwt.signAsync({ sub: org.id }, { secret, expiresIn: 3600 });
    await t.http.get('/api/auth/me').auth(fine, { type: 'bearer' }).expect(200);
    await t.http.get('/api/auth/me').auth(forever, { type: 'bearer' }).expect(401);
    await t.http.get('/api/auth/me').auth(undated, { type: 'bearer' }).expect(401);
    await dashboardWith(t, `puente_session=${forever}`).expect(303);
  });
});

describe('login throttling per email and address', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The client address comes from X-Forwarded-For, so one test can log in from several addresses.
    t = await createTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  const loginFrom = (ip: string, email: string, password: string) =>
    t.http.post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password });

  it('five bad logins from one address do not stop the right password from another', async () => {
    const admin = await adminToken(t);
    const coord = await createStaff(t, admin, 'coordinator');
    for (let i = 0; i < 5; i++)
      await loginFrom('203.0.113.9', coord.email, `wrong-${i}-password`).expect(401);
    // The stranger's address is throttled, even with the right password…
    await loginFrom('203.0.113.9', coord.email, PASSWORD).expect(429);
    // …the coordinator, from her own address, is not.
    await loginFrom('198.51.100.7', coord.email, PASSWORD).expect(200);
  });

  it('still caps one address trying many emails', async () => {
    for (let i = 0; i < 20; i++)
      await loginFrom('203.0.113.50', `list-${i}@example.org`, 'guess-guess-guess');
    await loginFrom('203.0.113.50', 'list-99@example.org', 'guess-guess-guess').expect(429);
    await loginFrom('198.51.100.8', 'list-99@example.org', 'guess-guess-guess').expect(401);
  });
});
