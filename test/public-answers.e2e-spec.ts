import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const lucia = {
  email: 'lucia@example.org',
  firstName: 'Lucía',
  lastName: 'Hernández',
  city: 'León',
  region: 'Guanajuato',
  country: 'MX',
  locale: 'es',
  consentEmail: true,
};

/**
 * Public forms reveal nothing and only the mailbox changes a record: a stranger who knows a worker's
 * email learns nothing from the answers and cannot rewrite or re-subscribe her.
 */
describe('public answers that reveal nothing', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let org: Staff;
  let campaign: { id: string; slug: string };
  let letterSlug: string;
  const EVENT = 'picket';

  beforeAll(async () => {
    smtp = await startSmtp();
    // (Lucía gets many mails here: each form under her email sends her one.)
    t = await createTestApp({ SMTP_URL: smtp.url, MAIL_MAX_PER_ADDRESS_PER_HOUR: '100' });
    org = await createStaff(t, await adminToken(t), 'organizer');
    campaign = await activeCampaign(t, org.token);
    const targets = await t.http.get('/api/targets').auth(org.token, { type: 'bearer' }).expect(200);
    const letter = await t.http
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { en: 'Letter' },
        subject: { en: 'Subject' },
        body: { en: 'Dear {{target.name}}' },
        targetIds: [targets.body.items[0].id],
      })
      .expect(201);
    letterSlug = letter.body.slug as string;
    await t.http
      .patch(`/api/letter-actions/${letter.body.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'open' })
      .expect(200);
    await t.http
      .post(`/api/campaigns/${campaign.id}/events`)
      .auth(org.token, { type: 'bearer' })
      .send({
        slug: EVENT,
        title: { en: 'Picket', es: 'Piquete' },
        kind: 'picket',
        city: 'Detroit',
        startsAt: '2030-03-14T16:00:00Z',
        timezone: 'America/Detroit',
        capacity: 50,
      })
      .expect(201);
    // Lucía is known: she pledged, signed publicly and RSVPed with her own details.
    await pledge({ ...lucia, kind: 'support' }).expect(201);
    await sign({ ...lucia, showPublicly: true }).expect(201);
    await rsvp({ ...lucia, guests: 1 }).expect(202);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const pledge = (body: object) => t.http.post(`/api/public/campaigns/${campaign.slug}/pledges`).send(body);
  const sign = (body: object) =>
    t.http.post(`/api/public/campaigns/${campaign.slug}/letters/${letterSlug}/signatures`).send(body);
  const rsvp = (body: object) =>
    t.http.post(`/api/public/campaigns/${campaign.slug}/events/${EVENT}/rsvps`).send(body);
  /** A page's text without what differs on every request anyway (its form token). */
  const comparable = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
  const stored = async () =>
    (
      await t.db.query(
        `SELECT first_name, last_name, city, locale, email_consent, unsubscribed_at FROM supporters WHERE email = $1`,
        [lucia.email],
      )
    ).rows[0] as Record<string, unknown>;

  it('answers a known and an unknown email with the same status and body', async () => {
    const known = await pledge({ ...lucia, kind: 'support' });
    const unknown = await pledge({ ...lucia, email: 'stranger@example.org', kind: 'support' });
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
    expect(known.body).toEqual({ status: 'received' });

    const before = (await sign({ email: 'another@example.org', firstName: 'X' })).body
      .signatureCount as number;
    const knownSign = await sign({ email: lucia.email, firstName: 'X' });
    const unknownSign = await sign({ email: 'yet-another@example.org', firstName: 'X' });
    expect(knownSign.status).toBe(unknownSign.status);
    expect(Object.keys(knownSign.body).sort()).toEqual(Object.keys(unknownSign.body).sort());
    expect(knownSign.body).toEqual({ status: 'received', signatureCount: before });
    expect(unknownSign.body).toEqual({ status: 'received', signatureCount: before + 1 });
  });

  it('answers the web pages the same for a known and an unknown email: pledge, sign and RSVP', async () => {
    const agent = (await import('supertest')).default.agent(t.app.getHttpServer());
    const forms = [
      { page: `/c/${campaign.slug}`, post: `/c/${campaign.slug}/pledges`, extra: { kind: 'support' } },
      {
        page: `/c/${campaign.slug}/letters/${letterSlug}`,
        post: `/c/${campaign.slug}/letters/${letterSlug}`,
      },
      { page: `/c/${campaign.slug}/events/${EVENT}`, post: `/c/${campaign.slug}/events/${EVENT}` },
    ];
    let n = 0;
    for (const form of forms) {
      const page = await agent.get(`${form.page}?lang=en`).expect(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const post = (email: string) =>
        agent
          .post(`${form.post}?lang=en`)
          .type('form')
          .send({ _csrf: token, email, firstName: 'X', ...form.extra });
      const known = await post(lucia.email);
      const unknown = await post(`page-stranger-${++n}@example.org`);
      expect(known.status).toBeLessThan(400);
      expect([form.post, known.status, known.headers.location]).toEqual([
        form.post,
        unknown.status,
        unknown.headers.location,
      ]);
      expect(comparable(known.text)).toBe(comparable(unknown.text));
    }
  });

  it('answers the embedded forms the same for a known and an unknown email', async () => {
    let n = 0;
    for (const path of [
      `/embed/c/${campaign.slug}/pledge`,
      `/embed/c/${campaign.slug}/letters/${letterSlug}`,
      `/embed/c/${campaign.slug}/events/${EVENT}`,
    ]) {
      const form = await t.http.get(`${path}?lang=es`).expect(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      const post = (email: string) =>
        t.http
          .post(`${path}?lang=es`)
          .type('form')
          .send({ _csrf: token, email, firstName: 'X', kind: 'support' });
      const known = await post(lucia.email);
      const unknown = await post(`embed-stranger-${++n}@example.org`);
      expect([path, known.status]).toEqual([path, 200]);
      expect(unknown.status).toBe(known.status);
      expect(comparable(known.text)).toBe(comparable(unknown.text));
      expect(known.text).not.toContain('León');
    }
  });

  it('answers a data request the same for a known and an unknown email, API and page', async () => {
    // (Not Lucía: requests within ten minutes share one mail, and a later test needs hers.)
    const rosa = 'rosa.data@example.org';
    await pledge({ email: rosa, firstName: 'Rosa', kind: 'support' }).expect(201);
    const api = await Promise.all(
      [rosa, 'data-stranger@example.org'].map((email) =>
        t.http.post('/api/public/supporters/data-requests').send({ email }),
      ),
    );
    expect(api[0].status).toBe(202);
    expect(api[0].body.status).toBe('received');
    expect([api[0].status, api[0].text]).toEqual([api[1].status, api[1].text]);
    const agent = (await import('supertest')).default.agent(t.app.getHttpServer());
    const page = await agent.get('/my-data?lang=en').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const post = (email: string) => agent.post('/my-data?lang=en').type('form').send({ _csrf: token, email });
    const known = await post(rosa);
    const unknown = await post('data-page-stranger@example.org');
    expect(known.status).toBeLessThan(400);
    expect([known.status, known.headers.location]).toEqual([unknown.status, unknown.headers.location]);
    expect(comparable(known.text)).toBe(comparable(unknown.text));
  });

  it('never rewrites a known supporter from a form; her mailbox gets a link that does', async () => {
    const from = smtp.messages.length;
    await pledge({
      email: lucia.email,
      firstName: 'Mallory',
      city: 'Nowhere',
      locale: 'en',
      kind: 'volunteer',
    }).expect(201);
    expect(await stored()).toMatchObject({ first_name: 'Lucía', city: 'León', locale: 'es' });
    // (Matched by its content: the mail of an earlier test's form may still be arriving.)
    const mail = await smtp.waitForMail(
      (m) => m.envelope.to[0] === lucia.email && /Nowhere/.test(m.text),
      from,
    );
    expect(mail.subject).toBe('Confirma el cambio de tus datos');
    expect(mail.text).toContain('Ciudad: Nowhere');
    const token = /\/my-details\/([A-Za-z0-9._-]+)/.exec(mail.text)![1];
    const pending = await t.http.get(`/api/public/supporters/updates/${token}`).expect(200);
    expect(pending.body.changes).toEqual({ firstName: 'Mallory', city: 'Nowhere', locale: 'en' });
    await t.http.post(`/api/public/supporters/updates/${token}/apply`).expect(200);
    expect(await stored()).toMatchObject({ first_name: 'Mallory', city: 'Nowhere', locale: 'en' });
    await t.http.post(`/api/public/supporters/updates/${token}/apply`).expect(410);
    // Put her back (through the same door; her mail now comes in English, the language she chose).
    await pledge({ ...lucia, kind: 'share' }).expect(201);
    const mail2 = await smtp.waitForMail(
      (m) => m.envelope.to[0] === lucia.email && /City: León/.test(m.text),
      from,
    );
    const token2 = /\/my-details\/([A-Za-z0-9._-]+)/.exec(mail2.text)![1];
    await t.http.post(`/api/public/supporters/updates/${token2}/apply`).expect(200);
    expect(await stored()).toMatchObject({ first_name: 'Lucía', city: 'León', locale: 'es' });
  });

  it('a repeated signature and RSVP under her email change nothing stored and make no second row', async () => {
    const rows = async () =>
      (
        await t.db.query(
          `SELECT (SELECT count(*)::int FROM signatures g WHERE g.supporter_id = s.id) AS signatures,
                  (SELECT count(*)::int FROM rsvps r WHERE r.supporter_id = s.id) AS rsvps,
                  (SELECT max(guests) FROM rsvps r WHERE r.supporter_id = s.id) AS guests
             FROM supporters s WHERE s.email = $1`,
          [lucia.email],
        )
      ).rows[0] as Record<string, unknown>;
    const before = await rows();
    expect(before).toEqual({ signatures: 1, rsvps: 1, guests: 1 });
    const from = smtp.messages.length;
    const forged = { email: lucia.email, firstName: 'Mallory', city: 'Nowhere', locale: 'en' };
    await sign(forged).expect(201);
    await rsvp({ ...forged, guests: 4 }).expect(202);
    expect(await stored()).toMatchObject({ first_name: 'Lucía', city: 'León', locale: 'es' });
    expect(await rows()).toEqual(before);
    // What each form asked waits for her mailbox, as with the pledge (one mail each).
    const nowhere = (m: { envelope: { to: string[] }; text: string }) =>
      m.envelope.to[0] === lucia.email && /Nowhere/.test(m.text);
    await smtp.waitForMail((m) => nowhere(m) && smtp.messages.slice(from).filter(nowhere).length >= 2, from);
    expect(await stored()).toMatchObject({ first_name: 'Lucía', city: 'León' });
  });

  it('keeps an unsubscribed supporter unsubscribed when someone ticks consent, until she confirms', async () => {
    await t.db.query(
      `UPDATE supporters SET email_consent = false, unsubscribed_at = now() WHERE email = $1`,
      [lucia.email],
    );
    const from = smtp.messages.length;
    await pledge({ email: lucia.email, firstName: 'Lucía', consentEmail: true, kind: 'attend' }).expect(201);
    expect(await stored()).toMatchObject({ email_consent: false });
    expect((await stored()).unsubscribed_at).not.toBeNull();
    const mail = await smtp.waitForMail(
      (m) =>
        m.envelope.to[0] === lucia.email &&
        /\/my-details\//.test(m.text) &&
        /Noticias de la campaña por correo/.test(m.text),
      from,
    );
    const token = /\/my-details\/([A-Za-z0-9._-]+)/.exec(mail.text)![1];
    // The page shows the change and applies it only on the button (a link scanner changes nothing).
    const agent = (await import('supertest')).default.agent(t.app.getHttpServer());
    const page = await agent.get(`/my-details/${token}?lang=es`).expect(200);
    expect(page.text).toContain('Noticias de la campaña por correo: sí');
    expect(await stored()).toMatchObject({ email_consent: false });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post(`/my-details/${token}`).type('form').send({ _csrf: csrf }).expect(200);
    expect(await stored()).toMatchObject({ email_consent: true, unsubscribed_at: null });
  });

  it('shows a public signer only as that signature was submitted, never the stored record', async () => {
    // A forged signature with her email, showPublicly and no city.
    const other = await t.http
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { en: 'Second' },
        subject: { en: 'S' },
        body: { en: 'B' },
        targetIds: [(await t.http.get('/api/targets').auth(org.token, { type: 'bearer' })).body.items[0].id],
      })
      .expect(201);
    await t.http
      .patch(`/api/letter-actions/${other.body.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'open' })
      .expect(200);
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/${other.body.slug}/signatures`)
      .send({ email: lucia.email, firstName: 'Lucía', showPublicly: true })
      .expect(201);
    const read = await t.http
      .get(`/api/public/campaigns/${campaign.slug}/letters/${other.body.slug}`)
      .expect(200);
    expect(read.body.recentSigners).toEqual([{ firstName: 'Lucía', city: null }]);
    expect(JSON.stringify(read.body)).not.toContain('León');
  });

  it('lets her unsubscribe from everything from the page behind her data link', async () => {
    expect(await stored()).toMatchObject({ email_consent: true });
    const from = smtp.messages.length;
    await t.http.post('/api/public/supporters/data-requests').send({ email: lucia.email }).expect(202);
    const mail = await smtp.waitForMail(
      (m) => m.envelope.to[0] === lucia.email && /\/my-data\//.test(m.text),
      from,
    );
    const token = /\/my-data\/([A-Za-z0-9._-]+)/.exec(mail.text)![1];
    const agent = (await import('supertest')).default.agent(t.app.getHttpServer());
    const page = await agent.get(`/my-data/${token}?lang=es`).expect(200);
    expect(page.text).toContain('Cancelar todas las suscripciones');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const done = await agent
      .post(`/my-data/${token}/unsubscribe-all`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(200);
    expect(done.text).toContain('ya no recibirás noticias');
    expect(await stored()).toMatchObject({ email_consent: false });
    expect((await stored()).unsubscribed_at).not.toBeNull();
  });
});
