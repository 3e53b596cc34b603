import { adminToken, createCampaign, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('campaigns', () => {
  let t: TestApp;
  let org: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = (await createStaff(t, await adminToken(t), 'organizer')).token;
  });
  afterAll(() => t.close());

  const post = (body: object) => t.http.post('/api/campaigns').auth(org, { type: 'bearer' }).send(body);
  const patch = (id: string, body: object) =>
    t.http.patch(`/api/campaigns/${id}`).auth(org, { type: 'bearer' }).send(body);

  it('generates the slug from a Spanish title with accents', async () => {
    const res = await post({ title: { es: 'Sindicato independiente en Silao' } }).expect(201);
    expect(res.body.slug).toBe('sindicato-independiente-en-silao');
    expect(res.body.status).toBe('draft');
    const again = await post({ title: { es: 'Sindicato independiente en Silao' } }).expect(201);
    expect(again.body.slug).toBe('sindicato-independiente-en-silao-2');
  });

  it('refuses a slug that is taken with 409', async () => {
    await post({ slug: 'gm-silao', title: { en: 'GM Silao' } }).expect(201);
    const dup = await post({ slug: 'gm-silao', title: { en: 'Another' } }).expect(409);
    expect(dup.body.code).toBe('slug_taken');
  });

  it('stores goals with money as exact minor units', async () => {
    const res = await post({
      title: { en: 'Strike fund' },
      goals: { pledges: 500, signatures: 10000, money: { amount: '250000.50', currency: 'MXN' } },
    }).expect(201);
    expect(res.body.goals).toEqual({
      pledges: 500,
      signatures: 10000,
      money: { amount: '250000.50', currency: 'MXN' },
    });
    const bad = await post({
      title: { en: 'x' },
      goals: { money: { amount: '1.999', currency: 'USD' } },
    }).expect(400);
    expect(bad.body.details[0].field).toBe('goals.money.amount');
  });

  it.each([
    [{ title: { en: 'x' }, color: 'red' }, 'color'],
    [{ title: { fr: 'Solidarité' } }, 'title'],
    [{ title: { en: 'x' }, defaultLocale: 'fr' }, 'defaultLocale'],
    [{ title: { en: 'x' }, country: 'Narnia' }, 'country'],
    [{ title: { en: 'x' }, slug: 'Not A Slug' }, 'slug'],
    [{ title: { en: 'x' }, sector: 'banking' }, 'sector'],
    [{}, 'title'],
  ])('answers bad input %j with 400 naming %s', async (body, field) => {
    const res = await post(body).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('moves through the lifecycle and refuses other moves with 409 naming the allowed ones', async () => {
    const { id } = await createCampaign(t, org);
    const skip = await patch(id, { status: 'won' }).expect(409);
    expect(skip.body.message).toContain('active');
    await patch(id, { status: 'active' }).expect(200);
    await patch(id, { status: 'draft' }).expect(409);
    await patch(id, { status: 'won' }).expect(200);
    await patch(id, { status: 'archived' }).expect(200);
    const frozen = await patch(id, { city: 'Detroit' }).expect(409);
    expect(frozen.body.code).toBe('campaign_archived');
  });

  it('deletes drafts only', async () => {
    const draft = await createCampaign(t, org);
    await t.http.delete(`/api/campaigns/${draft.id}`).auth(org, { type: 'bearer' }).expect(204);
    await t.http.get(`/api/campaigns/${draft.id}`).auth(org, { type: 'bearer' }).expect(404);
    const live = await createCampaign(t, org);
    await patch(live.id, { status: 'active' }).expect(200);
    await t.http.delete(`/api/campaigns/${live.id}`).auth(org, { type: 'bearer' }).expect(409);
  });

  it('reopens a won or lost campaign, restores an archived one, and never goes back to draft', async () => {
    const { id } = await createCampaign(t, org);
    await patch(id, { status: 'active' }).expect(200);
    await patch(id, { status: 'lost' }).expect(200);
    expect((await patch(id, { status: 'active' }).expect(200)).body.status).toBe('active');
    await patch(id, { status: 'won' }).expect(200);
    await patch(id, { status: 'active' }).expect(200);
    await patch(id, { status: 'won' }).expect(200);
    await patch(id, { status: 'archived' }).expect(200);
    const toWon = await patch(id, { status: 'won' }).expect(409);
    expect(toWon.body.code).toBe('campaign_archived');
    const restored = await patch(id, { status: 'active' }).expect(200);
    expect(restored.body).toMatchObject({ status: 'active', hiddenAt: null });
    const back = await patch(id, { status: 'draft' }).expect(409);
    expect(back.body.code).toBe('invalid_transition');
  });

  it('hides an archived campaign from the lists (and only an archived one); restoring shows it again', async () => {
    const { id } = await createCampaign(t, org, { title: { en: 'Hide me at Ramos Arizpe' } });
    await patch(id, { status: 'active' }).expect(200);
    const early = await patch(id, { hidden: true }).expect(409);
    expect(early.body.code).toBe('not_archived');
    await patch(id, { status: 'archived' }).expect(200);
    const hidden = await patch(id, { hidden: true }).expect(200);
    expect(hidden.body.hiddenAt).toEqual(expect.any(String));
    const list = (q: string) =>
      t.http.get(`/api/campaigns?q=ramos&${q}`).auth(org, { type: 'bearer' }).expect(200);
    expect((await list('hidden=false')).body.total).toBe(0);
    expect((await list('hidden=true')).body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await list('')).body.total).toBe(1);
    await t.http.get('/api/campaigns?hidden=maybe').auth(org, { type: 'bearer' }).expect(400);
    // Still read-only while hidden; shown again by hand, or by restoring it.
    expect((await patch(id, { city: 'Saltillo' }).expect(409)).body.code).toBe('campaign_archived');
    expect((await patch(id, { hidden: false }).expect(200)).body.hiddenAt).toBeNull();
    await patch(id, { hidden: true }).expect(200);
    expect((await patch(id, { status: 'active' }).expect(200)).body.hiddenAt).toBeNull();
    const { rows } = await t.db.query('SELECT hidden_at FROM campaigns WHERE id = $1', [id]);
    expect(rows[0].hidden_at).toBeNull();
    // The database holds the rule too.
    await expect(
      t.db.query(`UPDATE campaigns SET hidden_at = now() WHERE id = $1`, [id]),
    ).rejects.toMatchObject({ constraint: 'campaigns_hidden_only_archived_check' });
  });

  it('deletes a draft only while nobody has acted on it, and says why not otherwise', async () => {
    const draft = await createCampaign(t, org);
    const fr = await t.http
      .post(`/api/campaigns/${draft.id}/fundraisers`)
      .auth(org, { type: 'bearer' })
      .send({ title: { en: 'Strike fund' }, goal: { amount: '1000', currency: 'USD' } })
      .expect(201);
    await t.http
      .post(`/api/fundraisers/${fr.body.id}/donations`)
      .auth(org, { type: 'bearer' })
      .send({ amount: { amount: '20', currency: 'USD' }, status: 'received', method: 'cash' })
      .expect(201);
    const refused = await t.http
      .delete(`/api/campaigns/${draft.id}`)
      .auth(org, { type: 'bearer' })
      .expect(409);
    expect(refused.body.code).toBe('campaign_has_activity');
    expect(refused.body.message).toContain('archive');
    await t.http.get(`/api/campaigns/${draft.id}`).auth(org, { type: 'bearer' }).expect(200);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM donations WHERE fundraiser_id = $1', [
      fr.body.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('lists with filters and pagination', async () => {
    const a = await createCampaign(t, org, { title: { en: 'Garment workers in Puebla' }, sector: 'garment' });
    await patch(a.id, { status: 'active' }).expect(200);
    const bySector = await t.http
      .get('/api/campaigns?sector=garment')
      .auth(org, { type: 'bearer' })
      .expect(200);
    expect(bySector.body.items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const byText = await t.http.get('/api/campaigns?q=puebla').auth(org, { type: 'bearer' }).expect(200);
    expect(byText.body.total).toBe(1);
    const page = await t.http
      .get('/api/campaigns?limit=2&offset=0')
      .auth(org, { type: 'bearer' })
      .expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    await t.http.get('/api/campaigns?limit=0').auth(org, { type: 'bearer' }).expect(400);
  });

  it('shows live campaigns publicly in the reader language, and hides drafts and archived ones', async () => {
    const c = await createCampaign(t, org, {
      title: { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' },
      summary: { en: 'Workers are winning.' },
      defaultLocale: 'es',
    });
    await t.http.get(`/api/public/campaigns/${c.slug}`).expect(404);
    await patch(c.id, { status: 'active' }).expect(200);
    const es = await t.http.get(`/api/public/campaigns/${c.slug}`).expect(200);
    expect(es.body).toMatchObject({
      lang: 'es',
      title: 'Sindicato independiente en GM Silao',
      summary: 'Workers are winning.',
    });
    const en = await t.http
      .get(`/api/public/campaigns/${c.slug}`)
      .set('accept-language', 'en-US,en;q=0.9')
      .expect(200);
    expect(en.body.title).toBe('Independent union at GM Silao');
    const q = await t.http
      .get(`/api/public/campaigns/${c.slug}?lang=en`)
      .set('accept-language', 'es')
      .expect(200);
    expect(q.body.lang).toBe('en');
    await t.http.get(`/api/public/campaigns/${c.slug}?lang=fr`).expect(400);
    expect(q.body.totals).toEqual(expect.any(Object));
    expect(JSON.stringify(q.body)).not.toMatch(/@/);
    await patch(c.id, { status: 'archived' }).expect(200);
    await t.http.get(`/api/public/campaigns/${c.slug}`).expect(404);
  });
});
