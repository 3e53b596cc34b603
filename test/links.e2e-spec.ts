import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const BASE = 'https://puente.example.org';
const FORGED = 'evil.example.net';
const PASSWORD = 'a-long-enough-password';

const setCookies = (res: { headers: Record<string, unknown> }): string[] =>
  [res.headers['set-cookie'] ?? []].flat() as string[];
const cookieNamed = (res: { headers: Record<string, unknown> }, name: string) =>
  setCookies(res).find((c) => c.startsWith(`${name}=`));

/** Absolute links and cookie flags come from PUBLIC_BASE_URL, never from the request. */
describe('absolute links and cookies from PUBLIC_BASE_URL', () => {
  let t: TestApp;
  let org: Staff;
  let slug: string;

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_BASE_URL: BASE });
    const admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    const campaign = await activeCampaign(t, org.token, {
      summary: { en: 'Workers at Silao are winning.', es: 'Están ganando.' },
    });
    slug = campaign.slug;
    const targets = await t.http
      .get('/api/targets?limit=100')
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    const letter = await t.http
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .auth(org.token, { type: 'bearer' })
      .send({
        slug: 'usmca-review',
        title: { en: 'Ask for a USMCA review', es: 'Pide una revisión del T-MEC' },
        subject: { en: 'Review GM Silao', es: 'Revisen GM Silao' },
        body: { en: 'Please act.', es: 'Actúen, por favor.' },
        targetIds: [targets.body.items[0].id],
      })
      .expect(201);
    await t.http
      .patch(`/api/letter-actions/${letter.body.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'open' })
      .expect(200);
    await t.http
      .post(`/api/campaigns/${campaign.id}/events`)
      .auth(org.token, { type: 'bearer' })
      .send({
        slug: 'picket',
        title: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' },
        kind: 'picket',
        city: 'Detroit',
        startsAt: '2030-03-14T16:00:00Z',
        timezone: 'America/Detroit',
      })
      .expect(201);
  });
  afterAll(() => t.close());

  it('builds og:url, share links and the .ics link from PUBLIC_BASE_URL under a forged Host header', async () => {
    const page = await t.http.get(`/c/${slug}`).set('host', FORGED).expect(200);
    expect(page.text).toContain(`<meta property="og:url" content="${BASE}/c/${slug}">`);
    expect(page.text).toContain(`content="${BASE}/static/og.png"`);

    const thanks = await t.http.get(`/c/${slug}/letters/usmca-review/thanks`).set('host', FORGED).expect(200);
    expect(thanks.text).toContain(encodeURIComponent(`${BASE}/c/${slug}/letters/usmca-review`));

    const ics = await t.http.get(`/c/${slug}/events/picket/event.ics`).set('host', FORGED).expect(200);
    const unfolded = ics.text.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain(`${BASE}/c/${slug}/events/picket`);

    for (const body of [page.text, thanks.text, unfolded]) expect(body).not.toContain(FORGED);
  });

  it('lets a forged Host header into no public page, feed, calendar, JSON read or redirect', async () => {
    const { rows } = await t.db.query(`SELECT slug FROM organizations WHERE id = $1`, [org.organizationId]);
    const orgSlug = rows[0].slug as string;
    const paths = [
      '/',
      `/c/${slug}`,
      `/c/${slug}/thanks?kind=share`,
      `/c/${slug}/letters/usmca-review`,
      `/c/${slug}/events/picket`,
      `/c/${slug}/events/picket/event.ics`,
      `/embed/c/${slug}/letters/usmca-review`,
      `/embed/c/${slug}/events/picket`,
      `/embed/c/${slug}/pledge`,
      `/o/${orgSlug}/bulletins`,
      `/o/${orgSlug}/bulletins.atom`,
      `/api/public/campaigns/${slug}`,
      `/api/public/campaigns/${slug}/letters/usmca-review`,
      `/api/public/campaigns/${slug}/events/picket`,
      '/my-data',
    ];
    for (const path of paths) {
      const res = await t.http.get(path).set('host', FORGED);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, `${JSON.stringify(res.headers)}${res.text}`]).not.toEqual([
        path,
        expect.stringContaining('evil.example'),
      ]);
    }
    // The thank-you page after an RSVP (its share and calendar links), and a pledge's redirect.
    const form = await t.http.get(`/c/${slug}/events/picket`).set('host', FORGED).expect(200);
    const cookie = setCookies(form)
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const thanks = await t.http
      .post(`/c/${slug}/events/picket`)
      .set('host', FORGED)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, email: 'host@example.org', firstName: 'Ho' })
      .expect(200);
    expect(thanks.text).toContain(encodeURIComponent(`${BASE}/c/${slug}/events/picket`));
    expect(thanks.text).not.toContain('evil.example');
    const pledged = await t.http
      .post(`/c/${slug}/pledges`)
      .set('host', FORGED)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, email: 'host@example.org', firstName: 'Ho', kind: 'support' })
      .expect(303);
    expect(pledged.headers.location).toMatch(/^\/c\//);
  });

  it('marks every cookie Secure when PUBLIC_BASE_URL is https, though the request is plain http', async () => {
    const form = await t.http.get('/admin/login?lang=es').expect(200);
    expect(cookieNamed(form, 'lang')).toMatch(/;\s*Secure/i);
    expect(cookieNamed(form, '_csrf')).toMatch(/;\s*Secure/i);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    // (A cookie jar would not send Secure cookies over http; a proxy's client would, over https.)
    const login = await t.http
      .post('/admin/login')
      .set('cookie', cookieNamed(form, '_csrf')!.split(';')[0])
      .type('form')
      .send({ _csrf: csrf, email: org.email, password: PASSWORD })
      .expect(303);
    expect(cookieNamed(login, 'puente_session')).toMatch(/;\s*Secure/i);
  });
});

describe('cookies on a plain-http PUBLIC_BASE_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_BASE_URL: 'http://puente.internal:8080', TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('does not follow the request protocol (a forwarded https)', async () => {
    const form = await t.http.get('/admin/login?lang=en').set('x-forwarded-proto', 'https').expect(200);
    expect(cookieNamed(form, 'lang')).toBeDefined();
    expect(cookieNamed(form, '_csrf')).toBeDefined();
    for (const c of setCookies(form)) expect(c).not.toMatch(/;\s*Secure/i);
  });
});
