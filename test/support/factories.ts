import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

/** Small factories that go through the real API, so tests exercise the same paths as users. */
export const ADMIN = { email: 'admin@example.org', password: 'admin-password-for-tests' };

export async function login(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.http.post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export const adminToken = (t: TestApp) => login(t, ADMIN.email, ADMIN.password);

export interface Staff {
  id: string;
  email: string;
  token: string;
  /** An organizer's own organization. */
  organizationId?: string;
}

export async function createStaff(
  t: TestApp,
  admin: string,
  role: 'admin' | 'organizer' | 'coordinator',
  name: string = role,
  opts: { organization?: string } = {},
): Promise<Staff> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.org`;
  const password = 'a-long-enough-password';
  const res = await t.http
    .post('/api/users')
    .auth(admin, { type: 'bearer' })
    .send({ email, name, password, role });
  if (res.status !== 201) throw new Error(`create ${role} → ${res.status} ${JSON.stringify(res.body)}`);
  const staff = { id: res.body.id as string, email, token: await login(t, email, password) };
  // An organizer runs an organization of their own (so two organizers share nothing unless a test
  // says so); a coordinator works only where a test adds them.
  if (role === 'organizer') {
    // A random suffix keeps names unique unless the test names the organization (as a pictured page does).
    const orgName = opts.organization ?? `${name} ${randomBytes(3).toString('hex')}`;
    const org = await createOrganization(t, admin, { name: orgName });
    await addOrgMember(t, admin, org.id, email, 'organizer');
    return { ...staff, organizationId: org.id };
  }
  return staff;
}

export async function createOrganization(
  t: TestApp,
  admin: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const res = await t.http
    .post('/api/organizations')
    .auth(admin, { type: 'bearer' })
    .send({ name: `Comité ${randomBytes(3).toString('hex')}`, country: 'MX', ...overrides });
  if (res.status !== 201) throw new Error(`create organization → ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, slug: res.body.slug as string };
}

/** An admin adds an existing account (or invites an unknown email) to an organization. */
export async function addOrgMember(t: TestApp, admin: string, orgId: string, email: string, role: string) {
  const res = await t.http
    .post(`/api/organizations/${orgId}/members`)
    .auth(admin, { type: 'bearer' })
    .send({ email, role });
  if (res.status !== 201) throw new Error(`add org member → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { status: 'added' | 'invited' };
}

/** The organization the admin of a test app works in (created once, with the admin as its organizer). */
const adminOrgs = new WeakMap<TestApp, Promise<string>>();
export function adminOrganization(t: TestApp, admin: string): Promise<string> {
  let org = adminOrgs.get(t);
  if (!org) {
    org = (async () => {
      const o = await createOrganization(t, admin, { name: 'Test organization' });
      await addOrgMember(t, admin, o.id, ADMIN.email, 'organizer');
      return o.id;
    })();
    adminOrgs.set(t, org);
  }
  return org;
}

export async function createCampaign(
  t: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const me = await t.http.get('/api/auth/me').auth(token, { type: 'bearer' });
  const organizationId =
    overrides.organizationId ?? (me.body?.role === 'admin' ? await adminOrganization(t, token) : undefined);
  const res = await t.http
    .post('/api/campaigns')
    .auth(token, { type: 'bearer' })
    .send({
      ...(organizationId ? { organizationId } : {}),
      title: { en: `Independent union ${randomBytes(3).toString('hex')}`, es: 'Sindicato independiente' },
      sector: 'auto',
      employer: 'General Motors',
      city: 'Silao',
      region: 'Guanajuato',
      country: 'MX',
      ...overrides,
    });
  if (res.status !== 201) throw new Error(`create campaign → ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, slug: res.body.slug as string };
}

export async function activeCampaign(t: TestApp, token: string, overrides: Record<string, unknown> = {}) {
  const c = await createCampaign(t, token, overrides);
  const res = await t.http
    .patch(`/api/campaigns/${c.id}`)
    .auth(token, { type: 'bearer' })
    .send({ status: 'active' });
  if (res.status !== 200) throw new Error(`activate → ${res.status} ${JSON.stringify(res.body)}`);
  return c;
}

export async function addMember(t: TestApp, token: string, campaignId: string, userId: string, role: string) {
  const res = await t.http
    .post(`/api/campaigns/${campaignId}/members`)
    .auth(token, { type: 'bearer' })
    .send({ userId, role });
  if (res.status !== 201) throw new Error(`add member → ${res.status} ${JSON.stringify(res.body)}`);
}
