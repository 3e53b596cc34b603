import { BulletinSender, type SendTickResult } from '../src/bulletins/bulletin-sender.js';
import { BulletinsService } from '../src/bulletins/bulletins.service.js';
import { SignedTokens } from '../src/common/signed-token.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const BASE = 'https://puente.example.org';
const SENDER = 'Comité de Solidaridad México–EE. UU.';

/** Issue 22: audiences, bulletins sent exactly once in each recipient's language, the archive. */
describe('bulletins', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let admin: string;
  let org: Staff;
  let other: Staff;
  let orgSlug: string;
  let campaign: { id: string; slug: string };
  let letter: { id: string; slug: string };
  let eventSlug: string;
  let eventId: string;
  let audienceId: string;

  const as = (token: string) => ({
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
  });

  const sign = (who: Record<string, unknown>) =>
    t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/${letter.slug}/signatures`)
      .send({ consentEmail: true, country: 'MX', ...who })
      .expect(201);
  const rsvp = (who: Record<string, unknown>) =>
    t.http
      .post(`/api/public/campaigns/${campaign.slug}/events/${eventSlug}/rsvps`)
      .send({ consentEmail: true, ...who })
      .expect((r) => expect(r.status).toBeLessThan(300));
  const pledge = (who: Record<string, unknown>) =>
    t.http
      .post(`/api/public/campaigns/${campaign.slug}/pledges`)
      .send({ consentEmail: true, kind: 'support', ...who })
      .expect((r) => expect(r.status).toBeLessThan(300));

  const sender = () => t.app.get(BulletinSender);
  /** Ticks until nothing is claimed any more (the clock moves a second each time: the rate window). */
  async function drain(): Promise<SendTickResult[]> {
    const out: SendTickResult[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await sender().tick();
      out.push(r);
      if (r.claimed === 0 && r.started === 0) break;
      t.clock.advance(1100);
    }
    return out;
  }

  async function newBulletin(body: Record<string, unknown>): Promise<string> {
    const res = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/bulletins`)
      .send({
        subject: { en: 'News from Silao', es: 'Noticias de Silao, {{supporter.firstName}}' },
        body: {
          en: 'Hi {{supporter.firstName | friend}},\n\n**The vote is on.**',
          es: 'Hola, {{supporter.firstName | compa}}:\n\n**Ya viene la votación.** <script>alert(1)</script>',
        },
        audienceId,
        ...body,
      })
      .expect(201);
    return res.body.id as string;
  }

  /** Bulletin mails only (they carry List-Unsubscribe-Post); supporters' thank-you mails arrive too. */
  const bulletinMails = (from = 0) =>
    smtp.messages.slice(from).filter((m) => m.headers['list-unsubscribe-post'] !== undefined);
  const mailsTo = (email: string, from = 0) =>
    bulletinMails(from).filter((m) => m.envelope.to.includes(email));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      QUIET_HOURS: 'off',
      PUBLIC_BASE_URL: BASE,
      BULLETIN_RATE_PER_SECOND: '1000',
      MAIL_MAX_PER_ADDRESS_PER_HOUR: '0',
    });
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    other = await createStaff(t, admin, 'organizer');
    await t.http
      .patch(`/api/organizations/${org.organizationId}`)
      .auth(admin, { type: 'bearer' })
      .send({ senderName: SENDER, replyTo: 'comite@example.org' })
      .expect(200);
    orgSlug = (await as(org.token).get(`/api/organizations/${org.organizationId}`).expect(200)).body.slug;
    campaign = await activeCampaign(t, org.token);
    const lib = await as(org.token).get('/api/targets?country=MX').expect(200);
    const created = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        title: { es: 'Respeten el voto' },
        subject: { es: 'Hagan cumplir el capítulo laboral' },
        body: { es: 'Estimada {{target.name}}:\n\nApoyamos a las y los trabajadores.' },
        targetIds: [lib.body.items[0].id],
        allowPersonalNote: false,
      })
      .expect(201);
    letter = { id: created.body.id, slug: created.body.slug };
    await as(org.token).patch(`/api/letter-actions/${letter.id}`).send({ status: 'open' }).expect(200);
    const ev = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        title: { es: 'Piquete' },
        kind: 'picket',
        city: 'Silao',
        startsAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
        timezone: 'America/Mexico_City',
      })
      .expect(201);
    eventSlug = ev.body.slug;
    eventId = ev.body.id;

    const gto = { locale: 'es', region: 'Guanajuato' };
    await sign({ email: 'ana@example.org', firstName: 'Ana', ...gto }); // in
    await sign({ email: 'gabi@example.org', firstName: 'Gabi', locale: 'es', region: ' guanajuato ' }); // in
    await sign({ email: 'bea@example.org', firstName: 'Bea', ...gto });
    await rsvp({ email: 'bea@example.org', firstName: 'Bea' }); // RSVPed: out
    await sign({ email: 'carla@example.org', firstName: 'Carla', locale: 'en', region: 'Guanajuato' }); // English
    await sign({ email: 'dora@example.org', firstName: 'Dora', locale: 'es', region: 'Jalisco' }); // Jalisco
    await pledge({ email: 'eva@example.org', firstName: 'Eva', ...gto }); // did not sign
    await sign({ email: 'fer@example.org', firstName: 'Fer', ...gto, consentEmail: false }); // no consent
    await sign({ email: 'hilda@example.org', firstName: 'Hilda', ...gto });
    await t.db.query(
      `UPDATE supporters SET unsubscribed_at = now(), email_consent = false WHERE email = 'hilda@example.org'`,
    );

    // The same kind of person in another organization never counts here.
    const otherCampaign = await activeCampaign(t, other.token);
    await t.http
      .post(`/api/public/campaigns/${otherCampaign.slug}/pledges`)
      .send({ email: 'ana@example.org', firstName: 'Ana', consentEmail: true, kind: 'support', ...gto })
      .expect((r) => expect(r.status).toBeLessThan(300));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('counts exactly the Spanish speakers in Guanajuato who signed letter X but did not RSVP', async () => {
    const filter = {
      locale: 'es',
      region: 'Guanajuato',
      did: [{ action: 'signed', id: letter.id }],
      didNot: [{ action: 'rsvped', id: eventId }],
    };
    const res = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Guanajuato, firmaron, sin RSVP', filter })
      .expect(201);
    audienceId = res.body.id;
    expect(res.body.filter).toEqual(filter);
    expect((await as(org.token).get(`/api/audiences/${audienceId}/count`).expect(200)).body).toEqual({
      count: 2,
    });
    // Without the didNot part, Bea counts too; without consent rules, nobody else ever would.
    const wider = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences/count`)
      .send({ locale: 'es', region: 'Guanajuato', did: [{ action: 'signed' }] })
      .expect(200);
    expect(wider.body).toEqual({ count: 3 });
    // Another organization's staff: 404, and its own count never includes these supporters.
    await as(other.token).get(`/api/audiences/${audienceId}/count`).expect(404);
    await as(other.token).get(`/api/audiences/${audienceId}`).expect(404);
  });

  it('refuses a bad filter, a taken name and an unknown merge field with a clear 4xx', async () => {
    const bad = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'x', filter: { did: [{ action: 'danced' }], locale: 'fr' } })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(
      expect.arrayContaining(['filter.locale']),
    );
    await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'guanajuato, FIRMARON, sin rsvp', filter: {} })
      .expect(409);
    const merge = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/bulletins`)
      .send({ subject: { en: 'Hi' }, body: { en: 'Hi {{supporter.email}}' } })
      .expect(400);
    expect(merge.body.details[0]).toMatchObject({ field: 'body.en', code: 'unknown_merge_field' });
  });

  let firstBulletin: string;
  let anaMail: ReceivedMail;

  it('reaches each recipient once, in Spanish, from the sender name, with the one-click header', async () => {
    firstBulletin = await newBulletin({});
    const from = smtp.messages.length;
    const sent = await as(org.token).post(`/api/bulletins/${firstBulletin}/send`).expect(200);
    expect(sent.body).toMatchObject({ status: 'sending', audienceCount: 2 });
    await drain();
    // Ticking again sends nothing more.
    expect(await sender().tick()).toMatchObject({ claimed: 0 });
    const got = bulletinMails(from);
    expect(got.map((m) => m.envelope.to[0]).sort()).toEqual(['ana@example.org', 'gabi@example.org']);
    anaMail = mailsTo('ana@example.org', from)[0];
    expect(anaMail.subject).toBe('Noticias de Silao, Ana');
    expect(anaMail.headers.from).toContain(SENDER);
    expect(anaMail.headers['reply-to']).toContain('comite@example.org');
    expect(anaMail.headers['list-unsubscribe']).toMatch(new RegExp(`^<${BASE}/unsubscribe/[^>]+>$`));
    expect(anaMail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(anaMail.html).toContain('<strong>Ya viene la votación.</strong>');
    expect(anaMail.html).toContain('Hola, Ana:');
    expect(anaMail.html).not.toContain('<script>');
    expect(anaMail.text).toContain('Cancelar suscripción: https://');
    expect(anaMail.text).toContain(`${BASE}/o/${orgSlug}/bulletins/${firstBulletin}?lang=es`);

    const b = (await as(org.token).get(`/api/bulletins/${firstBulletin}`).expect(200)).body;
    expect(b).toMatchObject({ status: 'sent', audienceCount: 2 });
    expect(b.stats).toMatchObject({
      audience: 2,
      sent: 2,
      failed: 0,
      bounced: 0,
      remaining: 0,
      unsubscribed: 0,
    });
    // Another organization's staff see nothing of it.
    await as(other.token).get(`/api/bulletins/${firstBulletin}`).expect(404);
    await as(other.token).post(`/api/bulletins/${firstBulletin}/pause`).expect(404);
  });

  it('a one-click POST unsubscribes her, the stats say so, and the next bulletin skips her', async () => {
    const url = new URL(/^<([^>]+)>$/.exec(anaMail.headers['list-unsubscribe'])![1]);
    await t.http.post(url.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const stats = (await as(org.token).get(`/api/bulletins/${firstBulletin}`).expect(200)).body.stats;
    expect(stats.unsubscribed).toBe(1);
    expect((await as(org.token).get(`/api/audiences/${audienceId}/count`).expect(200)).body.count).toBe(1);

    const next = await newBulletin({});
    const from = smtp.messages.length;
    const res = await as(org.token).post(`/api/bulletins/${next}/send`).expect(200);
    expect(res.body.audienceCount).toBe(1);
    await drain();
    expect(bulletinMails(from).map((m) => m.envelope.to[0])).toEqual(['gabi@example.org']);
  });

  it('pause stops sending within a tick, resume continues without repeats', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `lote${i}@example.org`);
    for (const email of emails) await pledge({ email, firstName: 'Lote', city: 'León' });
    const a = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'León', filter: { city: 'león' } })
      .expect(201);
    const id = await newBulletin({ audienceId: a.body.id });
    const from = smtp.messages.length;
    t.config.bulletinRatePerSecond = 5;
    try {
      expect((await as(org.token).post(`/api/bulletins/${id}/send`).expect(200)).body.audienceCount).toBe(12);
      t.clock.advance(1100);
      expect(await sender().tick()).toMatchObject({ claimed: 5, sent: 5 });
      await as(org.token).post(`/api/bulletins/${id}/pause`).expect(200);
      t.clock.advance(1100);
      expect(await sender().tick()).toMatchObject({ claimed: 0 });
      const paused = (await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body;
      expect(paused).toMatchObject({ status: 'paused', stats: { sent: 5, remaining: 7 } });
      await as(org.token).post(`/api/bulletins/${id}/resume`).expect(200);
      await drain();
    } finally {
      t.config.bulletinRatePerSecond = 1000;
    }
    const got = bulletinMails(from).map((m) => m.envelope.to[0]);
    expect(got.sort()).toEqual([...emails].sort());
    expect((await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body.status).toBe('sent');
  });

  it('a snapshot bigger than a batch: delivery rows as needed, a deleted supporter left out, a cancel drops the rest', async () => {
    const N = 1_100; // three batches of the snapshot: 400, 400 and 300
    await t.db.query(
      `INSERT INTO supporters (organization_id, email, first_name, locale, timezone, city, email_consent,
                               email_consent_at, email_consent_source)
       SELECT $1, 'lote-grande-' || i || '@example.org', 'Ana', 'es', 'America/Mexico_City', 'Lote grande',
              true, now(), 'test'
         FROM generate_series(1, $2::int) i`,
      [org.organizationId, N],
    );
    const a = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Lote grande', filter: { city: 'Lote grande' } })
      .expect(201);
    const count = async (sql: string, id: string) => (await t.db.query<{ n: number }>(sql, [id])).rows[0].n;
    const batches = (id: string) =>
      count(`SELECT count(*)::int AS n FROM bulletin_batches WHERE bulletin_id = $1`, id);
    const deliveries = (id: string) =>
      count(`SELECT count(*)::int AS n FROM bulletin_deliveries WHERE bulletin_id = $1`, id);

    const id = await newBulletin({ audienceId: a.body.id });
    const from = smtp.messages.length;
    expect((await as(org.token).post(`/api/bulletins/${id}/send`).expect(200)).body.audienceCount).toBe(N);
    // The snapshot is three rows, not 1,100.
    expect([await batches(id), await deliveries(id)]).toEqual([3, 0]);
    t.clock.advance(1100);
    // One claim (400) takes one batch: its 400 recipients become delivery rows written already
    // claimed (none left `pending`), the rest wait in their batches.
    expect(await sender().tick()).toMatchObject({ claimed: 400, sent: 400 });
    expect([await batches(id), await deliveries(id)]).toEqual([2, 400]);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM bulletin_deliveries WHERE bulletin_id = $1 AND status = 'sent' AND attempts = 1`,
        id,
      ),
    ).toBe(400);
    // Each mail is in the mail log once, with its outcome (no `queued` row first).
    expect(
      await count(
        `SELECT count(*)::int AS n FROM messages WHERE related_id = $1 AND status = 'sent' AND template = 'bulletin'`,
        id,
      ),
    ).toBe(400);
    let b = (await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body;
    expect(b).toMatchObject({ status: 'sending', stats: { audience: N, sent: 400, remaining: N - 400 } });

    // A supporter deleted while still waiting in a batch is left out; everyone else gets it once.
    const { rows } = await t.db.query<{ id: string; email: string }>(
      `SELECT s.id, s.email FROM bulletin_batches x CROSS JOIN LATERAL unnest(x.supporter_ids) u(id)
         JOIN supporters s ON s.id = u.id WHERE x.bulletin_id = $1 LIMIT 1`,
      [id],
    );
    // Another one still waiting in a batch finds it in her data download.
    const { rows: waiting } = await t.db.query<{ id: string }>(
      `SELECT u.id FROM bulletin_batches x CROSS JOIN LATERAL unnest(x.supporter_ids) u(id)
        WHERE x.bulletin_id = $1 AND u.id <> $2 LIMIT 1`,
      [id, rows[0].id],
    );
    const dataLink = t.app
      .get(SignedTokens)
      .sign('data', waiting[0].id, new Date(t.clock.now().getTime() + 3600_000));
    const download = (await t.http.get(`/api/public/supporters/data/${dataLink}`).expect(200)).body;
    expect(download.organizations[0].bulletinsWaiting).toEqual([
      expect.objectContaining({
        bulletinId: id,
        subject: expect.objectContaining({ es: expect.any(String) }),
      }),
    ]);
    await t.db.query(`DELETE FROM supporters WHERE id = $1`, [rows[0].id]);
    await drain();
    b = (await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body;
    expect(b).toMatchObject({ status: 'sent', stats: { sent: N - 1, remaining: 0 } });
    expect([await batches(id), await deliveries(id)]).toEqual([0, N - 1]);
    const got = bulletinMails(from).map((m) => m.envelope.to[0]);
    expect(new Set(got).size).toBe(got.length);
    expect(got.length).toBe(N - 1);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE related_id = $1`, id)).toBe(N - 1);
    expect(got).not.toContain(rows[0].email);

    // Cancelled with batches still waiting: they go, and nothing more is sent.
    const second = await newBulletin({ audienceId: a.body.id });
    await as(org.token).post(`/api/bulletins/${second}/send`).expect(200);
    t.clock.advance(1100);
    expect(await sender().tick()).toMatchObject({ claimed: 400 });
    await as(org.token).post(`/api/bulletins/${second}/cancel`).expect(200);
    expect(await batches(second)).toBe(0);
    t.clock.advance(1100);
    expect(await sender().tick()).toMatchObject({ claimed: 0 });
    b = (await as(org.token).get(`/api/bulletins/${second}`).expect(200)).body;
    expect(b).toMatchObject({ status: 'cancelled', stats: { audience: N - 1, sent: 400, remaining: 0 } });
  });

  it('a permanent rejection marks the address bounced and keeps it out of later audiences', async () => {
    await pledge({ email: 'rebota@example.org', firstName: 'Rebeca', city: 'Irapuato' });
    await pledge({ email: 'llega@example.org', firstName: 'Luz', city: 'Irapuato' });
    const a = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Irapuato', filter: { city: 'Irapuato' } })
      .expect(201);
    smtp.rejectAddresses(['rebota@example.org']);
    try {
      const id = await newBulletin({ audienceId: a.body.id });
      await as(org.token).post(`/api/bulletins/${id}/send`).expect(200);
      const ticks = await drain();
      expect(ticks.reduce((n, r) => n + r.bounced, 0)).toBe(1);
      const b = (await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body;
      expect(b.stats).toMatchObject({ sent: 1, bounced: 1, failed: 0 });
      // The mail log has both, each with its outcome and the provider's refusal for the bounce.
      const log = await t.db.query(
        `SELECT recipient_email, status, error FROM messages WHERE related_id = $1 ORDER BY recipient_email`,
        [id],
      );
      expect(log.rows.map((r) => [r.recipient_email, r.status, /550/.test(r.error ?? '')])).toEqual([
        ['llega@example.org', 'sent', false],
        ['rebota@example.org', 'failed', true],
      ]);
    } finally {
      smtp.rejectAddresses([]);
    }
    const { rows } = await t.db.query(`SELECT bounced_at FROM supporters WHERE email = 'rebota@example.org'`);
    expect(rows[0].bounced_at).toBeInstanceOf(Date);
    expect((await as(org.token).get(`/api/audiences/${a.body.id}/count`).expect(200)).body.count).toBe(1);
  });

  it('a scheduled bulletin goes at its time, not before', async () => {
    const at = new Date(t.clock.now().getTime() + 3600_000);
    const id = await newBulletin({ scheduledAt: at.toISOString() });
    const res = await as(org.token).post(`/api/bulletins/${id}/send`).expect(200);
    expect(res.body).toMatchObject({ status: 'scheduled', audienceCount: null });
    t.clock.advance(3500_000);
    expect(await sender().tick()).toMatchObject({ started: 0, claimed: 0 });
    t.clock.advance(200_000);
    const from = smtp.messages.length;
    const [first] = await drain();
    expect(first).toMatchObject({ started: 1, claimed: 1, sent: 1 });
    expect(bulletinMails(from).map((m) => m.envelope.to[0])).toEqual(['gabi@example.org']);
  });

  it('"at 09:00 in each recipient’s zone": each delivery is due at her own 09:00 (no known zone: the organization’s; passed: now)', async () => {
    await pledge({
      email: 'cdmx@example.org',
      firstName: 'Mar',
      city: 'Celaya',
      timezone: 'America/Mexico_City',
    });
    await pledge({ email: 'nyc@example.org', firstName: 'Jo', city: 'Celaya', timezone: 'America/New_York' });
    // Where 09:00 came before sending started (UTC+14, the earliest zone, one second earlier): now.
    await pledge({
      email: 'kiri@example.org',
      firstName: 'Tia',
      city: 'Celaya',
      timezone: 'Pacific/Kiritimati',
    });
    // No zone, or one PostgreSQL does not know: the organization's (America/Mexico_City).
    await pledge({ email: 'nozone@example.org', firstName: 'Noa', city: 'Celaya' });
    await pledge({ email: 'lost@example.org', firstName: 'Lu', city: 'Celaya', timezone: 'America/Chicago' });
    await t.db.query(`UPDATE supporters SET timezone = 'Mars/Olympus_Mons' WHERE email = 'lost@example.org'`);
    const a = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Celaya', filter: { city: 'Celaya' } })
      .expect(201);
    const id = await newBulletin({
      audienceId: a.body.id,
      scheduledAt: '2030-03-04T18:00:00Z',
      localTime: '09:00',
    });
    const b = (await as(org.token).get(`/api/bulletins/${id}`).expect(200)).body;
    expect(b).toMatchObject({ localDate: '2030-03-04', localTime: '09:00' });
    // The snapshot is taken when 09:00 arrives in the earliest zone (UTC+14).
    expect(new Date(b.scheduledAt).toISOString()).toBe('2030-03-03T19:00:00.000Z');
    // Sending starts when 09:00 arrives in the earliest zone (what the sender's tick does then).
    expect(await t.app.get(BulletinsService).start(id, new Date('2030-03-03T19:00:01Z'))).toBe(5);
    const { rows } = await t.db.query(
      `SELECT s.email, d.due_at FROM bulletin_recipients d JOIN supporters s ON s.id = d.supporter_id
        WHERE d.bulletin_id = $1 ORDER BY s.email`,
      [id],
    );
    expect(rows.map((r) => [r.email, (r.due_at as Date).toISOString()])).toEqual([
      ['cdmx@example.org', '2030-03-04T15:00:00.000Z'],
      ['kiri@example.org', '2030-03-03T19:00:01.000Z'],
      ['lost@example.org', '2030-03-04T15:00:00.000Z'],
      ['nozone@example.org', '2030-03-04T15:00:00.000Z'],
      ['nyc@example.org', '2030-03-04T14:00:00.000Z'],
    ]);
    // Not due yet now: the tick leaves them.
    expect(await sender().tick()).toMatchObject({ claimed: 0 });
    await as(org.token).post(`/api/bulletins/${id}/cancel`).expect(200);
  });

  it('the archive shows sent bulletins in both languages without any recipient data', async () => {
    const list = await t.http.get(`/o/${orgSlug}/bulletins?lang=es`).expect(200);
    expect(list.text).toContain('Noticias de Silao');
    const page = await t.http.get(`/o/${orgSlug}/bulletins/${firstBulletin}?lang=es`).expect(200);
    expect(page.text).toContain('Ya viene la votación.');
    expect(page.text).toContain('Hola, compa:');
    const en = await t.http.get(`/o/${orgSlug}/bulletins/${firstBulletin}?lang=en`).expect(200);
    expect(en.text).toContain('The vote is on.');
    const feed = await t.http.get(`/o/${orgSlug}/bulletins.atom`).expect(200);
    expect(feed.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(feed.text).toContain(`<id>${BASE}/o/${orgSlug}/bulletins/${firstBulletin}</id>`);
    for (const text of [list.text, page.text, en.text, feed.text]) {
      for (const who of ['Ana', 'Gabi', 'ana@example.org', 'gabi@example.org', 'Rebeca'])
        expect(text).not.toContain(who);
      expect(text).not.toContain('<script>alert');
    }
    // A draft is not in the archive; an unknown organization or bulletin is a 404.
    const draft = await newBulletin({});
    await t.http.get(`/o/${orgSlug}/bulletins/${draft}`).expect(404);
    await t.http.get(`/o/no-such-org/bulletins`).expect(404);
  });

  it('sends a test to the organizer only, never to a supporter address', async () => {
    const id = await newBulletin({});
    const from = smtp.messages.length;
    const res = await as(org.token).post(`/api/bulletins/${id}/test`).send({}).expect(200);
    expect(res.body).toEqual({ sent: 2 });
    // Every test mail (by its subject), whoever it went to; thank-you mails of this file arrive too.
    const got = smtp.messages.slice(from).filter((m) => m.subject.startsWith('[TEST]'));
    expect(got.map((m) => m.envelope.to[0])).toEqual([org.email, org.email]);
    expect(got.map((m) => m.subject).sort()).toEqual([
      '[TEST] News from Silao',
      '[TEST] Noticias de Silao, compa',
    ]);
    await as(org.token)
      .post(`/api/bulletins/${id}/test`)
      .send({ to: ['gabi@example.org'] })
      .expect(400);
  });

  it('lists every bulletin route in the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    for (const path of [
      '/api/organizations/{orgId}/audiences',
      '/api/audiences/{id}/count',
      '/api/organizations/{orgId}/bulletins',
      '/api/bulletins/{id}',
      '/api/bulletins/{id}/send',
      '/api/bulletins/{id}/pause',
      '/api/bulletins/{id}/resume',
      '/api/bulletins/{id}/cancel',
      '/api/bulletins/{id}/test',
    ])
      expect(doc.paths).toHaveProperty([path]);
  });
});
