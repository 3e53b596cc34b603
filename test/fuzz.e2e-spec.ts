import fc from 'fast-check';
import supertest from 'supertest';
import { routesOf } from '../src/app.js';
import { isWebPath } from '../src/web/setup.js';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: { type?: string } }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: unknown[];
}
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const RUNS_PER_ROUTE = 110;
/** Public pages are not in the OpenAPI document: they come from the route table, with fewer runs each. */
const RUNS_PER_PAGE = 30;

/** Percent-encodes `s`; a lone surrogate (not encodable) becomes the bytes of one, which are not UTF-8. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

/**
 * Hostile input for every public route, derived from the OpenAPI document (`/api/docs-json`): path
 * and query parameters and JSON body fields get strings with NUL characters, lone surrogates,
 * unpaired percent signs, huge or deeply nested values, wrong types; every request must get a 4xx
 * (or a 2xx for a read that finds something) — never a 5xx — and nothing may be written.
 */
describe('fuzzing every public route from the OpenAPI document', () => {
  let t: TestApp;
  let slug: string;
  /** Real values for path parameters by name, so a route's own checks run on the hostile rest. */
  const real: Record<string, string> = {};
  let doc: { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> };
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createStaff(t, await adminToken(t), 'organizer');
    const campaign = await activeCampaign(t, org.token);
    slug = campaign.slug;
    const as = (req: supertest.Test) => req.auth(org.token, { type: 'bearer' });
    const targets = await as(t.http.get('/api/targets')).expect(200);
    const letter = await as(t.http.post(`/api/campaigns/${campaign.id}/letter-actions`))
      .send({
        title: { en: 'Respect the vote' },
        subject: { en: 'Respect the vote' },
        body: { en: 'Respect the vote.' },
        targetIds: [targets.body.items[0].id],
        allowPersonalNote: true,
      })
      .expect(201);
    await as(t.http.patch(`/api/letter-actions/${letter.body.id}`))
      .send({ status: 'open' })
      .expect(200);
    const event = await as(t.http.post(`/api/campaigns/${campaign.id}/events`))
      .send({
        title: { en: 'Picket' },
        kind: 'picket',
        city: 'Detroit',
        startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        timezone: 'America/Detroit',
      })
      .expect(201);
    const orgRow = await t.db.query<{ slug: string }>('SELECT slug FROM organizations WHERE id = $1', [
      org.organizationId,
    ]);
    Object.assign(real, {
      slug,
      actionSlug: letter.body.slug as string,
      eventSlug: event.body.slug as string,
      orgSlug: orgRow.rows[0].slug,
    });
    doc = (await t.http.get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  /** Rows in every table: refused input may write nothing anywhere (no partial rows). */
  const counts = async () => {
    const tables = await t.db.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const out: Record<string, number> = {};
    for (const { name } of tables.rows)
      out[name] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0].n;
    return out;
  };
  /** A path parameter: its real value now and then (when there is one), else hostile. */
  const pathValue = (name: string) => (real[name] ? fc.oneof(fc.constant(real[name]), nasty) : nasty);

  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\ud800',
      '%',
      '%FF',
      '%00',
      '../../etc/passwd',
      "'; DROP TABLE x;--",
    ),
    fc.string({ minLength: 3000, maxLength: 5000 }),
    fc.constantFrom('-1', '1e400', 'NaN', '99999999999999999999', 'true', '{}', '[]', '\u202e'),
  );
  const badValue: fc.Arbitrary<unknown> = fc.oneof(
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(nasty, { maxLength: 3 }),
    fc.dictionary(nasty, nasty, { maxKeys: 3 }),
    fc.integer({ min: 40, max: 3000 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth))),
  );

  function resolve(schema: Schema | undefined): Schema | undefined {
    const ref = schema?.$ref?.replace('#/components/schemas/', '');
    return ref
      ? (doc as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas[ref]
      : schema;
  }

  /** Public routes: no bearer security in the document. */
  function publicOperations() {
    const ops: { method: (typeof METHODS)[number]; path: string; op: Operation }[] = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of METHODS) {
        const op = item[method];
        if (op && !op.security?.length && !path.startsWith('/api/docs')) ops.push({ method, path, op });
      }
    return ops;
  }

  it('derives the public routes from the document, and the document has every public route the app serves', () => {
    const paths = publicOperations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/public/campaigns/{slug}/pledges',
        'POST /api/public/campaigns/{slug}/letters/{actionSlug}/signatures',
        'POST /api/public/campaigns/{slug}/events/{eventSlug}/rsvps',
        'GET /api/public/campaigns/{slug}',
      ]),
    );
    // A public API route added later is fuzzed only if the document has it.
    const served = routesOf(t.app)
      .filter((r) => r.url.startsWith('/api/public/') && !['HEAD', 'OPTIONS'].includes(r.method))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(15);
    expect(paths).toEqual(expect.arrayContaining(served));
  });

  it('never answers 5xx and never writes a row, for any of them', async () => {
    const before = await counts();
    const fiveHundreds: string[] = [];
    let requests = 0;
    for (const { method, path, op } of publicOperations()) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
      const bodySchema = resolve(op.requestBody?.content['application/json']?.schema);
      const fields = Object.keys(bodySchema?.properties ?? {});
      const request = fc.record({
        // Each path parameter: a real slug now and then (so the route's own checks run), else hostile.
        path: fc.tuple(...params.filter((p) => p.in === 'path').map((p) => pathValue(p.name))),
        query: fc.dictionary(
          fc.constantFrom(...params.filter((p) => p.in === 'query').map((p) => p.name), 'lang', 'x'),
          nasty,
          { maxKeys: 3 },
        ),
        // A body that always holds at least one bad field (so nothing may be written): the email is
        // never valid, and without a NUL so the body gets past the input checks to validation.
        body: fc.oneof(
          badValue,
          fc
            .record({
              good: fc.record({ email: fc.constant('fuzz@example.org'), firstName: fc.constant('Fuzz') }),
              bad: fc.dictionary(fc.constantFrom(...fields, 'email', '__proto__', 'constructor'), badValue, {
                minKeys: 1,
                maxKeys: 4,
              }),
            })
            .map(({ good, bad }) => ({ ...good, ...bad, email: 'not-an-email' })),
        ),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async ({ path: values, query, body }) => {
            let i = 0;
            const url =
              path.replace(/\{[^}]+\}/g, () => enc(values[i++] as string)) +
              (Object.keys(query).length
                ? '?' +
                  Object.entries(query)
                    .map(([k, v]) => `${enc(k)}=${enc(v as string)}`)
                    .join('&')
                : '');
            let call = t.http[method](url);
            if (method !== 'get' && method !== 'delete')
              call = call.set('content-type', 'application/json').send(JSON.stringify(body));
            const res = await call;
            requests++;
            if (res.status >= 500) fiveHundreds.push(`${method.toUpperCase()} ${url} → ${res.status}`);
            return res.status < 500;
          }),
          { numRuns: RUNS_PER_ROUTE, seed: 19, endOnFailure: true },
        )
        .catch(() => undefined); // every 5xx is collected above, reported below
    }
    console.log(
      `fuzz: ${requests} requests to ${publicOperations().length} public routes, ${fiveHundreds.length} answered 5xx`,
    );
    expect(fiveHundreds).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('never answers 5xx and never writes a row on any public page either (archive, feed, embeds, images)', async () => {
    const pages = routesOf(t.app).filter(
      (r) => ['GET', 'POST'].includes(r.method) && isWebPath(r.url) && !r.url.startsWith('/admin'),
    );
    expect(pages.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /o/:orgSlug/bulletins',
        'GET /o/:orgSlug/bulletins.atom',
        'GET /o/:orgSlug/bulletins/:id',
        'GET /embed/c/:slug/letters/:actionSlug',
        'POST /embed/c/:slug/pledge',
        'GET /c/:slug/preview.jpg',
        'POST /c/:slug/letters/:actionSlug',
        'POST /invitations/:token',
        'POST /my-details/:token',
      ]),
    );
    // A visitor with the form token of a page, so page posts get past the CSRF check.
    const agent = supertest.agent(t.app.getHttpServer());
    const page = await agent.get(`/c/${slug}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const before = await counts();
    const fiveHundreds: string[] = [];
    let requests = 0;
    for (const { method, url: route } of pages) {
      const names = [...route.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const request = fc.record({
        path: fc.tuple(...names.map(pathValue)),
        query: fc.dictionary(fc.constantFrom('lang', 'source', 'ref', 'x'), nasty, { maxKeys: 3 }),
        form: fc.dictionary(
          fc.constantFrom(
            'firstName',
            'lastName',
            'country',
            'kind',
            'guests',
            'personalNote',
            'password',
            'x',
          ),
          nasty,
          { maxKeys: 4 },
        ),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async ({ path: values, query, form }) => {
            let i = 0;
            const url =
              route.replace(/:[A-Za-z]+/g, () => enc(values[i++])) +
              (Object.keys(query).length
                ? '?' +
                  Object.entries(query)
                    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
                    .join('&')
                : '');
            const body = Object.entries({ ...form, email: 'not-an-email', _csrf: csrf })
              .map(([k, v]) => `${enc(k)}=${enc(v)}`)
              .join('&');
            const res =
              method === 'GET'
                ? await agent.get(url)
                : await agent.post(url).set('content-type', 'application/x-www-form-urlencoded').send(body);
            requests++;
            if (res.status >= 500) fiveHundreds.push(`${method} ${url} → ${res.status}`);
            return res.status < 500;
          }),
          { numRuns: RUNS_PER_PAGE, seed: 19, endOnFailure: true },
        )
        .catch(() => undefined); // every 5xx is collected above, reported below
    }
    console.log(
      `fuzz: ${requests} requests to ${pages.length} public pages, ${fiveHundreds.length} answered 5xx`,
    );
    expect(fiveHundreds).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
