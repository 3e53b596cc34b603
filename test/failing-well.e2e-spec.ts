import pg from 'pg';
import supertest from 'supertest';
import { routesOf } from '../src/app.js';
import { BulletinSender } from '../src/bulletins/bulletin-sender.js';
import { PeriodicJobs } from '../src/scheduling/periodic-jobs.js';
import { isWebPath } from '../src/web/setup.js';
import { consentingSupporter } from './support/campaign-mail.js';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ana = { email: 'ana@example.org', firstName: 'Ana', country: 'MX', locale: 'es', kind: 'support' };

/** `{"a":{"a":…}}` nested `depth` levels: ~3 KB for 1,500 levels. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('failing well: hostile input and an unavailable database', () => {
  let t: TestApp;
  let slug: string;
  let orgSlug: string;
  let bulletinId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createStaff(t, await adminToken(t), 'organizer');
    const campaign = await activeCampaign(t, org.token);
    slug = campaign.slug;
    // A bulletin being sent when the database goes away (sent by the tests below, by hand).
    for (const email of ['eva@example.org', 'flor@example.org']) await consentingSupporter(t, slug, email);
    const as = (req: supertest.Test) => req.auth(org.token, { type: 'bearer' });
    const audience = await as(t.http.post(`/api/organizations/${org.organizationId}/audiences`))
      .send({ name: 'Everyone', filter: { campaignIds: [campaign.id] } })
      .expect(201);
    const bulletin = await as(t.http.post(`/api/organizations/${org.organizationId}/bulletins`))
      .send({ subject: { es: 'Noticias' }, body: { es: 'Hola' }, audienceId: audience.body.id })
      .expect(201);
    bulletinId = bulletin.body.id;
    await as(t.http.post(`/api/bulletins/${bulletinId}/send`)).expect(200);
    orgSlug = (
      await t.db.query<{ slug: string }>('SELECT slug FROM organizations WHERE id = $1', [org.organizationId])
    ).rows[0].slug;
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
    ['/c/a%00b/preview.jpg', 'html'],
    ['/embed/c/a%00b/pledge', 'html'],
    ['/embed/c/SLUG/letters/%FF', 'html'],
    ['/embed/c/SLUG/events/x?lang=%00', 'html'],
    ['/o/a%00b/bulletins', 'html'],
    ['/o/ORG/bulletins.atom?lang=%00', 'html'],
    ['/o/ORG/bulletins/%C3%28', 'html'],
    ['/invitations/a%00b', 'html'],
    ['/my-details/a%00b', 'html'],
    ['/my-data/%FF', 'html'],
    ['/?lang=%00', 'html'],
    ['/admin/campaigns/a%00b', 'html'],
  ])('answers %s with 400 (%s), never 500', async (url, kind) => {
    const res = await t.http
      .get(url.replace('SLUG', slug).replace('ORG', orgSlug))
      .set('accept-language', 'es');
    expect(res.status).toBe(400);
    if (kind === 'json') expect(res.body).toMatchObject({ statusCode: 400, code: 'bad_url' });
    else {
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('Algo salió mal');
    }
  });

  /** A valid pledge as a form body, but for `firstName`. */
  const formWith = (firstName: Buffer) =>
    Buffer.concat([Buffer.from('email=ana%40example.org&kind=support&country=MX&firstName='), firstName]);
  it.each([
    ['a NUL character', formWith(Buffer.from('A%00na'))],
    ['raw bytes that are not UTF-8', formWith(Buffer.from([0x41, 0xff, 0xfe]))],
    ['an escape that is not UTF-8', formWith(Buffer.from('A%FFna'))],
  ])(
    'refuses a form body with %s with 400 on the API, a page and an embed, writing nothing',
    async (_why, raw) => {
      const before = (await pledges()).rows[0].n;
      for (const url of [
        `/api/public/campaigns/${slug}/pledges`,
        `/c/${slug}/pledges`,
        `/embed/c/${slug}/pledge`,
      ]) {
        const res = await t.http
          .post(url)
          .set('content-type', 'application/x-www-form-urlencoded')
          .set('accept-language', 'es')
          .serialize((body: Buffer) => body as unknown as string)
          .send(raw as unknown as object);
        expect([url, res.status]).toEqual([url, 400]); // checked before the CSRF check and the controller
        if (url.startsWith('/api/')) expect(res.body.code).toMatch(/^(unstorable_value|invalid_utf8)$/);
        else expect(res.text).toContain('Algo salió mal');
      }
      expect((await pledges()).rows[0].n).toBe(before);
    },
  );

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
    /** Signed in before the outage: the API with a bearer token, the console with its cookies. */
    let token: string;
    let consoleAgent: ReturnType<typeof supertest.agent>;
    let csrf: string;
    const name = () => new URL(t.databaseUrl).pathname.slice(1);
    beforeAll(async () => {
      token = await adminToken(t);
      consoleAgent = supertest.agent(t.app.getHttpServer());
      const form = await consoleAgent.get('/admin/login').expect(200);
      csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      await consoleAgent
        .post('/admin/login')
        .type('form')
        .send({ _csrf: csrf, email: 'admin@example.org', password: 'admin-password-for-tests' })
        .expect(303);
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

    it('answers every registered route with 503 and Retry-After (a page on page routes), never another 5xx', async () => {
      const ANY_ID = '00000000-0000-4000-8000-000000000000';
      const sample = (url: string) =>
        url
          .replace(/:(slug|orgSlug)\b/g, slug)
          .replace(/:[A-Za-z]+/g, ANY_ID)
          .replace(/\*$/, 'x');
      // Logging out last: before, it would end the console session the other routes use.
      const routes = routesOf(t.app)
        .filter((r) => !['HEAD', 'OPTIONS'].includes(r.method))
        .sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
      expect(routes.length).toBeGreaterThan(150);
      /** Valid bodies for the public submissions, so they get as far as the database. */
      const signer = { email: 'ana@example.org', firstName: 'Ana', country: 'MX' };
      const bodies: Record<string, object> = {
        'POST /api/auth/login': { email: 'ana@example.org', password: 'a-long-enough-password' },
        'POST /api/public/campaigns/:slug/pledges': ana,
        'POST /api/public/campaigns/:slug/letters/:actionSlug/signatures': signer,
        'POST /api/public/campaigns/:slug/events/:eventSlug/rsvps': signer,
        'POST /api/public/supporters/data-requests': { email: 'ana@example.org' },
        'POST /my-data': { email: 'ana@example.org' },
        'POST /c/:slug/pledges': ana,
        'POST /c/:slug/letters/:actionSlug': signer,
        'POST /c/:slug/events/:eventSlug': signer,
      };
      const wrong: string[] = [];
      const unavailable: string[] = [];
      for (const r of routes) {
        const url = sample(r.url);
        const method = r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
        const web = isWebPath(url);
        const res = web
          ? await (
              method === 'get'
                ? consoleAgent.get(url)
                : consoleAgent[method](url)
                    .type('form')
                    .send({ ...bodies[`${r.method} ${r.url}`], _csrf: csrf })
            ).set('accept-language', 'es')
          : await t.http[method](url)
              .auth(token, { type: 'bearer' })
              .send(bodies[`${r.method} ${r.url}`] ?? {});
        const what = `${r.method} ${r.url} → ${res.status}`;
        if (res.status === 503) unavailable.push(`${r.method} ${r.url}`);
        if (res.status >= 500 && res.status !== 503) wrong.push(what);
        else if (res.status === 503 && !/^\d+$/.test(res.headers['retry-after'] ?? ''))
          wrong.push(`${what} without Retry-After`);
        else if (res.status === 503 && web && !res.text.includes('no está disponible por un momento'))
          wrong.push(`${what} without the friendly page`);
        else if (
          res.status === 503 &&
          !web &&
          res.body.code !== 'database_unavailable' &&
          res.body.code !== 'database_down'
        )
          wrong.push(`${what} ${res.body.code}`);
      }
      expect(wrong).toEqual([]);
      // Every route that needs the database got that far; the others are static files and the API
      // docs, or refused what they were sent before any query (a bad link token, a missing form token).
      console.log(
        `database refused: ${unavailable.length} of ${routes.length} routes answered 503, none 500`,
      );
      expect(unavailable).toEqual(expect.arrayContaining(Object.keys(bodies)));
      expect(unavailable.length).toBeGreaterThan(200);
    });

    it('keeps the bulletin sender waiting, not crashing: its periodic run fails quietly and is tried again', async () => {
      await expect(t.app.get(BulletinSender).tick()).rejects.toThrow();
      await expect(t.app.get(PeriodicJobs).tick('bulletins.send')).resolves.toBeUndefined();
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

  it('sends the whole bulletin once the database is back, nobody failed or left out', async () => {
    const sender = t.app.get(BulletinSender);
    for (let i = 0; i < 10 && (await sender.tick()).claimed > 0; i++) t.clock.advance(1100);
    const { rows } = await t.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM bulletin_deliveries WHERE bulletin_id = $1 GROUP BY status',
      [bulletinId],
    );
    expect(rows).toEqual([{ status: 'sent', n: 2 }]);
  });
});
