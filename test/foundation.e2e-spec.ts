import pg from 'pg';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('HTTP foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => t.close());

  it('answers health with a database check', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('sets a request id header, keeping a sane one given by the caller', async () => {
    const res = await t.http.get('/api/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.http.get('/api/health').set('x-request-id', 'lb-1234');
    expect(given.headers['x-request-id']).toBe('lb-1234');
    const hostile = await t.http.get('/api/health').set('x-request-id', 'a b<script>');
    expect(hostile.headers['x-request-id']).not.toContain('<');
  });

  it('sets security headers', async () => {
    const res = await t.http.get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('lists the health route in the OpenAPI document', async () => {
    const res = await t.http.get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/health'].get).toBeDefined();
    await t.http.get('/api/docs').expect(200);
  });

  it('answers malformed JSON with 400 in the documented shape', async () => {
    const res = await t.http
      .post('/api/health')
      .set('content-type', 'application/json')
      .send('{"not json')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'malformed_json' });
    expect(typeof res.body.message).toBe('string');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const res = await t.http.get('/api/no-such-thing').expect(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await t.http
      .post('/api/health')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(5000) }))
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'body_too_large' });
  });

  it('answers health with 503 when the database refuses connections', async () => {
    const name = new URL(t.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: t.databaseUrl.replace(`/${name}`, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      const res = await t.http.get('/api/health').expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'database_down' });
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|terminat|connection/i);
    } finally {
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(name)} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await t.http.get('/api/health').expect(200);
  });
});
