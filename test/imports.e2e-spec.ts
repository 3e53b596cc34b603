import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const LIMIT = 32 * 1024;

/** `n` valid rows (more than one batch of 500) with emails `<prefix>-<i>@example.org`. */
const rows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}@example.org,Name${i},MX`);

/** Supporter imports are all or nothing. */
describe('supporter import limits', () => {
  let t: TestApp;
  let org: Staff;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_BYTES: String(LIMIT) });
    org = await createStaff(t, await adminToken(t), 'organizer');
    ({ id: campaignId } = await activeCampaign(t, org.token));
  });
  afterAll(() => t.close());

  const upload = (csv: string) =>
    t.http
      .post(`/api/campaigns/${campaignId}/imports/supporters`)
      .auth(org.token, { type: 'bearer' })
      .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' });

  const imported = async (prefix: string) =>
    (
      await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM supporters WHERE email LIKE $1`, [
        `${prefix}-%`,
      ])
    ).rows[0].n;

  it('refuses a file over IMPORT_MAX_BYTES with 400 and commits nothing of it', async () => {
    const csv = ['email,first_name,country', ...rows('big', 1500)].join('\n');
    expect(csv.length).toBeGreaterThan(LIMIT);
    const res = await upload(csv).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'file_too_large' });
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'file', code: 'file_too_large' })]);
    expect(await imported('big')).toBe(0);
    const log = await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'import.supporters'`);
    expect(log.rowCount).toBe(0);
  });

  it('commits nothing of a file that turns out malformed after the first batches', async () => {
    const csv = ['email,first_name,country', ...rows('broken', 600), 'x@example.org,"Unclosed'].join('\n');
    expect(csv.length).toBeLessThan(LIMIT);
    const res = await upload(csv).expect(400);
    expect(res.body.message).toMatch(/line \d+/);
    expect(await imported('broken')).toBe(0);
  });

  it('imports a file within the limit, all of it', async () => {
    const csv = ['email,first_name,country', ...rows('fine', 600)].join('\n');
    const res = await upload(csv).expect(201);
    expect(res.body).toMatchObject({ rows: 600, created: 600, rejected: 0 });
    expect(await imported('fine')).toBe(600);
  });
});
