import fc from 'fast-check';
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

/** The tables a public submission writes: none may change on refused input. */
const WRITTEN = ['supporters', 'pledges', 'signatures', 'rsvps', 'donations', 'reminders', 'messages'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const RUNS_PER_ROUTE = 110;

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
  let doc: { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> };
  beforeAll(async () => {
    t = await createTestApp();
    const org = await createStaff(t, await adminToken(t), 'organizer');
    ({ slug } = await activeCampaign(t, org.token));
    doc = (await t.http.get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of WRITTEN)
      out[table] = (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    return out;
  };

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

  it('derives the public routes from the document', () => {
    const paths = publicOperations().map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/public/campaigns/{slug}/pledges',
        'POST /api/public/campaigns/{slug}/letters/{actionSlug}/signatures',
        'POST /api/public/campaigns/{slug}/events/{eventSlug}/rsvps',
        'GET /api/public/campaigns/{slug}',
      ]),
    );
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
        path: fc.tuple(
          ...params.filter((p) => p.in === 'path').map(() => fc.oneof(fc.constant(slug), nasty)),
        ),
        query: fc.dictionary(
          fc.constantFrom(...params.filter((p) => p.in === 'query').map((p) => p.name), 'lang', 'x'),
          nasty,
          { maxKeys: 3 },
        ),
        // A body that always holds at least one bad field (so nothing may be written).
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
            .map(({ good, bad }) => ({ ...good, ...bad, email: 'not-an-email\u0000' })),
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
});
