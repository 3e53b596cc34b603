import { BulletinSender } from '../src/bulletins/bulletin-sender.js';
import { adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * The bulletin throttle end to end: the claim counts what was claimed in the last second and the last
 * hour (THROTTLE_SQL, a sliding window over the claims log `bulletin_claims`) and takes only what BULLETIN_RATE_PER_SECOND
 * and BULLETIN_MAX_PER_HOUR still allow (claimAllowance, unit- and mutation-tested in
 * src/bulletins/bulletin-throttle.spec.ts). The windows' exact ends: a claim one second (one hour)
 * ago no longer counts, one a millisecond less ago still does.
 */
describe('bulletin throttle: the rate per second and the hourly cap, as sliding windows', () => {
  const N = 12;
  const T = new Date('2026-04-01T15:00:00Z');
  const at = (ms: number) => new Date(T.getTime() + ms);
  let smtp: TestSmtp;
  let t: TestApp;
  let org: Staff;
  let bulletinId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      QUIET_HOURS: 'off',
      MAIL_MAX_PER_ADDRESS_PER_HOUR: '0',
      BULLETIN_RATE_PER_SECOND: '2',
      BULLETIN_MAX_PER_HOUR: '5',
    });
    t.clock.set(T);
    org = await createStaff(t, await adminToken(t), 'organizer');
    await t.db.query(
      `INSERT INTO supporters (organization_id, email, first_name, locale, email_consent, email_consent_at)
       SELECT $1, 'throttle' || i || '@example.org', 'P' || i, 'en', true, $3
         FROM generate_series(1, $2::int) AS i`,
      [org.organizationId, N, T],
    );
    const as = (url: string) => t.http.post(url).auth(org.token, { type: 'bearer' });
    const audience = await as(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Everyone', filter: {} })
      .expect(201);
    const bulletin = await as(`/api/organizations/${org.organizationId}/bulletins`)
      .send({
        subject: { en: 'News' },
        body: { en: 'Hi {{supporter.firstName}}' },
        audienceId: audience.body.id,
      })
      .expect(201);
    bulletinId = bulletin.body.id;
    expect((await as(`/api/bulletins/${bulletinId}/send`).expect(200)).body.audienceCount).toBe(N);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** One sender tick at `when`: how many rows it claimed (and sent). */
  async function claimedAt(when: Date): Promise<number> {
    t.clock.set(when);
    const r = await t.app.get(BulletinSender).tick();
    expect(r.sent).toBe(r.claimed);
    return r.claimed;
  }

  it('takes the rate per second, and again only once a full second has passed', async () => {
    expect(await claimedAt(T)).toBe(2);
    expect(await claimedAt(T)).toBe(0);
    expect(await claimedAt(at(SECOND - 1))).toBe(0);
    expect(await claimedAt(at(SECOND))).toBe(2);
  });

  it('stops at the hourly cap, and shows the time left at that pace', async () => {
    expect(await claimedAt(at(2 * SECOND))).toBe(1); // 5 in the hour
    expect(await claimedAt(at(3 * SECOND))).toBe(0);
    expect(await claimedAt(at(HOUR - 1))).toBe(0);
    const b = await t.http
      .get(`/api/bulletins/${bulletinId}`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    // 7 left at 5 an hour (slower than 2 a second): 7 / 5 hours.
    expect(b.body.stats).toMatchObject({ sent: 5, remaining: 7, etaSeconds: 5040 });
  });

  it('frees, claim by claim, what was claimed exactly an hour ago', async () => {
    // The 2 claimed at T leave the hour; the 3 claimed at T+1s and T+2s still count.
    expect(await claimedAt(at(HOUR))).toBe(2);
    // The 2 of T+1s leave; in the hour: 1 of T+2s and 2 of T+1h.
    expect(await claimedAt(at(HOUR + SECOND))).toBe(2);
    // The 1 of T+2s leaves; in the hour: 2 and 2.
    expect(await claimedAt(at(HOUR + 2 * SECOND))).toBe(1);
    expect(await claimedAt(at(HOUR + 3 * SECOND))).toBe(0);
    const bulletinMails = smtp.messages.filter((m) => m.headers['list-unsubscribe-post'] !== undefined);
    expect(bulletinMails).toHaveLength(10);
  });
});
