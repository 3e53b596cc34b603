import { randomUUID } from 'node:crypto';
import { RemindersService } from '../src/reminders/reminders.service.js';
import { consentingSupporter, sendCampaignMail } from './support/campaign-mail.js';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { untilZero } from './support/polling.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MIN = 60_000;

/** MAIL_MAX_PER_ADDRESS_PER_HOUR: the public forms are no way to flood someone's mailbox. */
describe('hourly mail cap per address', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let slug: string;
  let campaignId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, QUIET_HOURS: 'off', MAIL_MAX_PER_ADDRESS_PER_HOUR: '3' });
    const org = await createStaff(t, await adminToken(t), 'organizer');
    ({ id: campaignId, slug } = await activeCampaign(t, org.token));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** Asks for her data through the public form (a new mail each time: requests 11 minutes apart). */
  async function dataRequest(supporterId: string): Promise<{ status: string; last_error: string | null }> {
    t.clock.advance(11 * MIN);
    const before = await finished(supporterId);
    const email = (await t.db.query('SELECT email FROM supporters WHERE id = $1', [supporterId])).rows[0]
      .email;
    await t.http.post('/api/public/supporters/data-requests').send({ email }).expect(202);
    expect(await untilZero(async () => before + 1 - (await finished(supporterId)))).toBe(0);
    const { rows } = await t.db.query(
      `SELECT status, last_error FROM reminders WHERE supporter_id = $1 AND kind = 'data-request'
        ORDER BY created_at DESC LIMIT 1`,
      [supporterId],
    );
    return rows[0];
  }

  const finished = async (supporterId: string) =>
    (
      await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reminders
          WHERE supporter_id = $1 AND kind = 'data-request' AND status NOT IN ('pending', 'sending')`,
        [supporterId],
      )
    ).rows[0].n;

  const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelope.to.includes(email)).length;

  it('sends no more public-form mail to an address that got the cap within the hour', async () => {
    const ana = await consentingSupporter(t, slug, 'flooded@example.org');
    // The pledge's thank-you is the first mail a public form sent her this hour; two data requests follow.
    await smtp.waitForMail((m) => m.envelope.to.includes('flooded@example.org'));
    for (let i = 0; i < 2; i++) expect(await dataRequest(ana)).toMatchObject({ status: 'sent' });
    await untilZero(async () => 3 - mailsTo('flooded@example.org'));
    expect(mailsTo('flooded@example.org')).toBe(3);

    const fourth = await dataRequest(ana);
    expect(fourth.status).toBe('skipped');
    expect(fourth.last_error).toMatch(/MAIL_MAX_PER_ADDRESS_PER_HOUR/);
    expect(mailsTo('flooded@example.org')).toBe(3);

    // Another address is not affected.
    const other = await consentingSupporter(t, slug, 'other@example.org');
    expect(await dataRequest(other)).toMatchObject({ status: 'sent' });

    // Campaign mail she subscribed to is not held back by the cap.
    const from = smtp.messages.length;
    expect(await sendCampaignMail(t, campaignId, ana)).toMatchObject({ sent: 1 });
    await smtp.waitForMail((m) => m.envelope.to.includes('flooded@example.org'), from);

    // An hour after those mails, the form mails her again.
    t.clock.advance(61 * MIN);
    expect(await dataRequest(ana)).toMatchObject({ status: 'sent' });
  });

  it('holds back only mail a public form causes, not notices staff cause', () => {
    const reminders = t.app.get(RemindersService);
    const to = (kind: string, transactional = true, supporterId: string | null = randomUUID()) =>
      reminders.causedByPublicForm({ kind, transactional, supporterId });
    expect(to('rsvp-confirmation')).toBe(true);
    expect(to('data-request')).toBe(true);
    expect(to('event-cancelled')).toBe(false);
    expect(to('event-changed')).toBe(false);
    expect(to('waitlist-offer')).toBe(false);
    expect(to('event-reminder', false)).toBe(false);
    expect(to('letter-delivery', true, null)).toBe(false);
  });
});
