// Fixtures through the real API (as a user would make them): admin login, an organizer, campaigns,
// open letter actions and events with capacity. Bulk data for the read/export benchmarks is inserted by
// SQL `generate_series` (said so in the output): a million signatures through HTTP would take hours.
import { randomBytes } from 'node:crypto';
import { ADMIN, api } from './harness.js';

const tag = () => randomBytes(3).toString('hex');

export async function staff(app) {
  const { accessToken: admin } = await api(app, 'POST', '/api/auth/login', { body: ADMIN });
  const email = `organizer-${tag()}@bench.test`;
  const password = 'organizer-bench-password';
  await api(app, 'POST', '/api/users', {
    token: admin,
    body: { email, name: 'Bench organizer', password, role: 'organizer' },
  });
  // The organizer runs an organization of their own (campaigns, supporters and rates belong to it).
  const org = await api(app, 'POST', '/api/organizations', {
    token: admin,
    body: { name: `Bench committee ${tag()}`, country: 'MX' },
  });
  await api(app, 'POST', `/api/organizations/${org.id}/members`, {
    token: admin,
    body: { email, role: 'organizer' },
  });
  const { accessToken } = await api(app, 'POST', '/api/auth/login', { body: { email, password } });
  return { admin, token: accessToken, organizationId: org.id };
}

export async function activeCampaign(app, token, name = 'Bench') {
  const c = await api(app, 'POST', '/api/campaigns', {
    token,
    body: {
      title: { en: `${name} campaign ${tag()}`, es: `Campaña ${name}` },
      summary: { en: 'Independent union at the plant', es: 'Sindicato independiente en la planta' },
      sector: 'auto',
      employer: 'General Motors',
      city: 'Silao',
      region: 'Guanajuato',
      country: 'MX',
    },
  });
  await api(app, 'PATCH', `/api/campaigns/${c.id}`, { token, body: { status: 'active' } });
  return { id: c.id, slug: c.slug };
}

export async function firstTarget(app, token) {
  const list = await api(app, 'GET', '/api/targets?limit=1', { token });
  const items = Array.isArray(list) ? list : list.items;
  return items[0].id;
}

export async function openLetters(app, token, campaignId, targetId, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = await api(app, 'POST', `/api/campaigns/${campaignId}/letter-actions`, {
      token,
      body: {
        title: { en: `Letter ${i} ${tag()}`, es: `Carta ${i}` },
        subject: { en: 'Enforce the labor chapter', es: 'Hagan cumplir el capítulo laboral' },
        body: {
          en: 'Dear {{target.name}},\n\nRespect the vote.\n\n{{supporter.firstName}}, {{supporter.city}}',
          es: 'Estimado/a {{target.name}}:\n\nRespeten el voto.\n\n{{supporter.firstName}}, {{supporter.city}}',
        },
        targetIds: [targetId],
        signatureGoal: 1_000_000,
      },
    });
    await api(app, 'PATCH', `/api/letter-actions/${a.id}`, { token, body: { status: 'open' } });
    out.push({ id: a.id, slug: a.slug });
  }
  return out;
}

export async function events(app, token, campaignId, n, capacity) {
  const out = [];
  const startsAt = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (let i = 0; i < n; i++) {
    const e = await api(app, 'POST', `/api/campaigns/${campaignId}/events`, {
      token,
      body: {
        title: { en: `Picket ${i} ${tag()}`, es: `Piquete ${i}` },
        kind: 'picket',
        venue: 'GM Renaissance Center',
        address: '300 Renaissance Center',
        city: 'Detroit',
        region: 'Michigan',
        country: 'US',
        startsAt,
        timezone: 'America/Detroit',
        capacity,
      },
    });
    out.push({ id: e.id, slug: e.slug, capacity });
  }
  return out;
}

/** A supporter body for public writes: a distinct email per call. */
export function supporterBody(n, prefix) {
  return {
    email: `${prefix}-${n}@bench.test`,
    firstName: 'Ana',
    lastName: `Pérez ${n}`,
    city: 'Silao',
    region: 'Guanajuato',
    country: 'MX',
    locale: 'es',
    timezone: 'America/Mexico_City',
    consentEmail: true,
  };
}
