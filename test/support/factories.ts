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
}

export async function createStaff(
  t: TestApp,
  admin: string,
  role: 'admin' | 'organizer' | 'coordinator',
  name: string = role,
): Promise<Staff> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.org`;
  const password = 'a-long-enough-password';
  const res = await t.http
    .post('/api/users')
    .auth(admin, { type: 'bearer' })
    .send({ email, name, password, role });
  if (res.status !== 201) throw new Error(`create ${role} → ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, email, token: await login(t, email, password) };
}

export async function createCampaign(
  t: TestApp,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const res = await t.http
    .post('/api/campaigns')
    .auth(token, { type: 'bearer' })
    .send({
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
