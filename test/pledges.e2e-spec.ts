import { activeCampaign, adminToken, createCampaign, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ana = {
  email: 'ana@example.org',
  firstName: 'Ana',
  lastName: 'Peña',
  city: 'Querétaro',
  country: 'MX',
  locale: 'es',
};

describe('supporters and pledges', () => {
  let t: TestApp;
  let org: Staff;
  let slug: string;
  let campaignId: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createStaff(t, await adminToken(t), 'organizer');
    ({ slug, id: campaignId } = await activeCampaign(t, org.token));
  });
  afterAll(() => t.close());

  const pledge = (body: object, s = slug) => t.http.post(`/api/public/campaigns/${s}/pledges`).send(body);

  it('answers the same 201 {status: received} to a repeat of the same pledge, keeping one row', async () => {
    const first = await pledge({ ...ana, kind: 'support' }).expect(201);
    expect(first.body).toEqual({ status: 'received' });
    const again = await pledge({ ...ana, kind: 'support' }).expect(201);
    expect(again.body).toEqual(first.body);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM pledges WHERE kind = 'support'`);
    expect(rows[0].n).toBe(1);
  });

  it('treats the same email in another case as the same supporter', async () => {
    await pledge({ ...ana, email: 'ANA@Example.ORG', kind: 'volunteer' }).expect(201);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM supporters WHERE email = 'ana@example.org'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('makes exactly one pledge from 50 concurrent submissions by one email', async () => {
    const body = { email: 'rush@example.org', firstName: 'Rush', kind: 'share' };
    const results = await Promise.all(Array.from({ length: 50 }, () => pledge(body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM pledges p JOIN supporters s ON s.id = p.supporter_id WHERE s.email = 'rush@example.org'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('never changes a known supporter’s record from a form: blanks erase nothing, a new language waits for her confirmation', async () => {
    await pledge({
      email: 'ana@example.org',
      firstName: 'Ana',
      lastName: '',
      city: '',
      locale: 'en',
      kind: 'attend',
    }).expect(201);
    const { rows } = await t.db.query(
      `SELECT last_name, city, locale FROM supporters WHERE email = 'ana@example.org'`,
    );
    expect(rows[0]).toEqual({ last_name: 'Peña', city: 'Querétaro', locale: 'es' });
  });

  it('records consent with when and where, and a later form without the box does not withdraw it', async () => {
    await pledge({ email: 'luz@example.org', firstName: 'Luz', consentEmail: true, kind: 'support' }).expect(
      201,
    );
    await pledge({ email: 'luz@example.org', firstName: 'Luz', consentEmail: false, kind: 'share' }).expect(
      201,
    );
    const { rows } = await t.db.query(
      `SELECT email_consent, email_consent_at, email_consent_source FROM supporters WHERE email = 'luz@example.org'`,
    );
    expect(rows[0].email_consent).toBe(true);
    expect(rows[0].email_consent_at).toBeInstanceOf(Date);
    expect(rows[0].email_consent_source).toBe('pledge:support');
  });

  it('refuses pledges to a draft campaign with 409', async () => {
    const draft = await createCampaign(t, org.token);
    await t.http.get(`/api/public/campaigns/${draft.slug}`).expect(404);
    await pledge({ ...ana, kind: 'support' }, draft.slug).expect(404);
    await t.http
      .patch(`/api/campaigns/${draft.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'active' });
    await t.http
      .patch(`/api/campaigns/${draft.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'won' });
    const res = await pledge({ ...ana, kind: 'support' }, draft.slug).expect(409);
    expect(res.body.code).toBe('campaign_not_active');
  });

  it.each([
    [{ ...ana, email: 'not-an-email', kind: 'support' }, 'email'],
    [{ ...ana, firstName: 'x'.repeat(101), kind: 'support' }, 'firstName'],
    [{ ...ana, country: 'Narnia', kind: 'support' }, 'country'],
    [{ ...ana, locale: 'fr', kind: 'support' }, 'locale'],
    [{ ...ana, timezone: 'Mars/Olympus', kind: 'support' }, 'timezone'],
    [{ ...ana, postalCode: '<script>', kind: 'support' }, 'postalCode'],
    [{ ...ana, kind: 'protest' }, 'kind'],
    [{ ...ana, kind: 'donate', amount: { amount: '12.345', currency: 'USD' } }, 'amount.amount'],
    [{ ...ana, kind: 'support', password: 'x' }, 'password'],
  ])('names the field in a 400: %j → %s', async (body, field) => {
    const res = await pledge(body).expect(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, code: expect.any(String) })]),
    );
  });

  it.each([
    ['México', 'MX'],
    ['estados unidos', 'US'],
    ['EE. UU.', 'US'],
  ])('stores the country %j, as typed on a form, as its code %s', async (typed, code) => {
    const email = `country-${code}-${typed.length}@example.org`;
    const other = await activeCampaign(t, org.token); // this file's counts stay as they are
    await pledge({ ...ana, email, country: typed, kind: 'support' }, other.slug).expect(201);
    const { rows } = await t.db.query(`SELECT country FROM supporters WHERE email = lower($1)`, [email]);
    expect(rows).toEqual([{ country: code }]);
  });

  it('stores donate pledges with an exact amount', async () => {
    const res = await pledge({
      ...ana,
      kind: 'donate',
      amount: { amount: '250.50', currency: 'MXN' },
    }).expect(201);
    expect(res.body).toEqual({ status: 'received' });
    const { rows } = await t.db.query(
      `SELECT amount_minor::text AS minor, currency FROM pledges WHERE kind = 'donate' AND campaign_id = $1`,
      [campaignId],
    );
    expect(rows).toEqual([{ minor: '25050', currency: 'MXN' }]);
  });

  it('shows counts in the public totals, and never an email', async () => {
    const res = await t.http.get(`/api/public/campaigns/${slug}`).expect(200);
    expect(res.body.totals.pledges.total).toBeGreaterThanOrEqual(5);
    expect(res.body.totals.pledges.byKind.support.total).toBe(2);
    expect(JSON.stringify(res.body)).not.toContain('@');
    const p = await pledge({ ...ana, kind: 'support' });
    expect(JSON.stringify(p.body)).not.toMatch(/@|Peña/);
  });

  it('lets members list supporters and pledges, marks pledges done, and hides them from others', async () => {
    const list = await t.http
      .get(`/api/campaigns/${campaignId}/supporters?search=pe%C3%B1a`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(list.body.items.map((s: { email: string }) => s.email)).toEqual(['ana@example.org']);
    const one = await t.http
      .get(`/api/campaigns/${campaignId}/supporters/${list.body.items[0].id}`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(one.body.activity.pledges.length).toBeGreaterThanOrEqual(3);

    const open = await t.http
      .get(`/api/campaigns/${campaignId}/pledges?kind=volunteer&status=open`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(open.body.total).toBe(1);
    const done = await t.http
      .post(`/api/pledges/${open.body.items[0].id}/fulfil`)
      .auth(org.token, { type: 'bearer' })
      .expect(201);
    expect(done.body.status).toBe('fulfilled');

    const other = await createStaff(t, await adminToken(t), 'organizer');
    await t.http
      .get(`/api/campaigns/${campaignId}/supporters`)
      .auth(other.token, { type: 'bearer' })
      .expect(404);
    await t.http
      .get(`/api/campaigns/${campaignId}/pledges`)
      .auth(other.token, { type: 'bearer' })
      .expect(404);
  });
});

describe('public rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the per-IP limit', async () => {
    const org = await createStaff(t, await adminToken(t), 'organizer');
    const { slug } = await activeCampaign(t, org.token);
    for (let i = 0; i < 3; i++) {
      await t.http
        .post(`/api/public/campaigns/${slug}/pledges`)
        .send({ ...ana, email: `r${i}@example.org`, kind: 'support' })
        .expect(201);
    }
    const res = await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...ana, kind: 'support' })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    await t.http.get(`/api/public/campaigns/${slug}`).expect(200);
  });
});

describe('text PostgreSQL cannot store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers a NUL character in a name with 400, not 500, and writes nothing', async () => {
    const org = await createStaff(t, await adminToken(t), 'organizer');
    const { slug } = await activeCampaign(t, org.token);
    const res = await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ email: 'nul@example.org', firstName: 'A\u0000B', kind: 'support' })
      .expect(400);
    expect(res.body.code).toBe('unstorable_value');
    expect(JSON.stringify(res.body)).not.toMatch(/INSERT|supporters/);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM supporters WHERE email = 'nul@example.org'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
