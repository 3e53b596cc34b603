import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TemplateDataMap } from '../src/mail/templates/templates.js';
import { ReminderWorker } from '../src/reminders/reminder.worker.js';
import { RemindersService, type ScheduleReminderInput } from '../src/reminders/reminders.service.js';
import { PrivacyService } from '../src/supporters/privacy.service.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MIN = 60_000;
const ZONE = 'America/Mexico_City'; // UTC-6 all year (no DST since 2022)
/** Saturday 2026-03-14, 12:00 in Mexico City: outside quiet hours. */
const NOON_MX = new Date('2026-03-14T18:00:00Z');

interface ReminderRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  due_at: Date;
  message_id: string | null;
  sent_at: Date | null;
  locked_by: string | null;
}

describe('reminders', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let t2: TestApp;
  let org: Staff;
  let campaignId: string;
  let slug: string;
  let reminders: RemindersService;
  let worker: ReminderWorker;
  let worker2: ReminderWorker;
  let lucia: string; // Spanish supporter in Mexico City, consented

  beforeAll(async () => {
    smtp = await startSmtp();
    const env = { SMTP_URL: smtp.url, REMINDER_MAX_ATTEMPTS: '3', QUIET_HOURS: '21:00-08:00' };
    t = await createTestApp(env);
    t2 = await createTestApp(env, { databaseUrl: t.databaseUrl });
    reminders = t.app.get(RemindersService);
    worker = t.app.get(ReminderWorker);
    worker2 = t2.app.get(ReminderWorker);
    org = await createStaff(t, await adminToken(t), 'organizer');
    ({ id: campaignId, slug } = await activeCampaign(t, org.token));
    lucia = await supporter('lucia@example.org', 'Lucía');
  });
  afterAll(async () => {
    await t2.close();
    await t.close();
    await smtp.close();
  });
  beforeEach(async () => {
    // Each test starts with an empty queue and mailbox, at noon in Mexico City on both instances.
    await t.db.query(`UPDATE reminders SET status = 'cancelled' WHERE status IN ('pending', 'sending')`);
    smtp.messages.length = 0;
    smtp.setReject(false);
    setClock(NOON_MX);
  });

  function setClock(at: Date) {
    t.clock.set(at);
    t2.clock.set(at);
  }
  function advance(ms: number) {
    t.clock.advance(ms);
    t2.clock.advance(ms);
  }

  async function supporter(email: string, firstName: string, consentEmail = true): Promise<string> {
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ email, firstName, locale: 'es', timezone: ZONE, consentEmail, kind: 'attend' })
      .expect(201);
    // The pledge's own thank-you is sent at once: out of the mailbox these tests count.
    const thanks = await smtp.waitForMail(
      (m) => m.envelope.to.includes(email) && m.subject.startsWith('Gracias'),
    );
    smtp.messages.splice(smtp.messages.indexOf(thanks), 1);
    // The public answer does not say who the supporter is: look them up.
    const { rows } = await t.db.query<{ id: string; locale: string; timezone: string }>(
      'SELECT id, locale, timezone FROM supporters WHERE email = $1',
      [email],
    );
    expect(rows).toEqual([{ id: expect.any(String), locale: 'es', timezone: ZONE }]);
    // The mail arrives before its reminder row is recorded as sent: wait for that too, or the next
    // tick of a test may still find the thank-you in the queue.
    for (let i = 0; i < 100; i++) {
      const open = await t.db.query(
        `SELECT 1 FROM reminders WHERE supporter_id = $1 AND status IN ('pending', 'sending')`,
        [rows[0].id],
      );
      if (open.rowCount === 0) break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    return rows[0].id;
  }

  function eventData(title: string, startsAt: Date, startsInMinutes: number) {
    return {
      firstName: 'Lucía',
      eventTitle: title,
      when: 'domingo 15 de marzo de 2026, 12:00 (hora de Ciudad de México)',
      place: 'Plaza de la Constitución, Silao',
      manageUrl: 'https://puente.example.org/r/manage-token',
      startsInMinutes,
      startsAtIso: startsAt.toISOString(),
    } satisfies TemplateDataMap['event-reminder'] & { startsAtIso: string };
  }

  function reminder(
    overrides: Partial<ScheduleReminderInput> & { title?: string } = {},
  ): ScheduleReminderInput {
    const now = t.clock.now();
    const startsAt = new Date(now.getTime() + 24 * 60 * MIN + MIN);
    const { title = `Marcha ${randomUUID().slice(0, 8)}`, ...rest } = overrides;
    return {
      kind: 'event-reminder',
      template: 'event-reminder',
      subjectType: 'event',
      subjectId: randomUUID(),
      campaignId,
      supporterId: lucia,
      locale: 'es',
      data: eventData(title, startsAt, 24 * 60),
      dueAt: new Date(now.getTime() + MIN),
      dedupeKey: `event:${randomUUID()}:supporter:${lucia}:1440`,
      ...rest,
    };
  }

  async function row(id: string): Promise<ReminderRow> {
    const { rows } = await t.db.query<ReminderRow>('SELECT * FROM reminders WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('sends a due reminder once, in Spanish, over SMTP; a second tick sends nothing more', async () => {
    const { id, status } = await reminders.schedule(
      undefined,
      reminder({ title: 'Marcha por el sindicato' }),
    );
    expect(status).toBe('pending');
    expect((await worker.tick()).claimed).toBe(0); // not due yet
    advance(MIN);

    expect(await worker.tick()).toMatchObject({ claimed: 1, sent: 1 });
    const [mail] = await smtp.waitFor(1);
    expect(mail.envelope.to).toEqual(['lucia@example.org']);
    expect(mail.subject).toBe('Tu recordatorio: Marcha por el sindicato empieza en 24 horas');
    expect(mail.text).toContain('Hola, Lucía:');
    expect(mail.text).toContain('Marcha por el sindicato empieza en 24 horas.');
    expect(mail.text).toContain('domingo 15 de marzo de 2026, 12:00 (hora de Ciudad de México)');
    expect(mail.headers['list-unsubscribe']).toContain('/unsubscribe/');

    const r = await row(id);
    expect(r).toMatchObject({ status: 'sent', attempts: 1, last_error: null, locked_by: null });
    expect(r.sent_at).toEqual(t.clock.now());
    const { rows } = await t.db.query('SELECT status, related_type, locale FROM messages WHERE id = $1', [
      r.message_id,
    ]);
    expect(rows).toEqual([{ status: 'sent', related_type: 'event', locale: 'es' }]);

    advance(10 * MIN);
    expect((await worker.tick()).claimed).toBe(0);
    expect((await worker2.tick()).claimed).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });

  it('delivers 500 due reminders exactly once with two instances ticking concurrently', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => reminder({ title: `Asamblea n.º ${i}` }));
    for (let i = 0; i < batch.length; i += 50)
      await Promise.all(batch.slice(i, i + 50).map((r) => reminders.schedule(undefined, r)));
    advance(2 * MIN);

    const drain = async (w: ReminderWorker) => {
      let claimed = 0;
      for (;;) {
        const r = await w.tick(20);
        if (r.claimed === 0) return claimed;
        expect(r.sent).toBe(r.claimed);
        claimed += r.claimed;
      }
    };
    const [a, b] = await Promise.all([drain(worker), drain(worker2), drain(worker), drain(worker2)]).then(
      ([w1, w2, w3, w4]) => [w1 + w3, w2 + w4],
    );
    expect(a + b).toBe(500);
    expect(a).toBeGreaterThan(0); // both instances did part of the work
    expect(b).toBeGreaterThan(0);

    await smtp.waitFor(500, 10_000);
    const subjects = smtp.messages.map((m) => m.subject);
    expect(new Set(subjects).size).toBe(500);
    expect(subjects).toHaveLength(500);
    const { rows } = await t.db.query(
      `SELECT status, count(*)::int AS n, max(attempts) AS max_attempts FROM reminders
        WHERE dedupe_key = ANY($1) GROUP BY status`,
      [batch.map((r) => r.dedupeKey)],
    );
    expect(rows).toEqual([{ status: 'sent', n: 500, max_attempts: 1 }]);
  });

  it('retries a refused send with backoff, ends failed after REMINDER_MAX_ATTEMPTS, and can be resent', async () => {
    smtp.setReject(true);
    const retrying = reminder();
    const { id } = await reminders.schedule(undefined, retrying);
    advance(MIN);

    expect(await worker.tick()).toMatchObject({ claimed: 1, retried: 1 });
    let r = await row(id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
    expect(r.last_error).toContain('550');
    expect(r.due_at.getTime()).toBe(t.clock.now().getTime() + MIN); // 1 min backoff

    expect((await worker.tick()).claimed).toBe(0); // not before the backoff
    advance(MIN);
    expect(await worker.tick()).toMatchObject({ claimed: 1, retried: 1 });
    r = await row(id);
    expect(r).toMatchObject({ status: 'pending', attempts: 2 });
    expect(r.due_at.getTime()).toBe(t.clock.now().getTime() + 2 * MIN); // doubled

    advance(MIN);
    expect((await worker.tick()).claimed).toBe(0);
    advance(MIN);
    expect(await worker.tick()).toMatchObject({ claimed: 1, failed: 1 });
    r = await row(id);
    expect(r).toMatchObject({ status: 'failed', attempts: 3 });
    expect(r.last_error).toContain('550');
    advance(60 * MIN);
    expect((await worker.tick()).claimed).toBe(0);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.rejectedCount).toBeGreaterThanOrEqual(3);

    // Staff see it, and resend it once the server accepts mail again.
    const failed = await t.http
      .get(`/api/campaigns/${campaignId}/reminders?status=failed`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(failed.body.items.map((x: { id: string }) => x.id)).toContain(id);
    smtp.setReject(false);
    const resent = await t.http
      .post(`/api/reminders/${id}/resend`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(resent.body).toMatchObject({ id, status: 'pending', attempts: 0 });
    await t.http.post(`/api/reminders/${id}/resend`).auth(org.token, { type: 'bearer' }).expect(409);
    expect(await worker.tick()).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.messages).toHaveLength(1);

    const messages = await t.http
      .get(`/api/campaigns/${campaignId}/messages?subjectType=event&subjectId=${retrying.subjectId}`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(messages.body.total).toBe(4);
    const mine = messages.body.items.filter((m: { reminderId: string }) => m.reminderId === id);
    expect(mine.map((m: { status: string }) => m.status).sort()).toEqual([
      'failed',
      'failed',
      'failed',
      'sent',
    ]);
  });

  it('re-sends a claim left by a killed instance once its lock expires, and not before', async () => {
    const { id } = await reminders.schedule(undefined, reminder());
    advance(MIN);
    // Another instance claimed it and died before sending.
    await t.db.query(
      `UPDATE reminders SET status = 'sending', locked_by = 'dead-instance', attempts = 1,
              locked_until = $2 WHERE id = $1`,
      [id, new Date(t.clock.now().getTime() + 5 * MIN)],
    );
    expect((await worker.tick()).claimed).toBe(0);
    advance(4 * MIN);
    expect((await worker2.tick()).claimed).toBe(0);
    expect(smtp.messages).toHaveLength(0);

    advance(2 * MIN); // the lock has expired
    expect(await worker2.tick()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, locked_by: null });
    expect(smtp.messages).toHaveLength(1);
    expect((await worker.tick()).claimed).toBe(0);
  });

  it('ends an event reminder expired, unsent, when its turn comes after the event started', async () => {
    const startsAt = new Date(t.clock.now().getTime() + 5 * MIN);
    const { id } = await reminders.schedule(
      undefined,
      reminder({ data: eventData('Piquete', startsAt, 5), dueAt: new Date(t.clock.now().getTime() + MIN) }),
    );
    // Its instance died holding it; it is taken again only after the event began.
    advance(6 * MIN);
    expect(await worker.tick()).toMatchObject({ claimed: 1, expired: 1, sent: 0 });
    expect(await row(id)).toMatchObject({ status: 'expired', message_id: null, sent_at: null });
    expect((await row(id)).last_error).toContain('already started');
    expect(smtp.messages).toHaveLength(0);
    // A transactional notice about the same event still goes (it reports a change, it reminds nothing).
    const notice = await reminders.schedule(
      undefined,
      reminder({
        kind: 'event-changed',
        template: 'event-changed',
        transactional: true,
        data: { ...eventData('Piquete', startsAt, 5), note: '' },
        dueAt: t.clock.now(),
        sendNowIfPast: true,
      }),
    );
    expect((await worker.tick()).claimed).toBe(1);
    expect((await row(notice.id)).status).not.toBe('expired');
  });

  it('marks messages left queued by a stopped instance abandoned, and only those', async () => {
    const insert = (createdAt: Date) =>
      t.db.query<{ id: string }>(
        `INSERT INTO messages (recipient_email, template, locale, subject, created_at)
         VALUES ('x@example.org', 'event-reminder', 'es', 'Recordatorio', $1) RETURNING id`,
        [createdAt],
      );
    const old = (await insert(new Date(t.clock.now().getTime() - 10 * MIN))).rows[0].id;
    const fresh = (await insert(new Date(t.clock.now().getTime() - MIN))).rows[0].id;
    await worker.tick();
    const { rows } = await t.db.query<{ id: string; status: string; error: string | null }>(
      'SELECT id, status, error FROM messages WHERE id = ANY($1)',
      [[old, fresh]],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[old]).toMatchObject({
      status: 'abandoned',
      error: expect.stringContaining('may or may not'),
    });
    expect(byId[fresh].status).toBe('queued');
  });

  it('defers a reminder due at 02:00 local to 08:00, but sends at once when the event starts before then', async () => {
    setClock(new Date('2026-03-14T07:00:00Z')); // 01:00 in Mexico City
    const deferred = await reminders.schedule(
      undefined,
      reminder({
        title: 'Asamblea de la tarde',
        dueAt: new Date('2026-03-14T08:00:00Z'), // 02:00 local
        data: eventData('Asamblea de la tarde', new Date('2026-03-15T08:00:00Z'), 24 * 60),
      }),
    );
    const early = await reminders.schedule(
      undefined,
      reminder({
        title: 'Piquete del turno de mañana',
        dueAt: new Date('2026-03-14T08:00:00Z'),
        data: eventData('Piquete del turno de mañana', new Date('2026-03-14T13:00:00Z'), 5 * 60), // 07:00 local
      }),
    );
    setClock(new Date('2026-03-14T08:00:00Z'));
    expect(await worker.tick()).toMatchObject({ claimed: 2, sent: 1, deferred: 1 });
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      'Tu recordatorio: Piquete del turno de mañana empieza en 5 horas',
    ]);
    expect(await row(early.id)).toMatchObject({ status: 'sent' });
    const r = await row(deferred.id);
    expect(r).toMatchObject({ status: 'pending', attempts: 0 });
    expect(r.due_at.toISOString()).toBe('2026-03-14T14:00:00.000Z'); // 08:00 local

    setClock(new Date('2026-03-14T13:59:00Z'));
    expect((await worker.tick()).claimed).toBe(0);
    setClock(new Date('2026-03-14T14:00:00Z'));
    expect(await worker.tick()).toMatchObject({ claimed: 1, sent: 1 });
    // startsInMinutes follows the real start: 18 h after 08:00 local.
    expect(smtp.messages[1].subject).toBe('Tu recordatorio: Asamblea de la tarde empieza en 18 horas');
  });

  it('skips non-transactional mail to an unsubscribed supporter, but sends transactional mail', async () => {
    const pablo = await supporter('pablo@example.org', 'Pablo');
    const url = t.app.get(PrivacyService).unsubscribeUrl(pablo);
    const token = url.slice(url.lastIndexOf('/') + 1);
    await t.http.post(`/api/public/unsubscribe/${token}`).expect(200);

    const campaign = await reminders.schedule(undefined, reminder({ supporterId: pablo }));
    const confirmation = await reminders.schedule(
      undefined,
      reminder({
        supporterId: pablo,
        kind: 'rsvp-confirmation',
        template: 'rsvp-confirmation',
        transactional: true,
        dueAt: t.clock.now(),
        sendNowIfPast: true,
        title: 'Confirmación para Pablo',
      }),
    );
    expect(confirmation.status).toBe('pending');
    advance(MIN);
    expect(await worker.tick()).toMatchObject({ claimed: 2, sent: 1, skipped: 1 });
    expect(await row(campaign.id)).toMatchObject({ status: 'skipped', message_id: null });
    expect((await row(campaign.id)).last_error).toContain('unsubscribed');
    expect(await row(confirmation.id)).toMatchObject({ status: 'sent' });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].envelope.to).toEqual(['pablo@example.org']);
    expect(smtp.messages[0].subject).toContain('Confirmación para Pablo');
    expect(smtp.messages[0].headers['list-unsubscribe']).toBeUndefined();

    // Without consent at all (never ticked the box): no campaign mail either.
    const sin = await supporter('sin.consentimiento@example.org', 'Sin', false);
    const none = await reminders.schedule(undefined, reminder({ supporterId: sin }));
    advance(MIN);
    expect(await worker.tick()).toMatchObject({ claimed: 1, skipped: 1 });
    expect(await row(none.id)).toMatchObject({ status: 'skipped' });
  });

  it('keeps one row per dedupe key, never re-sends a sent one, skips late ones, moves and cancels by prefix', async () => {
    const base = reminder();
    const first = await reminders.schedule(undefined, base);
    const later = new Date(t.clock.now().getTime() + 30 * MIN);
    const again = await reminders.schedule(undefined, { ...base, dueAt: later });
    expect(again).toEqual({ id: first.id, status: 'pending' });
    const { rows } = await t.db.query('SELECT due_at FROM reminders WHERE dedupe_key = $1', [base.dedupeKey]);
    expect(rows).toEqual([{ due_at: later }]);

    advance(30 * MIN);
    expect(await worker.tick()).toMatchObject({ sent: 1 });
    const afterSent = await reminders.schedule(undefined, {
      ...base,
      dueAt: new Date(t.clock.now().getTime() + MIN),
    });
    expect(afterSent).toEqual({ id: first.id, status: 'sent' });
    advance(MIN);
    expect((await worker.tick()).claimed).toBe(0);
    expect(smtp.messages).toHaveLength(1);

    // An RSVP after the reminder's time: skipped, not sent late.
    const late = await reminders.schedule(
      undefined,
      reminder({ dueAt: new Date(t.clock.now().getTime() - MIN) }),
    );
    expect(late.status).toBe('skipped');

    // An event moves, then an RSVP is cancelled — in the same transaction as the cause.
    const event = randomUUID();
    const [r24, r1, other] = await Promise.all(
      [`event:${event}:rsvp:a:1440`, `event:${event}:rsvp:a:60`, `event:${event}:rsvp:b:60`].map(
        (dedupeKey, i) =>
          reminders.schedule(
            undefined,
            reminder({ dedupeKey, dueAt: new Date(t.clock.now().getTime() + (i + 1) * 60 * MIN) }),
          ),
      ),
    );
    const ds = t.app.get(DataSource);
    const moved = await ds.transaction((m) =>
      reminders.reschedule(m, `event:${event}:`, (x) => ({
        dueAt: new Date(x.dueAt.getTime() + 24 * 60 * MIN),
        data: { ...x.data, when: 'lunes 16 de marzo de 2026, 12:00' },
      })),
    );
    expect(moved).toBe(3);
    expect((await row(r24.id)).due_at.getTime()).toBe(t.clock.now().getTime() + 25 * 60 * MIN);
    expect((await row(other.id)).due_at.getTime()).toBe(t.clock.now().getTime() + 27 * 60 * MIN);

    const cancelled = await ds.transaction((m) => reminders.cancel(m, `event:${event}:rsvp:a:`));
    expect(cancelled).toBe(2);
    expect((await row(r24.id)).status).toBe('cancelled');
    expect((await row(r1.id)).status).toBe('cancelled');
    expect((await row(other.id)).status).toBe('pending');
    // A cancelled one comes back when scheduled again (the RSVP is renewed).
    expect(
      (await reminders.schedule(undefined, reminder({ dedupeKey: `event:${event}:rsvp:a:60` }))).id,
    ).toBe(r1.id);
    expect((await row(r1.id)).status).toBe('pending');
  });
});
