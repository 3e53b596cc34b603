import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('public campaign totals under PUBLIC_CACHE_SECONDS', () => {
  let t: TestApp;
  let slug: string;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_CACHE_SECONDS: '5' });
    const org = await createStaff(t, await adminToken(t), 'organizer');
    token = org.token;
    slug = (await activeCampaign(t, token)).slug;
  });
  afterAll(() => t.close());

  const read = async (lang = 'en') =>
    (await t.http.get(`/api/public/campaigns/${slug}?lang=${lang}`).expect(200)).body;
  const pledge = (n: number) =>
    t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ email: `cache${n}@example.org`, firstName: 'Ana', kind: 'support' })
      .expect(201);

  it('reuses the totals for that long, in every language, then reads them fresh', async () => {
    await pledge(1);
    const first = await read();
    expect(first.totals.pledges.total).toBe(1);
    await pledge(2);
    // Within the window: the same totals, whichever language is asked for.
    expect((await read()).totals.pledges.total).toBe(1);
    const es = await read('es');
    expect(es.lang).toBe('es');
    expect(es.totals.pledges.total).toBe(1);
    t.clock.advance(6_000);
    expect((await read()).totals.pledges.total).toBe(2);
  });

  it('does not keep a 404: a campaign that goes live is seen at once', async () => {
    const draft = await t.http
      .post('/api/campaigns')
      .auth(token, { type: 'bearer' })
      .send({ title: { en: 'Later' } })
      .expect(201);
    await t.http.get(`/api/public/campaigns/${draft.body.slug}`).expect(404);
    await t.http
      .patch(`/api/campaigns/${draft.body.id}`)
      .auth(token, { type: 'bearer' })
      .send({ status: 'active' })
      .expect(200);
    await t.http.get(`/api/public/campaigns/${draft.body.slug}`).expect(200);
  });
});
