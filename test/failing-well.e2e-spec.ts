import pg from 'pg';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ana = { email: 'ana@example.org', firstName: 'Ana', country: 'MX', locale: 'es', kind: 'support' };

/** `{"a":{"a":…}}` nested `depth` levels: ~3 KB for 1,500 levels. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('failing well: hostile input and an unavailable database', () => {
  let t: TestApp;
  let slug: string;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createStaff(t, await adminToken(t), 'organizer');
    ({ slug } = await activeCampaign(t, org.token));
  });
  afterAll(() => t.close());

  const pledges = () => t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pledges');

  it('refuses a body nested 1,500 levels deep with 400 before validation', async () => {
    for (const url of [`/api/public/campaigns/${slug}/pledges`, '/api/auth/login']) {
      const res = await t.http.post(url).set('content-type', 'application/json').send(nested(1500));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'too_deep' });
    }
    // A body as deep as the limit is still read (and then judged by validation).
    const ok = await t.http.post('/api/auth/login').set('content-type', 'application/json').send(nested(32));
    expect(ok.body.code).not.toBe('too_deep');
  });

  it('refuses a NUL character in a body value or key with 400, writing nothing', async () => {
    const before = (await pledges()).rows[0].n;
    const res = await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...ana, firstName: 'A\u0000na' })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'unstorable_value',
      details: [{ field: 'firstName', code: 'nul_character' }],
    });
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...ana, ['x\u0000']: 1 })
      .expect(400);
    expect((await pledges()).rows[0].n).toBe(before);
  });

  it('refuses a JSON body that is not UTF-8 with 400', async () => {
    const body = Buffer.concat([
      Buffer.from('{"email":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('@x.org"}'),
    ]);
    const res = await t.http
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .serialize((raw: Buffer) => raw as unknown as string) // the bytes as they are, not JSON of them
      .send(body as unknown as object);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_utf8' });
  });

  it.each([
    ['/api/public/campaigns/a%00b', 'json'],
    ['/api/public/campaigns/%FF', 'json'],
    ['/api/public/campaigns/x?lang=%00', 'json'],
    ['/api/public/campaigns/x?lang=%E0%A4', 'json'],
    ['/c/a%00b', 'html'],
    ['/c/SLUG/letters/a%00b', 'html'],
    ['/c/SLUG/events/a%00b', 'html'],
    ['/c/SLUG/events/a%00b/event.ics', 'html'],
    ['/c/%C3%28', 'html'],
    ['/c/SLUG?lang=%00', 'html'],
    ['/rsvp/%00', 'html'],
    ['/unsubscribe/%00', 'html'],
  ])('answers %s with 400 (%s), never 500', async (url, kind) => {
    const res = await t.http.get(url.replace('SLUG', slug)).set('accept-language', 'es');
    expect(res.status).toBe(400);
    if (kind === 'json') expect(res.body).toMatchObject({ statusCode: 400, code: 'bad_url' });
    else {
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('Algo salió mal');
    }
  });

  it('refuses a NUL in a page form post with 400, writing nothing', async () => {
    const before = (await pledges()).rows[0].n;
    const res = await t.http
      .post(`/c/${slug}/pledges`)
      .type('form')
      .send({ ...ana, firstName: 'A\u0000na' });
    expect(res.status).toBe(400); // checked before the CSRF check and the controller
    expect((await pledges()).rows[0].n).toBe(before);
  });

  describe('while the database refuses connections', () => {
    let admin: pg.Client;
    const name = () => new URL(t.databaseUrl).pathname.slice(1);
    beforeAll(async () => {
      admin = new pg.Client({ connectionString: t.databaseUrl.replace(`/${name()}`, '/postgres') });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name())} WITH ALLOW_CONNECTIONS false`);
      // Ends the app's pooled connections too (not this test's): every request needs a new one, refused.
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'puente'`,
        [name()],
      );
    });
    afterAll(async () => {
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name())} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    });

    it('answers API reads and writes with 503 and Retry-After, in the error shape', async () => {
      const calls = [
        t.http.post(`/api/public/campaigns/${slug}/pledges`).send(ana),
        t.http.get(`/api/public/campaigns/${slug}`),
        t.http.post('/api/auth/login').send({ email: 'x@example.org', password: 'whatever-it-is' }),
        t.http.get('/api/health'),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
        expect(typeof res.body.requestId).toBe('string');
        expect(JSON.stringify(res.body)).not.toMatch(/SELECT|INSERT|terminat|accepting/i);
      }
    });

    it('answers a page with a friendly 503 page in the reader’s language', async () => {
      const es = await t.http.get(`/c/${slug}`).set('accept-language', 'es');
      expect(es.status).toBe(503);
      expect(es.headers['retry-after']).toMatch(/^\d+$/);
      expect(es.headers['content-type']).toContain('text/html');
      expect(es.text).toContain('no está disponible por un momento');
      const en = await t.http.get(`/c/${slug}?lang=en`);
      expect(en.status).toBe(503);
      expect(en.text).toContain('briefly unavailable');
    });
  });

  it('recovers by itself once the database is back', async () => {
    await t.http.get('/api/health').expect(200);
    await t.http.post(`/api/public/campaigns/${slug}/pledges`).send(ana).expect(201);
  });
});
