import { DailyDigest } from '../src/reminders/daily-digest.js';
import { ReminderWorker } from '../src/reminders/reminder.worker.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { untilZero } from './support/polling.js';
import { rsvpOf } from './support/rsvps.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZONE = 'America/Mexico_City'; // UTC-6 all year
/** Saturday 2026-03-14, 12:00 in Mexico City. */
const NOON_MX = new Date('2026-03-14T18:00:00Z');

describe('reminders wired into events, letters, pledges and the digest', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let worker: ReminderWorker;
  let org: Staff;
  let campaignId: string;
  let slug: string;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_BASE_URL: 'https://puente.example.org',
      QUIET_HOURS: '21:00-08:00',
      PLEDGE_FOLLOWUP_DAYS: '3',
    });
    worker = t.app.get(ReminderWorker);
    org = await createStaff(t, await adminToken(t), 'organizer');
    ({ id: campaignId, slug } = await activeCampaign(t, org.token));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(async () => {
    // A thank-you still being sent by the last test's form would be taken again once a test moves
    // the clock past its lease: let it finish first.
    const sending = async () =>
      (
        await t.db.query(
          `SELECT count(*)::int AS n FROM reminders WHERE kind = 'action-thanks' AND status = 'sending'`,
        )
      ).rows[0].n as number;
    expect(await untilZero(sending)).toBe(0);
    t.clock.set(NOON_MX);
    smtp.messages.length = 0;
    // Digests scheduled by earlier ticks, and thank-yous left to a tick (their immediate send met a
    // claim in progress), would go out in the middle of other tests.
    await t.db.query(
      `UPDATE reminders SET status = 'cancelled' WHERE kind IN ('daily-digest', 'action-thanks') AND status = 'pending'`,
    );
  });

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
  });

  async function createEvent(startsAt: Date) {
    const res = await as(org.token)
      .post(`/api/campaigns/${campaignId}/events`)
      .send({
        title: { en: `March ${++n}`, es: `Marcha ${n}` },
        kind: 'rally',
        city: 'Silao',
        venue: 'Jardín Principal',
        startsAt: startsAt.toISOString(),
        timezone: ZONE,
        reminderOffsetsMinutes: [1440],
      })
      .expect(201);
    return res.body as { id: string; slug: string };
  }

  async function reminders(prefix: string) {
    const { rows } = await t.db.query<{ id: string; status: string; due_at: Date; dedupe_key: string }>(
      `SELECT id, status, due_at, dedupe_key FROM reminders WHERE dedupe_key LIKE $1 || '%' ORDER BY dedupe_key`,
      [prefix],
    );
    return rows;
  }

  it('sends the 24 h reminder of a Spanish RSVP once, in Spanish, in local time, with a working manage link', async () => {
    const startsAt = new Date('2026-03-16T18:00:00Z'); // Monday 12:00 in Mexico City
    const e = await createEvent(startsAt);
    await t.http
      .post(`/api/public/campaigns/${slug}/events/${e.slug}/rsvps`)
      .send({
        email: 'lucia@example.org',
        firstName: 'Lucía',
        locale: 'es',
        timezone: ZONE,
        consentEmail: true,
      })
      .expect(202);
    const rsvpId = (await rsvpOf(t, e, 'lucia@example.org')).id;
    const [pending] = await reminders(`event:${e.id}:rsvp:${rsvpId}:`);
    expect(pending).toMatchObject({ status: 'pending', dedupe_key: `event:${e.id}:rsvp:${rsvpId}:1440m` });
    expect(pending.due_at).toEqual(new Date(startsAt.getTime() - 24 * HOUR));

    // Moving the event moves the pending reminder.
    const later = new Date(startsAt.getTime() + 2 * HOUR);
    await as(org.token).patch(`/api/events/${e.id}`).send({ startsAt: later.toISOString() }).expect(200);
    const [moved] = await reminders(`event:${e.id}:rsvp:`);
    expect(moved).toMatchObject({ id: pending.id, status: 'pending' });
    expect(moved.due_at).toEqual(new Date(later.getTime() - 24 * HOUR));
    // …and the supporter is told right away (transactional notice, sent after the commit).
    const [changed] = await smtp.waitFor(1);
    expect(changed.subject).toMatch(/Marcha/);
    smtp.messages.length = 0;

    t.clock.set(new Date(moved.due_at.getTime() + MIN));
    expect(await worker.tick()).toMatchObject({ sent: 1 });
    expect(await worker.tick()).toMatchObject({ claimed: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(smtp.messages).toHaveLength(1);
    expect(mail.envelope.to).toEqual(['lucia@example.org']);
    expect(mail.subject).toContain('Marcha');
    expect(mail.text).toContain('lunes, 16 de marzo de 2026, 14:00 CST');
    const link = /https:\/\/puente\.example\.org\/rsvp\/(\S+)/.exec(mail.text)![1];
    const view = await t.http.get(`/api/public/rsvps/${link}`).expect(200);
    expect(view.body.rsvp).toMatchObject({ id: rsvpId, status: 'going' });
    await t.http.get(`/api/public/rsvps/${link}x`).expect(404);
  });

  it('cancelling the RSVP cancels its reminders; cancelling the event cancels the rest', async () => {
    const e = await createEvent(new Date('2026-03-20T18:00:00Z'));
    await t.http
      .post(`/api/public/campaigns/${slug}/events/${e.slug}/rsvps`)
      .send({ email: `a${n}@example.org`, firstName: 'Ana', locale: 'es' })
      .expect(202);
    await t.http
      .post(`/api/public/campaigns/${slug}/events/${e.slug}/rsvps`)
      .send({ email: `b${n}@example.org`, firstName: 'Beto', locale: 'en' })
      .expect(202);
    const a = await rsvpOf(t, e, `a${n}@example.org`);
    await t.http.delete(`/api/public/rsvps/${a.token}`).expect(200);
    const rows = await reminders(`event:${e.id}:`);
    expect(rows.map((r) => r.status).sort()).toEqual(['cancelled', 'pending']);
    expect(rows.find((r) => r.dedupe_key.includes(a.id))!.status).toBe('cancelled');

    await as(org.token).patch(`/api/events/${e.id}`).send({ status: 'cancelled' }).expect(200);
    expect((await reminders(`event:${e.id}:`)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    const notices = await reminders(`notice:event:${e.id}:cancelled:`);
    expect(notices.map((r) => r.status)).toEqual(['sent']);
  });

  it('reminds pledged signers before a letter deadline, but not the unsubscribed nor those who signed', async () => {
    const pledge = (email: string, consentEmail: boolean) =>
      t.http
        .post(`/api/public/campaigns/${slug}/pledges`)
        .send({ email, firstName: 'X', locale: 'en', kind: 'sign', consentEmail })
        .expect(201);
    await pledge('willsign@example.org', true);
    await pledge('unsub@example.org', false);
    await pledge('forgot@example.org', true);
    const targets = await t.http
      .get('/api/targets?country=MX')
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    const deadline = new Date(NOON_MX.getTime() + 5 * 24 * HOUR);
    const created = await as(org.token)
      .post(`/api/campaigns/${campaignId}/letter-actions`)
      .send({
        title: { en: 'Respect the vote', es: 'Respeten el voto' },
        subject: { en: 'Respect the vote', es: 'Respeten el voto' },
        body: { en: 'Dear {{target.name}}, respect the vote.', es: 'Respeten el voto.' },
        targetIds: [targets.body.items[0].id],
        deadline: deadline.toISOString(),
      })
      .expect(201);
    const actionId = created.body.id as string;
    expect(await reminders(`letter:${actionId}:`)).toHaveLength(0); // a draft reminds nobody
    await as(org.token).patch(`/api/letter-actions/${actionId}`).send({ status: 'open' }).expect(200);
    const scheduled = await reminders(`letter:${actionId}:deadline:`);
    expect(scheduled).toHaveLength(3);
    expect(scheduled.every((r) => r.due_at.getTime() === deadline.getTime() - 48 * HOUR)).toBe(true);

    await t.http
      .post(`/api/public/campaigns/${slug}/letters/${created.body.slug}/signatures`)
      .send({ email: 'willsign@example.org', firstName: 'X' })
      .expect(201);
    // The thank-yous of the pledges and of the signature go out at once, before what is counted here.
    for (const email of ['willsign', 'unsub', 'forgot'])
      await smtp.waitForMail(
        (m) =>
          m.envelope.to.includes(`${email}@example.org`) && m.subject.startsWith('Thank you for your pledge'),
      );
    await smtp.waitForMail(
      (m) => m.envelope.to.includes('willsign@example.org') && m.subject.startsWith('Thank you for signing'),
    );
    // Their rows are recorded a moment after the mail arrives; a row still `sending` when the clock
    // jumps ahead would have an expired lease and be taken again by the tick below.
    await untilZero(
      async () =>
        (
          await t.db.query(
            `SELECT count(*)::int AS n FROM reminders WHERE kind = 'action-thanks' AND status = 'sending'`,
          )
        ).rows[0].n as number,
    );
    smtp.messages.length = 0;
    await t.db.query(
      `UPDATE reminders SET status = 'cancelled' WHERE kind = 'action-thanks' AND status = 'pending'`,
    );
    t.clock.set(new Date(deadline.getTime() - 47 * HOUR)); // 13:00 local
    expect(await worker.tick()).toMatchObject({ sent: 1, skipped: 2 });
    const [mail] = await smtp.waitFor(1);
    expect(mail.envelope.to).toEqual(['forgot@example.org']);
    expect(mail.subject).toBe('Last chance to sign: Respect the vote');
    const { rows } = await t.db.query(
      `SELECT r.last_error FROM reminders r JOIN supporters s ON s.id = r.supporter_id
        WHERE r.dedupe_key LIKE $1 AND s.email <> 'forgot@example.org' ORDER BY r.last_error`,
      [`letter:${actionId}:%`],
    );
    expect(rows.map((r) => r.last_error)).toEqual([
      'already signed',
      'no consent to campaign email (unsubscribed)',
    ]);
  });

  it('ends a letter deadline reminder expired, unsent, when its turn comes after the deadline', async () => {
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ email: 'late@example.org', firstName: 'L', locale: 'en', kind: 'sign', consentEmail: true })
      .expect(201);
    await smtp.waitForMail(
      (m) => m.envelope.to.includes('late@example.org') && m.subject.startsWith('Thank you for your pledge'),
    );
    const targets = await t.http
      .get('/api/targets?country=MX')
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    const deadline = new Date(NOON_MX.getTime() + 5 * 24 * HOUR);
    const created = await as(org.token)
      .post(`/api/campaigns/${campaignId}/letter-actions`)
      .send({
        title: { en: 'Late letter' },
        subject: { en: 'Late letter' },
        body: { en: 'Please act.' },
        targetIds: [targets.body.items[0].id],
        deadline: deadline.toISOString(),
      })
      .expect(201);
    await as(org.token).patch(`/api/letter-actions/${created.body.id}`).send({ status: 'open' }).expect(200);
    await untilZero(
      async () =>
        (
          await t.db.query(
            `SELECT count(*)::int AS n FROM reminders WHERE kind = 'action-thanks' AND status = 'sending'`,
          )
        ).rows[0].n as number,
    );
    smtp.messages.length = 0;
    // Its instance died holding it, or the worker was down: its turn comes after the deadline.
    t.clock.set(new Date(deadline.getTime() + MIN));
    await worker.tick();
    const { rows } = await t.db.query<{ status: string; last_error: string; message_id: string | null }>(
      `SELECT r.status, r.last_error, r.message_id FROM reminders r JOIN supporters s ON s.id = r.supporter_id
        WHERE r.dedupe_key LIKE $1 AND s.email = 'late@example.org'`,
      [`letter:${created.body.id}:deadline:%`],
    );
    expect(rows).toEqual([
      { status: 'expired', last_error: expect.stringContaining('deadline'), message_id: null },
    ]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('late@example.org'))).toEqual([]);
  });

  it('schedules a follow-up for a donate pledge and cancels it when the pledge is fulfilled', async () => {
    const res = await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({
        email: 'donor@example.org',
        firstName: 'Dora',
        locale: 'es',
        kind: 'donate',
        consentEmail: true,
        amount: { amount: '25.00', currency: 'USD' },
      })
      .expect(201);
    expect(res.body).toEqual({ status: 'received' });
    const { rows: made } = await t.db.query(
      `SELECT p.id FROM pledges p JOIN supporters s ON s.id = p.supporter_id WHERE s.email = 'donor@example.org'`,
    );
    const id = made[0].id as string;
    const [followup] = await reminders(`pledge:${id}:`);
    expect(followup).toMatchObject({ status: 'pending', dedupe_key: `pledge:${id}:followup` });
    expect(followup.due_at).toEqual(new Date(NOON_MX.getTime() + 3 * 24 * HOUR));
    await as(org.token).post(`/api/pledges/${id}/fulfil`).expect(201);
    expect((await reminders(`pledge:${id}:`))[0].status).toBe('cancelled');
  });

  it('schedules the daily digest once per day per organizer, at 08:00 in the campaign zone', async () => {
    const digests = async () =>
      (await reminders(`digest:${campaignId}:`)).filter((r) => r.status !== 'cancelled');
    // The periodic worker runs this at each tick (REMINDERS_ENABLED=true); tests tick by hand.
    const digest = t.app.get(DailyDigest);
    expect(await digest.schedule(t.clock.now())).toBe(1);
    await digest.schedule(t.clock.now());
    t.clock.advance(20 * MIN);
    await digest.schedule(t.clock.now());
    const first = await digests();
    expect(first).toHaveLength(1);
    expect(first[0].dedupe_key).toBe(`digest:${campaignId}:${org.id}:2026-03-15`);
    expect(first[0].due_at).toEqual(new Date('2026-03-15T14:00:00Z')); // 08:00 in Mexico City

    t.clock.set(new Date('2026-03-15T14:01:00Z'));
    await digest.schedule(t.clock.now());
    expect(await worker.tick()).toMatchObject({ sent: 1 });
    const mail = (await smtp.waitFor(1)).find((m) => m.envelope.to[0] === org.email.toLowerCase())!;
    expect(mail.subject).toMatch(/^Daily summary: /);
    const all = await digests();
    expect(all.map((r) => [r.dedupe_key.slice(-10), r.status])).toEqual([
      ['2026-03-15', 'sent'],
      ['2026-03-16', 'pending'],
    ]);
  });
});
