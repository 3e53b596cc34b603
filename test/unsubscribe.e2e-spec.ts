import { consentingSupporter, sendCampaignMail } from './support/campaign-mail.js';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const BASE = 'https://puente.example.org';

/** RFC 8058 one-click unsubscribe, end to end: the headers of a bulk mail, then the provider's POST. */
describe('one-click unsubscribe (RFC 8058)', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let campaignId: string;
  let slug: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, QUIET_HOURS: 'off', PUBLIC_BASE_URL: BASE });
    const org = await createStaff(t, await adminToken(t), 'organizer');
    ({ id: campaignId, slug } = await activeCampaign(t, org.token));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** A campaign (non-transactional) mail to the supporter, sent by the worker over SMTP. */
  async function bulkMailTo(email: string, supporterId: string): Promise<ReceivedMail> {
    const from = smtp.messages.length;
    await sendCampaignMail(t, campaignId, supporterId);
    // (Her pledge's thank-you, a transactional mail without these headers, may arrive in between.)
    return smtp.waitForMail(
      (m) => m.envelope.to.includes(email) && m.headers['list-unsubscribe-post'] !== undefined,
      from,
    );
  }

  const subscribed = async (supporterId: string) =>
    (await t.db.query('SELECT email_consent, unsubscribed_at FROM supporters WHERE id = $1', [supporterId]))
      .rows[0] as { email_consent: boolean; unsubscribed_at: Date | null };

  /** The path of the header's one URL: `<https://…/unsubscribe/token>`. */
  function unsubscribePath(mail: ReceivedMail): string {
    const m = /^<([^>]+)>$/.exec(mail.headers['list-unsubscribe'] ?? '');
    expect(m).not.toBeNull();
    const url = new URL(m![1]);
    expect(url.origin).toBe(BASE);
    return url.pathname;
  }

  it('every bulk mail carries List-Unsubscribe and List-Unsubscribe-Post', async () => {
    const id = await consentingSupporter(t, slug, 'header@example.org');
    const mail = await bulkMailTo('header@example.org', id);
    expect(mail.headers['list-unsubscribe']).toMatch(new RegExp(`^<${BASE}/unsubscribe/[^>]+>$`));
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('a provider’s one-click POST (urlencoded, no cookie, no CSRF token) unsubscribes', async () => {
    const id = await consentingSupporter(t, slug, 'oneclick@example.org');
    const path = unsubscribePath(await bulkMailTo('oneclick@example.org', id));
    expect(await subscribed(id)).toMatchObject({ email_consent: true, unsubscribed_at: null });

    const res = await t.http
      .post(path)
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await subscribed(id)).toMatchObject({ email_consent: false, unsubscribed_at: expect.any(Date) });
    // Repeating it (providers retry) changes nothing and still answers 200.
    await t.http.post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);

    // The next campaign mail is not sent. (Bulk mail to her, by its header: her pledge's thank-you,
    // a transactional mail, may still be arriving.)
    const bulkToHer = () =>
      smtp.messages.filter(
        (m) =>
          m.envelope.to.includes('oneclick@example.org') && m.headers['list-unsubscribe-post'] !== undefined,
      ).length;
    const before = bulkToHer();
    expect(await sendCampaignMail(t, campaignId, id)).toMatchObject({ sent: 0, skipped: 1 });
    expect(bulkToHer()).toBe(before);
  });

  it('takes the one-click POST as multipart/form-data too (what RFC 8058 recommends)', async () => {
    const id = await consentingSupporter(t, slug, 'multipart@example.org');
    const path = unsubscribePath(await bulkMailTo('multipart@example.org', id));
    await t.http.post(path).field('List-Unsubscribe', 'One-Click').expect(200);
    expect(await subscribed(id)).toMatchObject({ email_consent: false });
  });

  it('a forged token unsubscribes nobody', async () => {
    const res = await t.http
      .post('/unsubscribe/forged.token')
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('a transactional mail (the data-request link) has no unsubscribe headers', async () => {
    await consentingSupporter(t, slug, 'data@example.org');
    const from = smtp.messages.length;
    await t.http.post('/api/public/supporters/data-requests').send({ email: 'data@example.org' }).expect(202);
    const mail = await smtp.waitForMail(
      (m) => m.envelope.to.includes('data@example.org') && m.text.includes('/my-data/'),
      from,
    );
    expect(mail.headers['list-unsubscribe']).toBeUndefined();
    expect(mail.headers['list-unsubscribe-post']).toBeUndefined();
  });
});
