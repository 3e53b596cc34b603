import supertest from 'supertest';
import { routesOf } from '../src/app.js';
import { addMember, adminToken, createCampaign, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Routes open to anyone. Everything else under /api must answer 401 without a token. */
const PUBLIC_PREFIXES = ['/api/public/', '/api/docs'];
const PUBLIC_ROUTES = ['GET /api/health', 'POST /api/auth/login'];
/** The console's only routes without a session. Every other /admin route sends the browser to login. */
const CONSOLE_PUBLIC_ROUTES = ['GET /admin/login', 'POST /admin/login', 'POST /admin/logout'];

const ANY_ID = '00000000-0000-4000-8000-000000000000';
const sample = (url: string) => url.replace(/:[A-Za-z]+/g, ANY_ID).replace(/\*$/, 'x');

describe('deny by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 without a token on every registered staff route', async () => {
    const routes = routesOf(t.app).filter(
      (r) =>
        r.url.startsWith('/api/') &&
        !['HEAD', 'OPTIONS'].includes(r.method) &&
        !PUBLIC_PREFIXES.some((p) => r.url.startsWith(p)) &&
        !PUBLIC_ROUTES.includes(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(10);
    const open: string[] = [];
    for (const r of routes) {
      const res = await t.http[r.method.toLowerCase() as 'get'](sample(r.url)).send({});
      if (res.status !== 401) open.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('sends every console page route to the login page without a session', async () => {
    const routes = routesOf(t.app).filter(
      (r) =>
        (r.url === '/admin' || r.url.startsWith('/admin/')) &&
        !['HEAD', 'OPTIONS'].includes(r.method) &&
        !CONSOLE_PUBLIC_ROUTES.includes(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(40);
    // A browser without a session still has a CSRF token from the login form, so a POST reaches the
    // session check instead of stopping at the CSRF check.
    const agent = supertest.agent(t.app.getHttpServer());
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const open: string[] = [];
    for (const r of routes) {
      const res =
        r.method === 'GET'
          ? await agent.get(sample(r.url))
          : await agent[r.method.toLowerCase() as 'post'](sample(r.url)).type('form').send({ _csrf: csrf });
      if (res.status !== 303 || res.headers.location !== '/admin/login')
        open.push(`${r.method} ${r.url} → ${res.status} ${res.headers.location ?? ''}`);
    }
    expect(open).toEqual([]);
  });
});

describe('roles and campaign membership', () => {
  let t: TestApp;
  let admin: string;
  let orgMember: Staff;
  let orgOther: Staff;
  let coordMember: Staff;
  let coordOther: Staff;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t);
    orgMember = await createStaff(t, admin, 'organizer');
    orgOther = await createStaff(t, admin, 'organizer');
    coordMember = await createStaff(t, admin, 'coordinator');
    coordOther = await createStaff(t, admin, 'coordinator');
    campaignId = (await createCampaign(t, orgMember.token)).id;
    await addMember(t, orgMember.token, campaignId, coordMember.id, 'coordinator');
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string, body: object) => t.http.post(url).auth(token, { type: 'bearer' }).send(body),
    patch: (url: string, body: object) => t.http.patch(url).auth(token, { type: 'bearer' }).send(body),
    delete: (url: string) => t.http.delete(url).auth(token, { type: 'bearer' }),
  });

  it('lets only admins manage staff accounts', async () => {
    await as(admin).get('/api/users').expect(200);
    await as(orgMember.token).get('/api/users').expect(403);
    await as(coordMember.token)
      .post('/api/users', { email: 'a@b.org', name: 'A', password: 'x'.repeat(12), role: 'admin' })
      .expect(403);
    await as(orgMember.token).get('/api/audit-log').expect(403);
  });

  it('lets admins and the organization’s organizer read and edit; the creator organizes it through the organization', async () => {
    await as(admin).get(`/api/campaigns/${campaignId}`).expect(200);
    await as(orgMember.token)
      .patch(`/api/campaigns/${campaignId}`, { city: 'Silao de la Victoria' })
      .expect(200);
    await as(admin).patch(`/api/campaigns/${campaignId}`, { region: 'Guanajuato' }).expect(200);
    const team = await as(orgMember.token)
      .get(`/api/organizations/${orgMember.organizationId}/members`)
      .expect(200);
    expect(team.body.members).toEqual([expect.objectContaining({ userId: orgMember.id, role: 'organizer' })]);
    // The campaign's own team is for people who work on this campaign only.
    const members = await as(orgMember.token).get(`/api/campaigns/${campaignId}/members`).expect(200);
    expect(members.body.map((m: { userId: string }) => m.userId)).toEqual([coordMember.id]);
  });

  it('hides the campaign from staff who are not members (404, not 403)', async () => {
    await as(orgOther.token).get(`/api/campaigns/${campaignId}`).expect(404);
    await as(orgOther.token).patch(`/api/campaigns/${campaignId}`, { city: 'x' }).expect(404);
    await as(orgOther.token).get(`/api/campaigns/${campaignId}/members`).expect(404);
    await as(coordOther.token).get(`/api/campaigns/${campaignId}`).expect(404);
    const list = await as(orgOther.token).get('/api/campaigns').expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(campaignId);
  });

  it('lets a coordinator member read but never edit texts or membership (403)', async () => {
    await as(coordMember.token).get(`/api/campaigns/${campaignId}`).expect(200);
    const list = await as(coordMember.token).get('/api/campaigns').expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([campaignId]);
    await as(coordMember.token)
      .patch(`/api/campaigns/${campaignId}`, { title: { en: 'Mine now' } })
      .expect(403);
    await as(coordMember.token)
      .post(`/api/campaigns/${campaignId}/members`, { userId: coordOther.id, role: 'coordinator' })
      .expect(403);
    await as(coordMember.token).delete(`/api/campaigns/${campaignId}`).expect(403);
    await as(coordMember.token)
      .post('/api/campaigns', { title: { en: 'New' } })
      .expect(403);
  });

  it('adds and removes members; a coordinator account cannot become an organizer member', async () => {
    await as(orgMember.token)
      .post(`/api/campaigns/${campaignId}/members`, { userId: coordOther.id, role: 'organizer' })
      .expect(400);
    await as(orgMember.token)
      .post(`/api/campaigns/${campaignId}/members`, { userId: orgOther.id, role: 'coordinator' })
      .expect(201);
    await as(orgOther.token).get(`/api/campaigns/${campaignId}`).expect(200);
    await as(orgOther.token).patch(`/api/campaigns/${campaignId}`, { city: 'x' }).expect(403);
    await as(orgMember.token).delete(`/api/campaigns/${campaignId}/members/${orgOther.id}`).expect(204);
    await as(orgOther.token).get(`/api/campaigns/${campaignId}`).expect(404);
  });
});
