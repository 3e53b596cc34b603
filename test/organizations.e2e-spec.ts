import supertest from 'supertest';
import { routesOf } from '../src/app.js';
import { PrivacyService } from '../src/supporters/privacy.service.js';
import {
  activeCampaign,
  addMember,
  addOrgMember,
  ADMIN,
  adminToken,
  createOrganization,
  createStaff,
  login,
  type Staff,
} from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const lucia = {
  email: 'lucia.hernandez@example.org',
  firstName: 'Lucía',
  lastName: 'Hernández',
  city: 'León',
  region: 'Guanajuato',
  postalCode: '37000',
  country: 'MX',
  locale: 'es',
  consentEmail: true,
};

/** Everything one organization (B) holds, created through the API. */
interface World {
  org: string;
  organizer: Staff;
  coordinator: Staff;
  campaign: { id: string; slug: string };
  letter: string;
  target: string;
  event: string;
  rsvp: string;
  fundraiser: string;
  donation: string;
  rate: string;
  supporter: string;
  pledge: string;
  signature: string;
  tag: string;
  audience: string;
  bulletin: string;
  invitation: string;
  reminder: string;
}

describe('organizations: the privacy boundary', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let admin: string;
  let a: World;
  let b: World;

  const as = (token: string) => ({
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    delete: (url: string) => t.http.delete(url).auth(token, { type: 'bearer' }),
  });

  /** An organization with a campaign, a letter (signed), an event (RSVPed), a fundraiser and a rate. */
  async function world(): Promise<World> {
    const organizer = await createStaff(t, admin, 'organizer');
    const coordinator = await createStaff(t, admin, 'coordinator');
    const org = organizer.organizationId!;
    await addOrgMember(t, admin, org, coordinator.email, 'coordinator');
    const campaign = await activeCampaign(t, organizer.token);
    const o = as(organizer.token);
    const target = (
      await o
        .post(`/api/organizations/${org}/targets`)
        .send({ name: { en: 'Labor attaché', es: 'Agregada laboral' }, email: 'attache@example.gov' })
        .expect(201)
    ).body.id as string;
    const letter = (
      await o
        .post(`/api/campaigns/${campaign.id}/letter-actions`)
        .send({
          title: { en: 'Letter' },
          subject: { en: 'Subject' },
          body: {
            en: 'Dear {{target.name}}, we stand with Silao.',
            es: 'Estimada {{target.name}}: apoyamos a Silao.',
          },
          targetIds: [target],
        })
        .expect(201)
    ).body;
    await o.patch(`/api/letter-actions/${letter.id}`).send({ status: 'open' }).expect(200);
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/${letter.slug}/signatures`)
      .send(lucia)
      .expect(201);
    const event = (
      await o
        .post(`/api/campaigns/${campaign.id}/events`)
        .send({
          title: { en: 'Picket' },
          kind: 'picket',
          venue: 'GM HQ',
          startsAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
          timezone: 'America/Detroit',
        })
        .expect(201)
    ).body.id as string;
    const eventSlug = (await o.get(`/api/events/${event}`).expect(200)).body.slug as string;
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/events/${eventSlug}/rsvps`)
      .send(lucia)
      .expect(202);
    const rsvp = (await as(coordinator.token).get(`/api/events/${event}/rsvps`).expect(200)).body.items[0]
      .id as string;
    const fundraiser = (
      await o
        .post(`/api/campaigns/${campaign.id}/fundraisers`)
        .send({ title: { en: 'Strike fund' }, goal: { amount: '1000.00', currency: 'USD' } })
        .expect(201)
    ).body.id as string;
    const donation = (
      await as(coordinator.token)
        .post(`/api/fundraisers/${fundraiser}/donations`)
        .send({ amount: { amount: '1000.00', currency: 'MXN' }, status: 'received', method: 'cash' })
        .expect(201)
    ).body.donation.id as string;
    const rate = (
      await o
        .post(`/api/organizations/${org}/exchange-rates`)
        .send({ base: 'USD', quote: 'MXN', rate: '20', validFrom: '2020-01-01' })
        .expect(201)
    ).body.rate.id as string;
    await t.http.post(`/api/public/campaigns/${campaign.slug}/pledges`).send({ ...lucia, kind: 'volunteer' });
    const pledge = (await o.get(`/api/campaigns/${campaign.id}/pledges`).expect(200)).body.items[0]
      .id as string;
    const supporter = (await o.get(`/api/campaigns/${campaign.id}/supporters`).expect(200)).body.items[0]
      .id as string;
    const signature = (await o.get(`/api/letter-actions/${letter.id}/signatures`).expect(200)).body.items[0]
      .id as string;
    const tag = (await o.post(`/api/organizations/${org}/tags`).send({ name: 'Silao' }).expect(201)).body
      .id as string;
    const audience = (
      await o.post(`/api/organizations/${org}/audiences`).send({ name: 'Everyone', filter: {} }).expect(201)
    ).body.id as string;
    const bulletin = (
      await o
        .post(`/api/organizations/${org}/bulletins`)
        .send({ subject: { en: 'News' }, body: { en: 'Hi' }, audienceId: audience })
        .expect(201)
    ).body.id as string;
    await o
      .post(`/api/organizations/${org}/members`)
      .send({ email: `pending-${org.slice(0, 8)}@example.org`, role: 'coordinator' })
      .expect(201);
    const invitation = (await o.get(`/api/organizations/${org}/members`).expect(200)).body.invitations[0]
      .id as string;
    const { rows: reminders } = await t.db.query(`SELECT id FROM reminders WHERE campaign_id = $1 LIMIT 1`, [
      campaign.id,
    ]);
    return {
      org,
      organizer,
      coordinator,
      campaign,
      letter: letter.id,
      target,
      event,
      rsvp,
      fundraiser,
      donation,
      rate,
      supporter,
      pledge,
      signature,
      tag,
      audience,
      bulletin,
      invitation,
      reminder: reminders[0].id as string,
    };
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    admin = await adminToken(t);
    a = await world();
    b = await world();
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** B's ids, by the path segment before a route's `:id` and by the name of any other parameter. */
  const idsOf = (w: World): Record<string, string> => ({
    campaigns: w.campaign.id,
    organizations: w.org,
    'letter-actions': w.letter,
    letters: w.letter,
    targets: w.target,
    events: w.event,
    fundraisers: w.fundraiser,
    donations: w.donation,
    'exchange-rates': w.rate,
    pledges: w.pledge,
    supporters: w.supporter,
    rsvps: w.rsvp,
    signatures: w.signature,
    tags: w.tag,
    audiences: w.audience,
    bulletins: w.bulletin,
    reminders: w.reminder,
    users: w.organizer.id,
    // other parameters, by name
    targetId: w.target,
    supporterId: w.supporter,
    signatureId: w.signature,
    tagId: w.tag,
    userId: w.organizer.id,
    invitationId: w.invitation,
    orgId: w.org,
    rsvpId: w.rsvp,
  });
  /** A route pattern with the world's ids in it (a parameter the world has no id for fails the test). */
  const fill = (pattern: string, w: World, fixed: Record<string, string>): string => {
    const ids = idsOf(w);
    const parts = pattern.split('/');
    return parts
      .map((p, i) =>
        p.replace(/:([A-Za-z]+)/g, (_, name: string) => {
          const value = name in fixed ? fixed[name] : name === 'id' ? ids[parts[i - 1]] : ids[name];
          if (value === undefined) throw new Error(`no id for ${name} in ${pattern}: add one to the world`);
          return value;
        }),
      )
      .join('/');
  };
  /** Routes that are about the caller, not about an organization's data. */
  const OWN_API = new Set([
    'GET /api/auth/me',
    'POST /api/auth/logout',
    'POST /api/auth/login',
    'GET /api/campaigns',
    'POST /api/campaigns',
    'GET /api/organizations',
    'GET /api/targets',
  ]);
  const OWN_CONSOLE = new Set([
    'GET /admin',
    'GET /admin/login',
    'POST /admin/login',
    'POST /admin/logout',
    'GET /admin/campaigns/new',
    'POST /admin/campaigns',
    'GET /admin/organizations',
    'GET /admin/targets',
    'GET /admin/exchange-rates',
  ]);
  /**
   * A well-formed body for each write that checks its body before it looks anything up, so the walk
   * reaches the organization check with it (an empty body would be refused for its shape alone).
   */
  const validBody = (w: World): Record<string, object> => ({
    'POST /api/organizations/:id/members': { email: 'walker@example.org', role: 'coordinator' },
    'POST /api/campaigns/:id/members': { email: 'walker@example.org', role: 'coordinator' },
    'POST /api/organizations/:id/tags': { name: 'Walked' },
    'PATCH /api/tags/:tagId': { name: 'Walked' },
    'POST /api/organizations/:id/supporters/tags': {
      tag: 'Walked',
      action: 'add',
      supporterIds: [w.supporter],
    },
    'POST /api/organizations/:id/supporters/:supporterId/tags': { tag: 'Walked' },
    'POST /api/campaigns/:id/fundraisers': { title: { en: 'F' }, goal: { amount: '1.00', currency: 'USD' } },
    'POST /api/fundraisers/:id/donations': {
      amount: { amount: '1.00', currency: 'USD' },
      status: 'received',
      method: 'cash',
      donor: { email: lucia.email, firstName: 'L.' },
    },
    'POST /api/organizations/:orgId/exchange-rates': {
      base: 'USD',
      quote: 'MXN',
      rate: '1',
      validFrom: '2021-01-01',
    },
    'PATCH /api/exchange-rates/:id': { rate: '1' },
    'POST /api/campaigns/:id/events': {
      title: { en: 'E' },
      kind: 'picket',
      venue: 'V',
      startsAt: new Date(Date.now() + 86400_000).toISOString(),
      timezone: 'America/Detroit',
    },
    'POST /api/organizations/:id/targets': { name: { en: 'T' }, email: 'me@evil.example' },
    'POST /api/campaigns/:id/letter-actions': {
      title: { en: 'L' },
      subject: { en: 'S' },
      body: { en: 'B' },
      targetIds: [w.target],
    },
    'PATCH /api/signatures/:id/public-status': { status: 'hidden' },
    'POST /api/letter-actions/:id/deliveries': { targetId: w.target, method: 'manual' },
    'POST /api/organizations/:orgId/audiences': { name: 'Walked', filter: {} },
    'POST /api/organizations/:orgId/bulletins': { subject: { en: 'S' }, body: { en: 'B' } },
    'POST /api/organizations/:orgId/bulletins/preview': { subject: { en: 'S' }, body: { en: 'B' } },
  });

  /** A browser-like console session (cookie jar and the CSRF token its forms carry). */
  const consoleSession = async (staff: Staff & { password?: string }) => {
    const agent = supertest.agent(t.app.getHttpServer());
    const form = await agent.get('/admin/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await agent
      .post('/admin/login')
      .type('form')
      .send({ _csrf: csrf, email: staff.email, password: staff.password ?? 'a-long-enough-password' })
      .expect(303);
    return { agent, csrf };
  };

  /** Everything B's own organizer reads through the API (every GET route with B's ids), to compare. */
  const readB = async () => {
    const fixed = { kind: 'supporters', file: 'supporters.csv', format: 'csv' };
    const out: Record<string, string> = {};
    for (const r of routesOf(t.app)) {
      if (r.method !== 'GET' || !r.url.startsWith('/api/') || r.url.startsWith('/api/public/')) continue;
      if (!r.url.includes(':') || r.url.startsWith('/api/users')) continue;
      const res = await t.http
        .get(fill(r.url, b, fixed))
        .auth(b.organizer.token, { type: 'bearer' })
        .buffer(true);
      // (PDFs carry their creation time; a report its generation time.)
      out[r.url] = r.url.endsWith('.pdf')
        ? `${res.status} pdf`
        : `${res.status} ${(res.text || JSON.stringify(res.body)).replace(/"generatedAt":"[^"]+"/g, '')}`;
    }
    return out;
  };

  it('answers 404/403 on every staff route of one organization to the other’s organizer and coordinator', async () => {
    const routes = routesOf(t.app).filter(
      (r) =>
        r.url.startsWith('/api/') &&
        !r.url.startsWith('/api/public/') &&
        !r.url.startsWith('/api/docs') &&
        r.url !== '/api/health' &&
        !['HEAD', 'OPTIONS'].includes(r.method) &&
        !OWN_API.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(80);
    const fixed = { kind: 'supporters', file: 'supporters.csv', format: 'csv' };
    const bodies = validBody(b);
    const request = (token: string, method: string, url: string, body: object | 'file') => {
      const req = t.http[method.toLowerCase() as 'get'](url).auth(token, { type: 'bearer' });
      if (body !== 'file') return req.send(body);
      // Imports (dry run and real) are multipart: a real file with B's supporter in it.
      const csv = `email,first_name\n${lucia.email},Walked\n`;
      return req.attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' });
    };
    const before = await readB();
    // The ids are real: B's own organizer reads every one of these GET routes.
    expect(Object.entries(before).filter(([, v]) => !v.startsWith('200 '))).toEqual([]);
    const leaks: string[] = [];
    for (const staff of [a.organizer, a.coordinator]) {
      for (const r of routes) {
        const key = `${r.method} ${r.url}`;
        const urls = [fill(r.url, b, fixed)];
        if (r.url.includes('/imports/')) urls.push(`${urls[0]}?dryRun=true`);
        for (const url of urls) {
          let res = await request(staff.token, r.method, url, r.url.includes('/imports/') ? 'file' : {});
          // Refused for its shape before anything is looked up: send a well-formed body instead.
          if (res.status === 400 && r.method !== 'GET') {
            if (!bodies[key]) {
              leaks.push(`${key} → 400 ${res.body.code}: add a well-formed body to validBody`);
              continue;
            }
            res = await request(staff.token, r.method, url, bodies[key]);
          }
          if (res.status !== 403 && res.status !== 404) leaks.push(`${r.method} ${url} → ${res.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // Nothing A's staff sent changed anything of B's (a route that wrote before refusing would show).
    const after = await readB();
    expect(Object.keys(before).filter((k) => before[k] !== after[k])).toEqual([]);
    const { rows: target } = await t.db.query(`SELECT email::text FROM targets WHERE id = $1`, [b.target]);
    expect(target).toEqual([{ email: 'attache@example.gov' }]);
    // Lists never show the other organization's things.
    const campaigns = await as(a.organizer.token).get('/api/campaigns').expect(200);
    expect(campaigns.body.items.map((c: { id: string }) => c.id)).toEqual([a.campaign.id]);
    const orgs = await as(a.coordinator.token).get('/api/organizations').expect(200);
    expect(orgs.body.items.map((o: { id: string }) => o.id)).toEqual([a.org]);
  });

  it('answers 404/403 on every console page of one organization to the other’s organizer and coordinator', async () => {
    const routes = routesOf(t.app).filter(
      (r) =>
        (r.url === '/admin' || r.url.startsWith('/admin/')) &&
        !['HEAD', 'OPTIONS'].includes(r.method) &&
        !OWN_CONSOLE.has(`${r.method} ${r.url}`),
    );
    expect(routes.length).toBeGreaterThan(60);
    const fixed = { file: 'supporters.csv', format: 'pdf', action: 'pause' };
    const before = await readB();
    // Forms refused for their shape before anything is looked up get a well-formed one.
    const forms: Record<string, Record<string, string>> = {
      'POST /admin/events/:id/checkin/approve': { rsvpId: b.rsvp },
      'POST /admin/letters/:id/public-signers/:signatureId': { status: 'hidden' },
      'POST /admin/campaigns/:id/status': { status: 'archived', confirm: '1' },
      'POST /admin/events/:id/status': { status: 'cancelled' },
      'POST /admin/fundraisers/:id/status': { status: 'closed' },
    };
    const leaks: string[] = [];
    for (const staff of [a.organizer, a.coordinator, b.organizer]) {
      const { agent, csrf } = await consoleSession(staff);
      for (const r of routes) {
        const url = fill(r.url, b, fixed);
        if (staff === b.organizer && r.method !== 'GET') continue;
        const form = { _csrf: csrf, ...forms[`${r.method} ${r.url}`] };
        const res =
          r.method === 'GET'
            ? await agent.get(url)
            : await agent[r.method.toLowerCase() as 'post'](url).type('form').send(form);
        if (staff === b.organizer) {
          // The control: B's organizer reaches every page with these ids.
          if (r.method === 'GET' && res.status !== 200) leaks.push(`control: GET ${url} → ${res.status}`);
        } else if (res.status !== 403 && res.status !== 404) {
          leaks.push(`${r.method} ${url} → ${res.status} ${res.headers.location ?? ''}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // Nothing A's staff posted changed anything of B's.
    const after = await readB();
    expect(Object.keys(before).filter((k) => before[k] !== after[k])).toEqual([]);
  });

  it('keeps one supporter record per organization: the same email in two is two records', async () => {
    const { rows } = await t.db.query(
      `SELECT organization_id FROM supporters WHERE email = $1 ORDER BY organization_id`,
      [lucia.email],
    );
    expect(rows.map((r) => r.organization_id).sort()).toEqual([a.org, b.org].sort());
  });

  it('answers a walk-in, a donor and an import row with what was submitted, never stored fields', async () => {
    // Lucía is known to A and B (with last name, city, postal code). Staff type only her email and a name.
    const typed = { email: lucia.email, firstName: 'L.' };
    const stored = /Hernández|León|37000/;
    const walkIn = await as(a.coordinator.token)
      .post(`/api/events/${a.event}/check-ins`)
      .send(typed)
      .expect((r) => expect([200, 201]).toContain(r.status));
    expect(walkIn.body.rsvp).toMatchObject({ firstName: 'L.', lastName: null, email: lucia.email });
    expect(JSON.stringify(walkIn.body)).not.toMatch(stored);
    const donor = await as(a.coordinator.token)
      .post(`/api/fundraisers/${a.fundraiser}/donations`)
      .send({ amount: { amount: '5.00', currency: 'USD' }, status: 'received', method: 'cash', donor: typed })
      .expect(201);
    expect(donor.body.donation.donor).toMatchObject({ email: lucia.email, firstName: 'L.', lastName: null });
    expect(JSON.stringify(donor.body)).not.toMatch(stored);

    // A third organization that never met her: a walk-in, a donor and an import make its own record.
    const d = await createStaff(t, admin, 'organizer');
    const dc = await createStaff(t, admin, 'coordinator');
    await addOrgMember(t, admin, d.organizationId!, dc.email, 'coordinator');
    const dCampaign = await activeCampaign(t, d.token);
    const dEvent = (
      await as(d.token)
        .post(`/api/campaigns/${dCampaign.id}/events`)
        .send({
          title: { en: 'Rally' },
          kind: 'rally',
          venue: 'Plaza',
          startsAt: new Date(Date.now() + 3600_000).toISOString(),
          timezone: 'America/Mexico_City',
        })
        .expect(201)
    ).body.id as string;
    const csv = `email,first_name\n${lucia.email},L.\nnew.person@example.org,Nuevo\n`;
    const importCsv = (dryRun: boolean) =>
      as(d.token)
        .post(`/api/campaigns/${dCampaign.id}/imports/supporters${dryRun ? '?dryRun=true' : ''}`)
        .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' })
        .expect(201);
    // Before D ever met her, a dry run with her email (known to A and B) finds nothing: both rows new.
    const unknown = await importCsv(true);
    expect(unknown.body).toMatchObject({ created: 2, updated: 0 });
    expect(JSON.stringify(unknown.body)).not.toMatch(stored);
    const dWalkIn = await as(dc.token).post(`/api/events/${dEvent}/check-ins`).send(typed).expect(201);
    expect(JSON.stringify(dWalkIn.body)).not.toMatch(stored);
    const dFund = (
      await as(d.token)
        .post(`/api/campaigns/${dCampaign.id}/fundraisers`)
        .send({ title: { en: 'Fund' }, goal: { amount: '100.00', currency: 'USD' } })
        .expect(201)
    ).body.id as string;
    const dDonor = await as(dc.token)
      .post(`/api/fundraisers/${dFund}/donations`)
      .send({ amount: { amount: '5.00', currency: 'USD' }, status: 'received', method: 'cash', donor: typed })
      .expect(201);
    expect(JSON.stringify(dDonor.body)).not.toMatch(stored);
    // She is known to D by now (its own walk-in), and only by D's record.
    const dry = await importCsv(true);
    expect(dry.body).toMatchObject({ created: 1, updated: 1 });
    const real = await importCsv(false);
    expect(real.body).toMatchObject({ created: 1, updated: 1 });
    expect(JSON.stringify(real.body)).not.toMatch(stored);
    const { rows: audit } = await t.db.query(
      `SELECT action, count(*)::int AS n FROM audit_log
        WHERE action LIKE 'import.supporters%' AND campaign_id = $1 GROUP BY 1 ORDER BY 1`,
      [dCampaign.id],
    );
    expect(audit).toEqual([
      { action: 'import.supporters', n: 1 },
      { action: 'import.supporters_dry_run', n: 2 },
    ]);
    // D's record is its own (what D's staff typed); A's and B's are untouched and unlinked to D.
    const { rows } = await t.db.query(
      `SELECT organization_id, first_name, last_name, city, postal_code FROM supporters WHERE email = $1`,
      [lucia.email],
    );
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.organization_id === d.organizationId)).toEqual({
      organization_id: d.organizationId,
      first_name: 'L.',
      last_name: null,
      city: null,
      postal_code: null,
    });
    for (const org of [a.org, b.org])
      expect(rows.find((r) => r.organization_id === org)).toMatchObject({
        last_name: 'Hernández',
        city: 'León',
        postal_code: '37000',
      });
    const { rows: links } = await t.db.query(
      `SELECT count(*)::int AS n FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
        WHERE cs.campaign_id = $1 AND s.organization_id <> $2`,
      [dCampaign.id, d.organizationId],
    );
    expect(links[0].n).toBe(0);
  });

  it('lets only admins edit the starter library, organizers their own targets, audited with the email before and after', async () => {
    const lib = await as(a.organizer.token).get('/api/targets?limit=100').expect(200);
    const starter = lib.body.items[0].id as string;
    await as(a.organizer.token)
      .patch(`/api/targets/${starter}`)
      .send({ email: 'me@evil.example' })
      .expect(403);
    const hidden = await as(b.organizer.token)
      .patch(`/api/targets/${a.target}`)
      .send({ email: 'me@evil.example' })
      .expect(404);
    // The same answer as for a target that does not exist.
    const none = await as(b.organizer.token)
      .patch(`/api/targets/00000000-0000-4000-8000-000000000000`)
      .send({ email: 'me@evil.example' })
      .expect(404);
    expect(hidden.body.message).toBe(none.body.message);
    await as(a.coordinator.token)
      .patch(`/api/targets/${a.target}`)
      .send({ email: 'x@example.gov' })
      .expect(403);
    await as(a.organizer.token)
      .patch(`/api/targets/${a.target}`)
      .send({ email: 'desk@example.gov' })
      .expect(200);
    await as(admin).patch(`/api/targets/${starter}`).send({ email: 'ustr@example.gov' }).expect(200);
    const { rows } = await t.db.query(
      `SELECT subject_id, details FROM audit_log WHERE action = 'target.updated' ORDER BY id`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        subject_id: a.target,
        details: expect.objectContaining({
          email: { before: 'attache@example.gov', after: 'desk@example.gov' },
        }),
      }),
      expect.objectContaining({
        subject_id: starter,
        details: expect.objectContaining({
          library: true,
          email: { before: null, after: 'ustr@example.gov' },
        }),
      }),
    ]);
    // Own targets are not offered to other organizations' letters.
    await as(b.organizer.token)
      .post(`/api/campaigns/${b.campaign.id}/letter-actions`)
      .send({ title: { en: 'L' }, subject: { en: 'S' }, body: { en: 'B' }, targetIds: [a.target] })
      .expect(400);
    // And the Spanish letter greets the target in Spanish.
    const letter = await t.http
      .get(`/api/letter-actions/${b.letter}`)
      .auth(b.organizer.token, { type: 'bearer' });
    const slug = letter.body.slug as string;
    const es = await t.http
      .get(`/api/public/campaigns/${b.campaign.slug}/letters/${slug}?lang=es`)
      .expect(200);
    expect(es.body.body).toContain('Estimada Agregada laboral');
    expect(es.body.targets[0].name).toBe('Agregada laboral');
  });

  it('edits the organization’s own targets from the console (audited), never the starter library', async () => {
    const { agent, csrf } = await consoleSession(a.organizer);
    const lib = await as(a.organizer.token).get('/api/targets?limit=1').expect(200);
    const starter = lib.body.items[0];
    await agent.get(`/admin/targets/${starter.id}/edit`).expect(403);
    await agent
      .post(`/admin/targets/${starter.id}`)
      .type('form')
      .send({ _csrf: csrf, name_en: 'Mine now', email: 'me@evil.example', kind: 'other', locale: 'en' })
      .expect(403);
    await agent.get(`/admin/targets/${b.target}/edit`).expect(404);
    const edit = await agent.get(`/admin/targets/${a.target}/edit`).expect(200);
    const before = /name="email"[^>]*value="([^"]*)"/.exec(edit.text)![1];
    await agent
      .post(`/admin/targets/${a.target}`)
      .type('form')
      .send({
        _csrf: csrf,
        name_en: 'Labor attaché',
        name_es: 'Agregada laboral',
        email: 'office@example.gov',
        kind: 'government',
        locale: 'es',
      })
      .expect(303);
    const { rows } = await t.db.query(
      `SELECT actor_user_id, details FROM audit_log WHERE action = 'target.updated' AND subject_id = $1
        ORDER BY id DESC LIMIT 1`,
      [a.target],
    );
    expect(rows[0].actor_user_id).toBe(a.organizer.id);
    expect(rows[0].details.email).toEqual({ before, after: 'office@example.gov' });
    const { rows: lib2 } = await t.db.query(`SELECT email::text, name FROM targets WHERE id = $1`, [
      starter.id,
    ]);
    expect(lib2[0].name).toEqual(starter.name);
  });

  it('lets an admin create organizations and keep the starter library from the console (audited); organizers are refused', async () => {
    const organizer = await consoleSession(a.organizer);
    await organizer.agent
      .post('/admin/organizations')
      .type('form')
      .send({ _csrf: organizer.csrf, name: 'Not mine to make' })
      .expect(403);
    await organizer.agent
      .post('/admin/targets')
      .type('form')
      .send({ _csrf: organizer.csrf, name_en: 'Mine', kind: 'other', locale: 'en' })
      .expect(403);

    const { agent, csrf } = await consoleSession({
      id: '',
      email: ADMIN.email,
      password: ADMIN.password,
      token: admin,
    });
    const made = await agent
      .post('/admin/organizations')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Sindicato Independiente Silao',
        defaultLocale: 'es',
        country: 'México',
        timezone: 'America/Mexico_City',
        senderName: 'SINTTIA Solidaridad',
        replyTo: 'contacto@example.org',
      })
      .expect(303);
    const id = /\/admin\/organizations\/([0-9a-f-]{36})/.exec(made.headers.location)![1];
    const org = await as(admin).get(`/api/organizations/${id}`).expect(200);
    expect(org.body).toMatchObject({
      name: 'Sindicato Independiente Silao',
      country: 'MX',
      senderName: 'SINTTIA Solidaridad',
    });

    await agent
      .post('/admin/targets')
      .type('form')
      .send({
        _csrf: csrf,
        name_en: 'Mexican Embassy in Washington',
        name_es: 'Embajada de México en Washington',
        kind: 'government',
        locale: 'es',
        email: 'embajada@example.gov',
      })
      .expect(303);
    const { rows: created } = await t.db.query(
      `SELECT id, organization_id FROM targets WHERE name->>'en' = 'Mexican Embassy in Washington'`,
    );
    expect(created).toEqual([{ id: expect.any(String), organization_id: null }]);
    await agent
      .post(`/admin/targets/${created[0].id}`)
      .type('form')
      .send({
        _csrf: csrf,
        name_en: 'Mexican Embassy in Washington',
        name_es: 'Embajada de México en Washington',
        kind: 'government',
        locale: 'es',
        email: 'consular@example.gov',
      })
      .expect(303);
    const { rows: audit } = await t.db.query(
      `SELECT action, details FROM audit_log WHERE subject_id = $1 ORDER BY id`,
      [created[0].id],
    );
    expect(audit).toEqual([
      {
        action: 'target.created',
        details: expect.objectContaining({
          library: true,
          email: { before: null, after: 'embajada@example.gov' },
        }),
      },
      {
        action: 'target.updated',
        details: expect.objectContaining({
          library: true,
          email: { before: 'embajada@example.gov', after: 'consular@example.gov' },
        }),
      },
    ]);
  });

  it('refuses an email delivery to an address other than the one expected (409, nothing sent) and records the address', async () => {
    const before = smtp.messages.length;
    const bad = await as(b.coordinator.token)
      .post(`/api/letter-actions/${b.letter}/deliveries`)
      .send({ targetId: b.target, method: 'email', expectedEmail: 'someone-else@example.gov' })
      .expect(409);
    expect(bad.body.code).toBe('target_email_changed');
    const { rows: none } = await t.db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE action_id = $1`,
      [b.letter],
    );
    expect(none[0].n).toBe(0);
    // Nothing was queued to be sent either (the mail would go through the reminders queue).
    const { rows: queued } = await t.db.query(
      `SELECT count(*)::int AS n FROM reminders WHERE campaign_id = $1 AND kind = 'letter-delivery'`,
      [b.campaign.id],
    );
    expect(queued[0].n).toBe(0);
    // An email delivery must name the address it expects.
    const unnamed = await as(b.coordinator.token)
      .post(`/api/letter-actions/${b.letter}/deliveries`)
      .send({ targetId: b.target, method: 'email' })
      .expect(400);
    expect(unnamed.body.details.map((d: { field: string }) => d.field)).toContain('expectedEmail');
    // The mail is from the organization: its sender name (MAIL_FROM's address) and its reply-to.
    await as(b.organizer.token)
      .patch(`/api/organizations/${b.org}`)
      .send({ senderName: 'Comité de Solidaridad GM Silao', replyTo: 'comite@example.org' })
      .expect(200);
    const ok = await as(b.coordinator.token)
      .post(`/api/letter-actions/${b.letter}/deliveries`)
      .send({ targetId: b.target, method: 'email', expectedEmail: 'ATTACHE@example.gov' })
      .expect(201);
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'attache@example.gov', before);
    expect(
      smtp.messages.slice(before).filter((m) => m.envelope.to[0] === 'someone-else@example.gov'),
    ).toEqual([]);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.headers.from).toContain('Comité de Solidaridad GM Silao');
    expect(mail.headers['reply-to']).toBe('comite@example.org');
    const { rows } = await t.db.query(`SELECT sent_to::text FROM deliveries WHERE id = $1`, [ok.body.id]);
    expect(rows[0].sent_to).toBe('attache@example.gov');
    const { rows: sentOnce } = await t.db.query(
      `SELECT count(*)::int AS n FROM reminders WHERE campaign_id = $1 AND kind = 'letter-delivery'`,
      [b.campaign.id],
    );
    expect(sentOnce[0].n).toBe(1);
  });

  it('converts each organization’s strike fund with its own rates only', async () => {
    // The converted totals, without ids (each organization's rate has its own).
    const tally = async (w: World) =>
      JSON.stringify(
        (await as(w.organizer.token).get(`/api/fundraisers/${w.fundraiser}/tally`).expect(200)).body
          .converted,
        (k, v: unknown) => (k === 'id' ? undefined : v),
      );
    const [aBefore, bBefore] = [await tally(a), await tally(b)];
    // B's organizer corrects B's rate: B's converted total moves, A's does not; A's rate is out of reach.
    await as(b.organizer.token).patch(`/api/exchange-rates/${b.rate}`).send({ rate: '10' }).expect(200);
    await as(b.organizer.token).patch(`/api/exchange-rates/${a.rate}`).send({ rate: '1' }).expect(404);
    expect(await tally(a)).toEqual(aBefore);
    expect(await tally(b)).not.toEqual(bBefore);
    const rates = await as(a.organizer.token).get(`/api/organizations/${a.org}/exchange-rates`).expect(200);
    expect(rates.body.items.map((r: { id: string }) => r.id)).toEqual([a.rate]);
    // The console corrects a rate of its own organization only (B's rate through A's page: 404).
    const { agent, csrf } = await consoleSession(a.organizer);
    await agent
      .post(`/admin/organizations/${a.org}/exchange-rates/correction`)
      .type('form')
      .send({ _csrf: csrf, rateId: b.rate, rate: '1' })
      .expect(404);
    const coordinator = await consoleSession(a.coordinator);
    await coordinator.agent
      .post(`/admin/organizations/${a.org}/exchange-rates/correction`)
      .type('form')
      .send({ _csrf: coordinator.csrf, rateId: a.rate, rate: '1' })
      .expect(403);
    expect(await tally(b)).not.toEqual(bBefore);
    expect(await tally(a)).toEqual(aBefore);
    await agent
      .post(`/admin/organizations/${a.org}/exchange-rates/correction`)
      .type('form')
      .send({ _csrf: csrf, rateId: a.rate, rate: '25', reason: 'typo' })
      .expect(303);
    expect(await tally(a)).not.toEqual(aBefore);
    const { rows: audit } = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'exchange_rate.updated' AND subject_id = $1`,
      [a.rate],
    );
    expect(audit).toEqual([{ details: expect.objectContaining({ from: '20', to: '25', reason: 'typo' }) }]);
  });

  it('invites a teammate by email: the link works once, then 410; no user id is asked', async () => {
    const before = smtp.messages.length;
    const res = await as(a.organizer.token)
      .post(`/api/organizations/${a.org}/members`)
      .send({ email: 'Marta@Example.org', role: 'coordinator' })
      .expect(201);
    expect(res.body.status).toBe('invited');
    // An organizer's answer is the same for an email that already has an account.
    const existing = await as(a.organizer.token)
      .post(`/api/organizations/${a.org}/members`)
      .send({ email: b.organizer.email, role: 'coordinator' })
      .expect(201);
    expect(Object.keys(existing.body).sort()).toEqual(Object.keys(res.body).sort());
    expect(existing.body.status).toBe('invited');
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'marta@example.org', before);
    const link = /https?:\/\/[^\s]+\/invitations\/([A-Za-z0-9._-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    const token = link![1];
    const info = await t.http.get(`/api/public/invitations/${token}`).expect(200);
    expect(info.body).toMatchObject({
      email: 'marta@example.org',
      role: 'coordinator',
      existingAccount: false,
    });
    await t.http
      .post(`/api/public/invitations/${token}`)
      .send({ name: 'Marta', password: 'a-long-enough-password' })
      .expect(200);
    await t.http
      .post(`/api/public/invitations/${token}`)
      .send({ name: 'Mallory', password: 'another-long-password' })
      .expect(410);
    await t.http.get(`/api/public/invitations/${token}`).expect(410);
    const marta = await login(t, 'marta@example.org', 'a-long-enough-password');
    // The only organizer cannot be removed (someone must remain in charge); a coordinator can.
    const last = await as(a.organizer.token)
      .delete(`/api/organizations/${a.org}/members/${a.organizer.id}`)
      .expect(409);
    expect(last.body.code).toBe('last_organizer');
    await as(marta).get(`/api/campaigns/${a.campaign.id}`).expect(200);
    await as(marta).get(`/api/campaigns/${b.campaign.id}`).expect(404);
    const team = await as(a.organizer.token).get(`/api/organizations/${a.org}/members`).expect(200);
    expect(team.body.members.map((m: { email: string }) => m.email)).toContain('marta@example.org');
    // The existing account accepts only with its own password.
    const mail2 = await smtp.waitForMail((m) => m.envelope.to[0] === b.organizer.email, before);
    const token2 = /\/invitations\/([A-Za-z0-9._-]+)/.exec(mail2.text)![1];
    await t.http
      .post(`/api/public/invitations/${token2}`)
      .send({ password: 'not-the-password-1' })
      .expect(400);

    // A link expires after 7 days; one replaced by a new invitation to the same email stops at once.
    const inviteLate = async () => {
      const from = smtp.messages.length;
      await as(a.organizer.token)
        .post(`/api/organizations/${a.org}/members`)
        .send({ email: 'late@example.org', role: 'coordinator' })
        .expect(201);
      const m = await smtp.waitForMail((x) => x.envelope.to[0] === 'late@example.org', from);
      return /\/invitations\/([A-Za-z0-9._-]+)/.exec(m.text)![1];
    };
    const replaced = await inviteLate();
    const late = await inviteLate();
    await t.http.get(`/api/public/invitations/${replaced}`).expect(410);
    await t.http.get(`/api/public/invitations/${late}`).expect(200);
    const week = 7 * 86400_000 + 60_000;
    t.clock.advance(week);
    try {
      await t.http.get(`/api/public/invitations/${late}`).expect(410);
      await t.http
        .post(`/api/public/invitations/${late}`)
        .send({ name: 'Late', password: 'a-long-enough-password' })
        .expect(410);
    } finally {
      t.clock.advance(-week);
    }
    const { rows: users } = await t.db.query(`SELECT 1 FROM users WHERE email = 'late@example.org'`);
    expect(users).toEqual([]);
  });

  it('does not let an admin read supporter data of an organization they are not a member of; as a member it is audited', async () => {
    await as(admin).get(`/api/campaigns/${a.campaign.id}`).expect(200);
    await as(admin).get(`/api/campaigns/${a.campaign.id}/supporters`).expect(403);
    await as(admin).get(`/api/organizations/${a.org}/supporters`).expect(403);
    const fresh = await createOrganization(t, admin);
    await addOrgMember(t, admin, fresh.id, 'admin@example.org', 'organizer');
    const own = await activeCampaign(t, admin, { organizationId: fresh.id });
    await as(admin).get(`/api/campaigns/${own.id}/supporters`).expect(200);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'admin.supporter_read' AND campaign_id = $1`,
      [own.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('shows an admin who is not a member no supporter data on any route or page; as a member, audits every read of it', async () => {
    const personal = /lucia\.hernandez|Lucía|Hernández|37000/i;
    const fixed = { kind: 'supporters', file: 'supporters.csv', format: 'csv' };
    const gets = routesOf(t.app).filter(
      (r) =>
        r.method === 'GET' &&
        ((r.url.startsWith('/api/') && !r.url.startsWith('/api/public/') && !r.url.startsWith('/api/docs')) ||
          r.url.startsWith('/admin')),
    );
    const { agent } = await consoleSession({
      id: '',
      email: ADMIN.email,
      password: ADMIN.password,
      token: admin,
    });
    const read = async (url: string) =>
      url.startsWith('/admin')
        ? agent.get(url).buffer(true)
        : t.http.get(url).auth(admin, { type: 'bearer' }).buffer(true);
    const text = (res: { text?: string; body: unknown }) =>
      typeof res.text === 'string' && res.text ? res.text : JSON.stringify(res.body);
    const audited = async () =>
      (await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'admin.supporter_read'`))
        .rows[0].n as number;

    // Not a member of B: content (to help) but never a supporter's data.
    const shown: string[] = [];
    for (const r of gets) {
      const url = fill(r.url.replace(/\.:format$/, '.csv'), b, fixed);
      const res = await read(url);
      if (res.status === 200 && personal.test(text(res))) shown.push(url);
    }
    expect(shown).toEqual([]);

    // A member of B: the same routes show her data now, and each such read is in the audit log.
    await addOrgMember(t, admin, b.org, ADMIN.email, 'organizer');
    try {
      const unaudited: string[] = [];
      let reads = 0;
      for (const r of gets) {
        const url = fill(r.url.replace(/\.:format$/, '.csv'), b, fixed);
        const before = await audited();
        const res = await read(url);
        if (res.status !== 200 || !personal.test(text(res))) continue;
        reads++;
        if ((await audited()) === before) unaudited.push(url);
      }
      expect(reads).toBeGreaterThan(10);
      expect(unaudited).toEqual([]);
    } finally {
      const me = (await as(admin).get('/api/auth/me').expect(200)).body.id as string;
      await as(admin).delete(`/api/organizations/${b.org}/members/${me}`).expect(204);
    }
  });

  it('answers a data request for an email two organizations hold with both, in one mail; unsubscribes and erases both, while one organization’s own link affects only it', async () => {
    const consent = async () =>
      Object.fromEntries(
        (
          await t.db.query(`SELECT organization_id, email_consent FROM supporters WHERE email = $1`, [
            lucia.email,
          ])
        ).rows.map((r) => [r.organization_id, r.email_consent]),
      );
    expect(await consent()).toMatchObject({ [a.org]: true, [b.org]: true });
    // One organization's own unsubscribe link (the one its bulk mail carries) affects only it.
    const link = t.app.get(PrivacyService).unsubscribeUrl(b.supporter);
    await t.http
      .post(new URL(link).pathname.replace(/^\/unsubscribe\//, '/api/public/unsubscribe/'))
      .expect(200);
    const once = await consent();
    expect(once).toMatchObject({ [a.org]: true, [b.org]: false });

    const before = smtp.messages.length;
    await t.http.post('/api/public/supporters/data-requests').send({ email: lucia.email }).expect(202);
    const mail = await smtp.waitForMail(
      (m) => m.envelope.to[0] === lucia.email && /my-data/.test(m.text),
      before,
    );
    const token = /\/my-data\/([A-Za-z0-9._-]+)/.exec(mail.text)![1];
    const data = await t.http.get(`/api/public/supporters/data/${token}`).expect(200);
    const orgIds = data.body.organizations.map((o: { organization: { id: string } }) => o.organization.id);
    expect(orgIds).toEqual(expect.arrayContaining([a.org, b.org]));
    // One mail and one link for all of them.
    const links = smtp.messages
      .slice(before)
      .filter((m) => m.envelope.to[0] === lucia.email && /my-data/.test(m.text));
    expect(links).toHaveLength(1);
    // "Unsubscribe from everything" withdraws consent in every organization that holds her email.
    const all = await t.http.post(`/api/public/supporters/data/${token}/unsubscribe-all`).expect(200);
    expect(all.body.records).toBeGreaterThanOrEqual(2);
    expect(Object.values(await consent()).every((c) => c === false)).toBe(true);
    const erased = await t.http.post(`/api/public/supporters/data/${token}/erase`).expect(200);
    expect(erased.body.records).toBeGreaterThanOrEqual(2);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM supporters WHERE email = $1`, [
      lucia.email,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('keeps a campaign coordinator to that campaign: its supporters only', async () => {
    const solo = await createStaff(t, admin, 'coordinator');
    await addMember(t, a.organizer.token, a.campaign.id, solo.id, 'coordinator');
    // A second campaign of the same organization: one person acted in both, one only there.
    const second = await activeCampaign(t, a.organizer.token);
    const pledge = (slug: string, email: string, message?: string) =>
      t.http
        .post(`/api/public/campaigns/${slug}/pledges`)
        .send({ email, firstName: 'Pat', kind: 'support', ...(message ? { message } : {}) })
        .expect(201);
    await pledge(a.campaign.slug, 'both@example.org');
    await pledge(second.slug, 'both@example.org', 'only-in-the-second-campaign');
    await t.http
      .post(`/api/public/campaigns/${second.slug}/pledges`)
      .send({
        email: 'second.only@example.org',
        firstName: 'Pat',
        lastName: 'Quintana',
        city: 'Irapuato',
        kind: 'support',
      })
      .expect(201);
    const idOf = async (email: string) => {
      const res = await as(a.organizer.token)
        .get(`/api/organizations/${a.org}/supporters?search=${encodeURIComponent(email)}`)
        .expect(200);
      return res.body.items[0].id as string;
    };
    const both = await idOf('both@example.org');
    const secondOnly = await idOf('second.only@example.org');

    const list = await as(solo.token).get(`/api/campaigns/${a.campaign.id}/supporters?limit=100`).expect(200);
    const emails = list.body.items.map((x: { email: string }) => x.email);
    expect(emails).toContain('both@example.org');
    expect(emails).not.toContain('second.only@example.org');
    await as(solo.token).get(`/api/campaigns/${a.campaign.id}/supporters/${secondOnly}`).expect(404);
    const one = await as(solo.token).get(`/api/campaigns/${a.campaign.id}/supporters/${both}`).expect(200);
    expect(JSON.stringify(one.body)).not.toContain('only-in-the-second-campaign');
    const csv = await as(solo.token)
      .get(`/api/campaigns/${a.campaign.id}/exports/supporters.csv`)
      .expect(200);
    expect(csv.text).toContain('both@example.org');
    expect(csv.text).not.toContain('second.only@example.org');
    await as(solo.token).get(`/api/campaigns/${second.id}/supporters`).expect(404);
    await as(solo.token).get(`/api/organizations/${a.org}/supporters`).expect(403);
    // The organization's organizer sees both campaigns' supporters in one list.
    const all = await as(a.organizer.token)
      .get(`/api/organizations/${a.org}/supporters?limit=100`)
      .expect(200);
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([both, secondOnly]),
    );
    const history = await as(a.organizer.token)
      .get(`/api/organizations/${a.org}/supporters/${both}`)
      .expect(200);
    expect(JSON.stringify(history.body)).toContain('only-in-the-second-campaign');
  });
});
