import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { SupportersService } from '../src/supporters/supporters.service.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Tags on supporters: one organization's own, one at a time or many at once, erased with her. */
describe('supporter tags', () => {
  let t: TestApp;
  let admin: string;
  let a: Staff;
  let b: Staff;
  let campaignA: { id: string; slug: string };
  let campaignB: { id: string; slug: string };
  const ids: Record<string, string> = {};

  const as = (token: string) => ({
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    delete: (url: string) => t.http.delete(url).auth(token, { type: 'bearer' }),
  });

  async function pledge(slug: string, email: string, firstName: string, extra: Record<string, unknown> = {}) {
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ email, firstName, kind: 'support', ...extra })
      .expect(201);
  }

  async function idOf(orgId: string, email: string): Promise<string> {
    const { rows } = await t.db.query<{ id: string }>(
      `SELECT id FROM supporters WHERE organization_id = $1 AND email = $2`,
      [orgId, email],
    );
    return rows[0].id;
  }

  const tagsOf = async (supporterId: string) =>
    (
      await t.db.query<{ name: string }>(
        `SELECT t.name FROM supporter_tags st JOIN tags t ON t.id = st.tag_id WHERE st.supporter_id = $1 ORDER BY t.name`,
        [supporterId],
      )
    ).rows.map((r) => r.name);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t);
    a = await createStaff(t, admin, 'organizer', 'Ana');
    b = await createStaff(t, admin, 'organizer', 'Beto');
    campaignA = await activeCampaign(t, a.token);
    campaignB = await activeCampaign(t, b.token);
    await pledge(campaignA.slug, 'lucia@example.org', 'Lucía', {
      city: 'Silao',
      locale: 'es',
      country: 'MX',
    });
    await pledge(campaignA.slug, 'mario@example.org', 'Mario', { city: 'León', locale: 'es', country: 'MX' });
    await pledge(campaignA.slug, 'jane@example.org', 'Jane', {
      city: 'Detroit',
      locale: 'en',
      country: 'US',
    });
    await pledge(campaignB.slug, 'lucia@example.org', 'Lucía', { locale: 'es' });
    for (const e of ['lucia', 'mario', 'jane']) ids[e] = await idOf(a.organizationId!, `${e}@example.org`);
    ids.luciaB = await idOf(b.organizationId!, 'lucia@example.org');
  });
  afterAll(() => t.close());

  it('creates, lists, renames and refuses a second tag of the same name in any case', async () => {
    const made = await as(a.token)
      .post(`/api/organizations/${a.organizationId}/tags`)
      .send({ name: ' Volunteers ' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Volunteers', supporters: 0 });
    const dup = await as(a.token)
      .post(`/api/organizations/${a.organizationId}/tags`)
      .send({ name: 'volunteers' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      code: 'tag_exists',
      details: [expect.objectContaining({ field: 'name' })],
    });
    const renamed = await as(a.token)
      .patch(`/api/tags/${made.body.id}`)
      .send({ name: 'Volunteer' })
      .expect(200);
    expect(renamed.body.name).toBe('Volunteer');
    const list = await as(a.token).get(`/api/organizations/${a.organizationId}/tags`).expect(200);
    expect(list.body.items.map((x: { name: string }) => x.name)).toEqual(['Volunteer']);
    // Another organization may use the same name: tags never cross.
    await as(b.token)
      .post(`/api/organizations/${b.organizationId}/tags`)
      .send({ name: 'Volunteer' })
      .expect(201);
    await as(a.token).post(`/api/organizations/${a.organizationId}/tags`).send({ name: '' }).expect(400);
  });

  it('tags and untags one supporter, and shows her tags with her history', async () => {
    await as(a.token)
      .post(`/api/organizations/${a.organizationId}/supporters/${ids.lucia}/tags`)
      .send({ tag: 'Silao' })
      .expect(200);
    const one = await as(a.token)
      .get(`/api/organizations/${a.organizationId}/supporters/${ids.lucia}`)
      .expect(200);
    expect(one.body.tags.map((x: { name: string }) => x.name)).toEqual(['Silao']);
    expect(one.body.campaigns).toEqual([
      expect.objectContaining({
        id: campaignA.id,
        activity: expect.objectContaining({ pledges: [expect.anything()] }),
      }),
    ]);
    await as(a.token)
      .delete(`/api/organizations/${a.organizationId}/supporters/${ids.lucia}/tags/${one.body.tags[0].id}`)
      .expect(204);
    expect(await tagsOf(ids.lucia)).toEqual([]);
  });

  it('tags the named supporters at once, counting only those that changed', async () => {
    const url = `/api/organizations/${a.organizationId}/supporters/tags`;
    const first = await as(a.token)
      .post(url)
      .send({ tag: 'volunteer', action: 'add', supporterIds: [ids.lucia, ids.mario] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tag: { name: 'Volunteer' }, action: 'add', matched: 2, changed: 2 });
    const again = await as(a.token)
      .post(url)
      .send({ tag: 'Volunteer', action: 'add', supporterIds: [ids.lucia, ids.mario, ids.jane] })
      .expect(200);
    expect(again.body).toMatchObject({ matched: 3, changed: 1 });
    const off = await as(a.token)
      .post(url)
      .send({ tag: 'Volunteer', action: 'remove', supporterIds: [ids.jane] })
      .expect(200);
    expect(off.body).toMatchObject({ changed: 1 });
    expect(await tagsOf(ids.jane)).toEqual([]);
    const filtered = await as(a.token)
      .get(`/api/organizations/${a.organizationId}/supporters?tagId=${first.body.tag.id}`)
      .expect(200);
    expect(filtered.body.total).toBe(2);
  });

  it('tags every supporter a filter matches, and only them', async () => {
    const url = `/api/organizations/${a.organizationId}/supporters/tags`;
    const res = await as(a.token)
      .post(url)
      .send({ tag: 'Hablan español', action: 'add', filter: { locale: 'es', country: 'México' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ matched: 2, changed: 2 });
    expect(await tagsOf(ids.lucia)).toContain('Hablan español');
    expect(await tagsOf(ids.mario)).toContain('Hablan español');
    expect(await tagsOf(ids.jane)).toEqual([]);
    // The same filter on the other organization's record of Lucía changes nothing there.
    expect(await tagsOf(ids.luciaB)).toEqual([]);
    const bySearch = await as(a.token)
      .post(url)
      .send({ tag: 'Detroit', action: 'add', filter: { search: 'detroit', activity: 'pledged' } })
      .expect(200);
    expect(bySearch.body).toMatchObject({ matched: 1, changed: 1 });
    expect(await tagsOf(ids.jane)).toEqual(['Detroit']);
    const audit = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'supporters.tagged' AND organization_id = $1 ORDER BY at DESC LIMIT 1`,
      [a.organizationId],
    );
    expect(audit.rows[0].details).toMatchObject({ tag: 'Detroit', matched: 1, changed: 1, by: 'filter' });
    expect(JSON.stringify(audit.rows[0].details)).not.toContain('@');
  });

  it('refuses both or neither of supporterIds and filter', async () => {
    const url = `/api/organizations/${a.organizationId}/supporters/tags`;
    await as(a.token).post(url).send({ tag: 'x', action: 'add' }).expect(400);
    await as(a.token)
      .post(url)
      .send({ tag: 'x', action: 'add', supporterIds: [ids.lucia], filter: {} })
      .expect(400);
    await as(a.token)
      .post(url)
      .send({ tag: 'x', action: 'tag', supporterIds: [ids.lucia] })
      .expect(400);
  });

  it('answers 404 to every attempt across organizations, and changes nothing', async () => {
    const tagB = (await as(b.token).get(`/api/organizations/${b.organizationId}/tags`).expect(200)).body
      .items[0].id;
    // B's organizer on A's organization.
    await as(b.token)
      .post(`/api/organizations/${a.organizationId}/supporters/tags`)
      .send({ tag: 'x', action: 'add', filter: {} })
      .expect(404);
    await as(b.token).get(`/api/organizations/${a.organizationId}/tags`).expect(404);
    await as(b.token).get(`/api/organizations/${a.organizationId}/supporters/${ids.lucia}`).expect(404);
    // A's organizer names B's supporter in her own organization, or uses B's tag.
    await as(a.token)
      .post(`/api/organizations/${a.organizationId}/supporters/tags`)
      .send({ tag: 'Volunteer', action: 'add', supporterIds: [ids.lucia, ids.luciaB] })
      .expect(404);
    await as(a.token).patch(`/api/tags/${tagB}`).send({ name: 'Mine now' }).expect(404);
    await as(a.token).delete(`/api/tags/${tagB}`).expect(404);
    await as(a.token)
      .delete(`/api/organizations/${a.organizationId}/supporters/${ids.lucia}/tags/${tagB}`)
      .expect(404);
    expect(await tagsOf(ids.luciaB)).toEqual([]);
    const { rows } = await t.db.query(`SELECT name FROM tags WHERE id = $1`, [tagB]);
    expect(rows[0].name).toBe('Volunteer');
    // Nor does the database let a tag of A onto a supporter of B, whatever the code does.
    const tagA = (await as(a.token).get(`/api/organizations/${a.organizationId}/tags`).expect(200)).body
      .items[0].id;
    await expect(
      t.db.query(`INSERT INTO supporter_tags (organization_id, supporter_id, tag_id) VALUES ($1, $2, $3)`, [
        a.organizationId,
        ids.luciaB,
        tagA,
      ]),
    ).rejects.toThrow(/supporter_tags_supporter_fkey/);
  });

  it('lets coordinators read nothing of the tags API and only organizers change tags', async () => {
    const coord = await createStaff(t, admin, 'coordinator');
    await as(coord.token).get(`/api/organizations/${a.organizationId}/tags`).expect(403);
    await as(coord.token)
      .post(`/api/organizations/${a.organizationId}/supporters/tags`)
      .send({ tag: 'x', action: 'add', filter: {} })
      .expect(403);
  });

  it('shows a campaign coordinator (in the console) the supporters of her campaigns only', async () => {
    const other = await activeCampaign(t, a.token);
    await pledge(other.slug, 'solo.other@example.org', 'Otra');
    const coord = await createStaff(t, admin, 'coordinator');
    await addMember(t, a.token, other.id, coord.id, 'coordinator');
    const service = t.app.get(SupportersService);
    const user = { id: coord.id, email: coord.email, name: 'c', role: 'coordinator' as const };
    const list = await service.listForOrganization(user, a.organizationId!, { limit: 50, offset: 0 });
    expect(list.items.map((s) => s.email)).toEqual(['solo.other@example.org']);
    await expect(service.getForOrganization(user, a.organizationId!, ids.lucia)).rejects.toMatchObject({
      status: 404,
    });
    // Organizers see everyone.
    const organizer = { id: a.id, email: a.email, name: 'a', role: 'organizer' as const };
    expect(
      (await service.listForOrganization(organizer, a.organizationId!, { limit: 50, offset: 0 })).total,
    ).toBe(4);
  });

  it('shows her tags in her data download, and erasure takes them off', async () => {
    const { PrivacyService } = await import('../src/supporters/privacy.service.js');
    const { SignedTokens } = await import('../src/common/signed-token.js');
    const token = t.app.get(SignedTokens).sign('data', ids.mario, new Date(Date.now() + 3600_000));
    const data = await t.http.get(`/api/public/supporters/data/${token}`).expect(200);
    const mine = data.body.organizations.find(
      (o: { organization: { id: string } }) => o.organization.id === a.organizationId,
    );
    expect(mine.tags.map((x: { name: string }) => x.name).sort()).toEqual(['Hablan español', 'Volunteer']);
    await t.app.get(PrivacyService).erase(ids.mario, null);
    expect(await tagsOf(ids.mario)).toEqual([]);
    // The tag itself stays for everyone else who carries it.
    expect(await tagsOf(ids.lucia)).toContain('Volunteer');
    const list = await as(a.token).get(`/api/organizations/${a.organizationId}/tags`).expect(200);
    expect(list.body.items.find((x: { name: string }) => x.name === 'Volunteer').supporters).toBe(1);
  });

  it('deleting a tag takes it off everyone', async () => {
    const list = await as(a.token).get(`/api/organizations/${a.organizationId}/tags`).expect(200);
    const tag = list.body.items.find((x: { name: string }) => x.name === 'Hablan español');
    await as(a.token).delete(`/api/tags/${tag.id}`).expect(204);
    expect(await tagsOf(ids.lucia)).not.toContain('Hablan español');
  });

  it('imports a tags column: previews the new tags, then tags each row', async () => {
    const csv =
      'email,first_name,tags\nrosa@example.org,Rosa,"Volunteer; Comité León"\nmario2@example.org,Mario,\n';
    const up = (dry: boolean) =>
      as(a.token)
        .post(`/api/campaigns/${campaignA.id}/imports/supporters?dryRun=${dry}`)
        .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' });
    const dry = await up(true).expect(201);
    expect(dry.body.tags).toEqual({
      names: ['Volunteer', 'Comité León'],
      newNames: ['Comité León'],
      rowsTagged: 1,
    });
    expect(await t.db.query(`SELECT 1 FROM tags WHERE name = 'Comité León'`)).toMatchObject({ rowCount: 0 });
    await up(false).expect(201);
    expect(await tagsOf(await idOf(a.organizationId!, 'rosa@example.org'))).toEqual([
      'Comité León',
      'Volunteer',
    ]);
    expect(await tagsOf(await idOf(a.organizationId!, 'mario2@example.org'))).toEqual([]);
  });
});
