import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { untilZero } from './support/polling.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { PrivacyService } from '../src/supporters/privacy.service.js';

describe('privacy rights', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let slug: string;
  let admin: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://puente.example.org' });
    admin = await adminToken(t);
    const org = await createStaff(t, admin, 'organizer');
    ({ slug } = await activeCampaign(t, org.token));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const pledge = (body: object) => t.http.post(`/api/public/campaigns/${slug}/pledges`).send(body);
  /** The data-request mails (with their link); thank-you mails after pledging arrive too. */
  const dataMails = () => smtp.messages.filter((m) => m.text.includes('/my-data/'));
  const waitForDataMails = async (n: number) => {
    await untilZero(async () => Math.max(0, n - dataMails().length));
    return dataMails();
  };
  const supporterId = async (email: string) =>
    (await t.db.query(`SELECT id FROM supporters WHERE email = $1`, [email])).rows[0]?.id as string;

  it('answers a data request the same for known and unknown emails, and mails a link only to the known one', async () => {
    await pledge({
      email: 'maria@example.org',
      firstName: 'María',
      lastName: 'Peña',
      locale: 'es',
      kind: 'support',
    }).expect(201);
    const known = await t.http
      .post('/api/public/supporters/data-requests')
      .send({ email: 'Maria@Example.org' })
      .expect(202);
    const unknown = await t.http
      .post('/api/public/supporters/data-requests')
      .send({ email: 'nobody@example.org' })
      .expect(202);
    expect(known.body).toEqual(unknown.body);
    const [mail] = await waitForDataMails(1);
    expect(mail.envelope.to).toEqual(['maria@example.org']);
    expect(mail.text).toMatch(/https:\/\/puente\.example\.org\/my-data\/\S+/);
    // Queued like every mail, without the link (signed at send time); a repeat within minutes is one mail.
    // The mail has arrived; its row is marked sent with its group, a moment later.
    await untilZero(async () => {
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM reminders WHERE kind = 'data-request' AND status = 'sending'`,
      );
      return (rows[0] as { n: number }).n;
    });
    const { rows } = await t.db.query(
      `SELECT r.status, r.transactional, r.data::text FROM reminders r JOIN supporters s ON s.id = r.supporter_id
        WHERE r.kind = 'data-request' AND s.email = 'maria@example.org'`,
    );
    expect(rows).toEqual([
      { status: 'sent', transactional: true, data: expect.not.stringContaining('my-data') },
    ]);
    await t.http
      .post('/api/public/supporters/data-requests')
      .send({ email: 'maria@example.org' })
      .expect(202);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.envelope.to.includes('nobody@example.org'))).toHaveLength(0);
    expect(dataMails().filter((m) => m.envelope.to.includes('maria@example.org'))).toHaveLength(1);
  });

  it('lets the supporter download their data through the link, which expires', async () => {
    const link = /\/my-data\/(\S+)/.exec(dataMails()[0].text)![1];
    const res = await t.http.get(`/api/public/supporters/data/${link}`).expect(200);
    // One entry per organization that holds the email; here one.
    expect(res.body.organizations).toHaveLength(1);
    const [held] = res.body.organizations;
    expect(held.supporter).toMatchObject({ email: 'maria@example.org', lastName: 'Peña' });
    expect(Object.values(held.activity)[0]).toMatchObject({
      pledges: [expect.objectContaining({ kind: 'support' })],
    });
    await t.http.get(`/api/public/supporters/data/${link}x`).expect(410);
    t.clock.advance(25 * 3600_000);
    await t.http.get(`/api/public/supporters/data/${link}`).expect(410);
    t.clock.reset();
  });

  it('unsubscribes only on the POST confirmation, not by fetching the link', async () => {
    await pledge({ email: 'juan@example.org', firstName: 'Juan', consentEmail: true, kind: 'share' }).expect(
      201,
    );
    const url = t.app.get(PrivacyService).unsubscribeUrl(await supporterId('juan@example.org'));
    const token = url.split('/unsubscribe/')[1];
    const seen = await t.http.get(`/api/public/unsubscribe/${token}`).expect(200);
    expect(seen.body).toEqual({ subscribed: true });
    await t.http.post(`/api/public/unsubscribe/${token}`).expect(200);
    expect((await t.http.get(`/api/public/unsubscribe/${token}`)).body).toEqual({ subscribed: false });
    // A later form that leaves the box empty does not re-subscribe; ticking it again does.
    await pledge({ email: 'juan@example.org', firstName: 'Juan', kind: 'volunteer' }).expect(201);
    expect((await t.http.get(`/api/public/unsubscribe/${token}`)).body).toEqual({ subscribed: false });
    await t.http.post(`/api/public/unsubscribe/forged.token`).expect(410);
  });

  it('erases personal fields but keeps the campaign totals, logs it, and lets the email sign up again', async () => {
    const before = (await t.http.get(`/api/public/campaigns/${slug}`)).body.totals.pledges;
    const id = await supporterId('maria@example.org');
    // A refused send whose provider error quotes the address, as SMTP servers do.
    await t.db.query(
      `INSERT INTO messages (recipient_email, supporter_id, template, locale, subject, status, error)
       VALUES ('maria@example.org', $1, 'data-request', 'es', 'Tus datos', 'failed', '550 <maria@example.org> rejected')`,
      [id],
    );
    await t.http.post(`/api/supporters/${id}/erase`).auth(admin, { type: 'bearer' }).expect(200);
    const mail = await t.db.query(`SELECT recipient_email, error FROM messages WHERE supporter_id = $1`, [
      id,
    ]);
    expect(JSON.stringify(mail.rows)).not.toContain('maria@example.org');
    // The queue keeps no data it rendered mail from (names, links' subjects) for an erased supporter.
    const queued = await t.db.query(`SELECT data FROM reminders WHERE supporter_id = $1`, [id]);
    expect(queued.rows.length).toBeGreaterThan(0);
    expect(queued.rows.every((r) => JSON.stringify(r.data) === '{}')).toBe(true);
    const { rows } = await t.db.query(
      `SELECT email, first_name, last_name, city, postal_code, erased_at FROM supporters WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toMatchObject({
      email: null,
      first_name: null,
      last_name: null,
      city: null,
      postal_code: null,
    });
    expect(rows[0].erased_at).toBeInstanceOf(Date);
    const after = (await t.http.get(`/api/public/campaigns/${slug}`)).body.totals.pledges;
    expect(after).toEqual(before);
    const log = await t.http
      .get('/api/audit-log?action=supporter.erased')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    expect(log.body.items[0]).toMatchObject({ subjectId: id });
    expect(JSON.stringify(log.body)).not.toContain('maria@example.org');

    await pledge({ email: 'maria@example.org', firstName: 'María', kind: 'support' }).expect(201);
    expect(await supporterId('maria@example.org')).not.toBe(id);
  });

  it('erases by the supporter’s own link', async () => {
    await t.http.post('/api/public/supporters/data-requests').send({ email: 'juan@example.org' }).expect(202);
    const mail = (await waitForDataMails(2)).find((m) => m.envelope.to.includes('juan@example.org'))!;
    const link = /\/my-data\/(\S+)/.exec(mail.text)![1];
    await t.http.post(`/api/public/supporters/data/${link}/erase`).expect(200);
    expect(await supporterId('juan@example.org')).toBeUndefined();
    await t.http.get(`/api/public/supporters/data/${link}`).expect(410);
  });

  it('only admins erase through the staff API', async () => {
    const org = await createStaff(t, admin, 'organizer');
    await t.http
      .post(`/api/supporters/00000000-0000-4000-8000-000000000000/erase`)
      .auth(org.token, { type: 'bearer' })
      .expect(403);
  });
});
