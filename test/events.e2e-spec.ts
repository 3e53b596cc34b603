import { RsvpsService } from '../src/events/rsvps.service.js';
import { RemindersService } from '../src/reminders/reminders.service.js';
import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { untilZero } from './support/polling.js';
import { rsvpOf } from './support/rsvps.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;
const START = new Date('2026-02-01T12:00:00Z');

describe('events and RSVPs', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let org: Staff;
  let coord: Staff;
  let slug: string;
  let campaignId: string;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://puente.example.org' });
    t.clock.set(START);
    const admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    coord = await createStaff(t, admin, 'coordinator');
    ({ slug, id: campaignId } = await activeCampaign(t, org.token));
    await addMember(t, org.token, campaignId, coord.id, 'coordinator');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const person = (name = `p${++n}`, extra: object = {}) => ({
    email: `${name}@example.org`,
    firstName: name,
    lastName: 'Solidaria',
    locale: 'en',
    ...extra,
  });

  async function createEvent(body: object = {}, token = org.token) {
    const res = await t.http
      .post(`/api/campaigns/${campaignId}/events`)
      .auth(token, { type: 'bearer' })
      .send({
        title: { en: `Picket ${++n}`, es: `Piquete ${n}` },
        kind: 'picket',
        city: 'Detroit',
        venue: 'GM Renaissance Center',
        address: '300 Renaissance Center',
        startsAt: '2026-03-14T16:00:00Z',
        timezone: 'America/Detroit',
        ...body,
      });
    if (res.status !== 201) throw new Error(`create event → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; slug: string; checkinCode: string };
  }

  const rsvp = (eventSlug: string, body: object) =>
    t.http.post(`/api/public/campaigns/${slug}/events/${eventSlug}/rsvps`).send(body);
  const manage = (token: string) => `/api/public/rsvps/${token}`;

  /**
   * RSVPs (the one answer: 202 `{status: "received"}`), then reads what only her mailbox gets: the
   * RSVP's state, its place in line and its signed manage link.
   */
  async function joined(e: { id: string; slug: string }, body: { email: string }) {
    const res = await rsvp(e.slug, body).expect(202);
    expect(res.body).toEqual({ status: 'received' });
    const r = await rsvpOf(t, e, body.email);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM rsvps w, rsvps me
        WHERE me.id = $1 AND w.event_id = me.event_id AND w.status = 'waitlisted' AND w.queue_seq <= me.queue_seq`,
      [r.id],
    );
    const position = r.status === 'waitlisted' ? (rows[0].n as number) : undefined;
    return { rsvp: { id: r.id, status: r.status, position }, manageToken: r.token };
  }

  /** The event's seat accounting; every call also checks its kept waitlist length against the line. */
  async function seats(eventId: string) {
    const { rows } = await t.db.query(
      `SELECT e.seats_taken AS taken, e.capacity, e.waitlisted AS "waitlistLength",
              (SELECT coalesce(sum(1 + guests), 0)::int FROM rsvps
                WHERE event_id = e.id AND status IN ('going', 'offered') AND NOT walk_in) AS held,
              (SELECT count(*)::int FROM rsvps WHERE event_id = e.id AND status = 'waitlisted') AS waiting
         FROM events e WHERE e.id = $1`,
      [eventId],
    );
    const { waitlistLength, waiting, ...rest } = rows[0] as {
      taken: number;
      capacity: number | null;
      held: number;
      waitlistLength: number;
      waiting: number;
    };
    expect(waitlistLength).toBe(waiting);
    return { ...rest, waiting };
  }

  it('creates events for organizers only, with defaults, a check-in code and validation', async () => {
    const e = await createEvent();
    expect(e).toMatchObject({
      status: 'scheduled',
      reminderOffsetsMinutes: [1440, 120],
      hideAddressUntilRsvp: false,
      checkinCode: expect.stringMatching(/^[A-Z0-9]{6}$/),
    });
    await t.http
      .post(`/api/campaigns/${campaignId}/events`)
      .auth(coord.token, { type: 'bearer' })
      .send({ title: { en: 'x' }, kind: 'rally', startsAt: '2026-03-14T16:00:00Z', timezone: 'UTC' })
      .expect(403);
    const bad = await t.http
      .post(`/api/campaigns/${campaignId}/events`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { fr: 'x' },
        kind: 'party',
        startsAt: 'tomorrow',
        timezone: 'Mars/Olympus',
        capacity: 0,
      })
      .expect(400);
    const fields = (bad.body.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'kind', 'startsAt', 'timezone', 'capacity']));
    await t.http
      .post(`/api/campaigns/${campaignId}/events`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { en: 'x' },
        kind: 'rally',
        startsAt: '2026-03-14T16:00:00Z',
        endsAt: '2026-03-14T15:00:00Z',
        timezone: 'UTC',
      })
      .expect(400);
    const list = await t.http
      .get(`/api/campaigns/${campaignId}/events`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
  });

  it('renders times in the event zone across a daylight-saving change', async () => {
    const before = await createEvent({ startsAt: '2026-03-07T17:00:00Z', timezone: 'America/Detroit' });
    const after = await createEvent({ startsAt: '2026-03-14T16:00:00Z', timezone: 'America/Detroit' });
    const mx7 = await createEvent({ startsAt: '2026-03-07T18:00:00Z', timezone: 'America/Mexico_City' });
    const mx14 = await createEvent({ startsAt: '2026-03-14T18:00:00Z', timezone: 'America/Mexico_City' });
    const read = async (s: string, lang: string) =>
      (await t.http.get(`/api/public/campaigns/${slug}/events/${s}?lang=${lang}`).expect(200)).body;
    expect((await read(before.slug, 'en')).startsAtLocal).toBe('Sat, Mar 7, 12:00 PM EST');
    const a = await read(after.slug, 'en');
    expect(a.startsAtLocal).toBe('Sat, Mar 14, 12:00 PM EDT');
    expect(a.startsAt).toBe('2026-03-14T16:00:00.000Z');
    expect(a.zone).toBe('EDT');
    expect((await read(mx7.slug, 'es')).startsAtLocal).toBe('sáb 7 mar, 12:00 CST');
    expect((await read(mx14.slug, 'es')).startsAtLocal).toBe('sáb 14 mar, 12:00 CST');
  });

  it('never exceeds capacity under 60 concurrent RSVPs, fills it and waitlists the rest in order', async () => {
    const e = await createEvent({ capacity: 10 });
    const bodies = Array.from({ length: 60 }, (_, i) =>
      person(`rush${i}`, { guests: i % 7 === 0 ? 2 : i % 5 === 0 ? 1 : 0 }),
    );
    const results = await Promise.all(bodies.map((b) => rsvp(e.slug, b)));
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(202));
    expect(new Set(results.map((r) => JSON.stringify(r.body)))).toEqual(new Set(['{"status":"received"}']));
    const s = await seats(e.id);
    expect(s.taken).toBeLessThanOrEqual(10);
    expect(s.taken).toBe(s.held);
    // Exactly filled: single people are waiting, so nothing may stay free.
    expect(s.taken).toBe(10);
    expect(s.waiting).toBeGreaterThan(40);
    const { rows } = await t.db.query(
      `SELECT id FROM rsvps WHERE event_id = $1 AND status = 'waitlisted' ORDER BY queue_seq`,
      [e.id],
    );
    // Each one's manage link shows its place in line, in queue order.
    const { SignedTokens } = await import('../src/common/signed-token.js');
    const { RSVP_MANAGE_PURPOSE } = await import('../src/events/event-reminders.js');
    const sign = (id: string) => t.app.get(SignedTokens).sign(RSVP_MANAGE_PURPOSE, id);
    const first = (await t.http.get(manage(sign(rows[0].id))).expect(200)).body.rsvp;
    const last = (await t.http.get(manage(sign(rows[rows.length - 1].id))).expect(200)).body.rsvp;
    expect([first.position, last.position]).toEqual([1, rows.length]);
    const pub = await t.http.get(`/api/public/campaigns/${slug}/events/${e.slug}`).expect(200);
    expect(pub.body).toMatchObject({ capacity: 10, spotsLeft: 0, waitlisted: s.waiting });
  });

  it('offers seats freed during a rush to the entries joining the waitlist at that moment', async () => {
    const e = await createEvent({ capacity: 5 });
    const going = [];
    for (let i = 0; i < 5; i++) going.push(await joined(e, person(`held${i}`)));
    expect(going.every((g) => g.rsvp.status === 'going')).toBe(true);
    // Five cancellations race twenty new single RSVPs: whichever commits first, no seat may stay free
    // while a single person waits (a freed seat is offered to whoever is in line by then).
    const results = await Promise.all([
      ...going.map((g) => t.http.delete(manage(g.manageToken))),
      ...Array.from({ length: 20 }, (_, i) => rsvp(e.slug, person(`late${i}`))),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), ...Array(20).fill(202)]);
    const s = await seats(e.id);
    expect(s).toMatchObject({ taken: 5, held: 5 });
    const { rows } = await t.db.query(
      `SELECT status::text, count(*)::int AS n FROM rsvps WHERE event_id = $1 GROUP BY status ORDER BY status`,
      [e.id],
    );
    const by = Object.fromEntries(rows.map((r: { status: string; n: number }) => [r.status, r.n]));
    expect(by).toMatchObject({ cancelled: 5, waitlisted: 15 });
    expect((by.going ?? 0) + (by.offered ?? 0)).toBe(5);
    // Its confirmations and offers go out after the answers: let them finish before the next test
    // counts mails.
    const open = await untilZero(
      async () => {
        const { rows: left } = await t.db.query(
          `SELECT count(*)::int AS n FROM reminders
            WHERE subject_id = $1 AND transactional AND status IN ('pending', 'sending')`,
          [e.id],
        );
        return left[0].n as number;
      },
      200,
      50,
    );
    expect(open).toBe(0);
  });

  it('makes one RSVP, one seat and one confirmation of the same supporter sent 8 times at once', async () => {
    const e = await createEvent({ capacity: 5 });
    const results = await Promise.all(Array.from({ length: 8 }, () => rsvp(e.slug, person('racer'))));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    const { rows: one } = await t.db.query(`SELECT id FROM rsvps WHERE event_id = $1`, [e.id]);
    const ids = new Set(one.map((r: { id: string }) => r.id));
    expect(ids.size).toBe(1);
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1 });
    const { rows } = await t.db.query(
      `SELECT kind, count(*)::int AS n FROM reminders WHERE data->>'rsvpId' = $1 GROUP BY kind ORDER BY kind`,
      [[...ids][0]],
    );
    // The confirmation once (the repeats' re-sends at the same instant are the same mail), and one
    // reminder per offset (24 h and 2 h before).
    expect(rows).toEqual([
      { kind: 'event-reminder', n: 2 },
      { kind: 'rsvp-confirmation', n: 1 },
    ]);
  });

  it('offers a freed seat to the first in line, who claims it; an expired offer moves to the next', async () => {
    const e = await createEvent({ capacity: 2 });
    const a = await joined(e, person('wa', { guests: 1 }));
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...person('wb'), kind: 'attend' })
      .expect(201);
    const b = await joined(e, person('wb'));
    const c = await joined(e, person('wc'));
    const d = await joined(e, person('wd'));
    expect(a.rsvp.status).toBe('going');
    expect([b.rsvp.position, c.rsvp.position, d.rsvp.position]).toEqual([1, 2, 3]);

    const before = smtp.messages.length;
    const cancelled = await t.http.delete(manage(a.manageToken)).expect(200);
    expect(cancelled.body.rsvp.status).toBe('cancelled');
    // Two seats freed: b and c (one seat each) are offered, held for 12 hours.
    const bView = (await t.http.get(manage(b.manageToken)).expect(200)).body;
    expect(bView.rsvp).toMatchObject({
      status: 'offered',
      offerExpiresAt: new Date(START.getTime() + 12 * HOUR).toISOString(),
    });
    expect((await t.http.get(manage(c.manageToken)).expect(200)).body.rsvp.status).toBe('offered');
    expect((await t.http.get(manage(d.manageToken)).expect(200)).body.rsvp).toMatchObject({
      status: 'waitlisted',
      position: 1,
    });
    expect(await seats(e.id)).toMatchObject({ taken: 2, held: 2 });

    // The offer mail carries a claim link (the signed manage link) that works.
    const offer = await smtp.waitForMail(
      (m) => m.envelope.to[0] === 'wb@example.org' && /spot opened/.test(m.subject),
      before,
    );
    const claimToken = /https:\/\/puente\.example\.org\/rsvp\/(\S+)/.exec(offer.text)![1];
    const claimed = await t.http.post(`${manage(claimToken)}/claim`).expect(201);
    expect(claimed.body.rsvp.status).toBe('going');
    const { rows: pledge } = await t.db.query(
      `SELECT p.status, p.fulfilled_by FROM pledges p JOIN supporters s ON s.id = p.supporter_id
        WHERE s.email = 'wb@example.org' AND p.kind = 'attend'`,
    );
    expect(pledge).toEqual([{ status: 'fulfilled', fulfilled_by: `rsvp:${b.rsvp.id}` }]);

    // c never claims: 13 hours later the tick ends the offer and d gets the seat.
    t.clock.advance(13 * HOUR);
    expect(await t.app.get(RsvpsService).expireOffers(t.clock.now(), e.id)).toBe(1);
    const cView = (await t.http.get(manage(c.manageToken)).expect(200)).body;
    expect(cView.rsvp).toMatchObject({ status: 'cancelled', cancelReason: 'offer_expired' });
    const late = await t.http.post(`${manage(c.manageToken)}/claim`).expect(409);
    expect(late.body.code).toBe('offer_expired');
    expect((await t.http.get(manage(d.manageToken)).expect(200)).body.rsvp.status).toBe('offered');
    expect(await seats(e.id)).toMatchObject({ taken: 2, held: 2 });

    // d does not claim either: the next request touching the event expires it lazily.
    t.clock.advance(13 * HOUR);
    expect((await t.http.get(manage(d.manageToken)).expect(200)).body.rsvp.cancelReason).toBe(
      'offer_expired',
    );
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1 });
    t.clock.set(START);
  });

  it('answers a new, a repeated, a waitlisted and a cancelled RSVP alike, and keeps one RSVP', async () => {
    const e = await createEvent({ capacity: 1 });
    const answers = [];
    answers.push(await rsvp(e.slug, person('twice'))); // new, going
    answers.push(await rsvp(e.slug, { ...person('twice'), email: 'TWICE@example.org', guests: 3 })); // repeat
    answers.push(await rsvp(e.slug, person('later'))); // new, waitlisted
    const later = await rsvpOf(t, e, 'later@example.org');
    await t.http.delete(manage(later.token)).expect(200);
    answers.push(await rsvp(e.slug, person('later'))); // a cancelled RSVP's email
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(a.text).toBe('{"status":"received"}');
      expect(Object.keys(a.headers).filter((h) => /token|location/i.test(h))).toEqual([]);
    }
    const { rows } = await t.db.query(
      `SELECT s.email, r.status::text, r.guests FROM rsvps r JOIN supporters s ON s.id = r.supporter_id
        WHERE r.event_id = $1 ORDER BY s.email`,
      [e.id],
    );
    // The repeat changed nothing (not the guests), and the cancelled RSVP stayed cancelled.
    expect(rows).toEqual([
      { email: 'later@example.org', status: 'cancelled', guests: 0 },
      { email: 'twice@example.org', status: 'going', guests: 0 },
    ]);
    expect(await seats(e.id)).toMatchObject({ taken: 1 });
  });

  it('brings a cancelled RSVP back only through the link mailed to its address', async () => {
    const e = await createEvent({ capacity: 5 });
    const mine = await joined(e, person('gone', { guests: 1 }));
    await t.http.delete(manage(mine.manageToken)).expect(200);
    const hashBefore = (await t.db.query(`SELECT manage_token_hash FROM rsvps WHERE id = $1`, [mine.rsvp.id]))
      .rows[0].manage_token_hash;
    // Someone types her email: the same answer, no token, nothing revived.
    const before = smtp.messages.length;
    const again = await rsvp(e.slug, person('gone')).expect(202);
    expect(again.body).toEqual({ status: 'received' });
    const { rows } = await t.db.query(`SELECT status::text, manage_token_hash FROM rsvps WHERE id = $1`, [
      mine.rsvp.id,
    ]);
    expect(rows).toEqual([{ status: 'cancelled', manage_token_hash: hashBefore }]);
    expect(await seats(e.id)).toMatchObject({ taken: 0 });
    // Her mailbox gets the offer to come back, with her own link (which still works).
    // (Her first confirmation may still be on its way: this one is the mail about the cancelled RSVP.)
    const mail = await smtp.waitForMail(
      (m) => m.envelope.to[0] === 'gone@example.org' && /cancelled/.test(m.subject ?? ''),
      before,
    );
    const link = /https:\/\/puente\.example\.org\/rsvp\/(\S+)/.exec(mail.text)![1];
    expect((await t.http.get(manage(link)).expect(200)).body.rsvp.status).toBe('cancelled');
    const back = await t.http.post(`${manage(link)}/restore`).expect(201);
    expect(back.body.rsvp).toMatchObject({ id: mine.rsvp.id, status: 'going', guests: 1 });
    expect(await seats(e.id)).toMatchObject({ taken: 2, held: 2 });
  });

  it('lets the manage token see and change the RSVP; a wrong token is 404; more guests must fit', async () => {
    const e = await createEvent({ capacity: 3 });
    const r = await joined(e, person('mg'));
    await joined(e, person('mh'));
    await t.http.get(manage(r.manageToken)).expect(200);
    await t.http.get(manage('x'.repeat(43))).expect(404);
    await t.http.get(manage('nope')).expect(404);
    await t.http.patch(manage(r.manageToken)).send({ guests: 1 }).expect(200);
    const tooMany = await t.http.patch(manage(r.manageToken)).send({ guests: 3 }).expect(409);
    expect(tooMany.body.code).toBe('no_room');
    await t.http.patch(manage(r.manageToken)).send({ guests: 9 }).expect(400);
    expect(await seats(e.id)).toMatchObject({ taken: 3, held: 3 });
  });

  it('hides the address from the public until the supporter is going', async () => {
    const e = await createEvent({
      capacity: 1,
      hideAddressUntilRsvp: true,
      onlineUrl: 'https://meet.example.org/x',
    });
    const pub = (await t.http.get(`/api/public/campaigns/${slug}/events/${e.slug}`).expect(200)).body;
    expect(pub).toMatchObject({ city: 'Detroit', addressHidden: true });
    expect(pub).not.toHaveProperty('address');
    expect(pub).not.toHaveProperty('venue');
    expect(pub).not.toHaveProperty('onlineUrl');
    expect(JSON.stringify(pub)).not.toContain('Renaissance');
    const going = await joined(e, person('hg'));
    const waiting = await joined(e, person('hw'));
    const gv = (await t.http.get(manage(going.manageToken)).expect(200)).body;
    expect(gv.event).toMatchObject({ address: '300 Renaissance Center', venue: 'GM Renaissance Center' });
    const wv = (await t.http.get(manage(waiting.manageToken)).expect(200)).body;
    expect(wv.event).not.toHaveProperty('address');
  });

  it('sends a confirmation with a calendar file and the manage link, and never shows emails publicly', async () => {
    const e = await createEvent({ capacity: 5 });
    const before = smtp.messages.length;
    const r = await rsvp(e.slug, person('ics', { locale: 'es' })).expect(202);
    expect(JSON.stringify(r.body)).not.toMatch(/@|Solidaria/);
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'ics@example.org', before);
    expect(mail.subject).toMatch(/Confirmación/);
    // The mailed link is signed and opens the RSVP: the only way to it.
    const link = /https:\/\/puente\.example\.org\/rsvp\/(\S+)/.exec(mail.text)![1];
    const viaLink = await t.http.get(manage(link)).expect(200);
    const id = (await rsvpOf(t, e, 'ics@example.org')).id;
    expect(viaLink.body.rsvp.id).toBe(id);
    expect(mail.text).toContain('sábado, 14 de marzo de 2026, 12:00 EDT');
    const ics = mail.attachments.find((a) => a.filename === 'event.ics')!.content.toString();
    expect(ics).toContain('DTSTART:20260314T160000Z');
    // The calendar file links the public event page, never the manage link (it gets shared and synced).
    expect(ics).toContain(`https://puente.example.org/c/${slug}/events/${e.slug}`);
    expect(ics).not.toContain('/rsvp/');
    expect(ics).not.toContain(link.slice(0, 20));
    // Queued through the reminders table like every other mail, transactional and sent.
    // The mail has arrived; its row is marked sent with its group, a moment later.
    await untilZero(async () => {
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM reminders WHERE kind = 'rsvp-confirmation' AND status = 'sending'`,
      );
      return (rows[0] as { n: number }).n;
    });
    const { rows } = await t.db.query(
      `SELECT status, transactional FROM reminders WHERE kind = 'rsvp-confirmation' AND data->>'rsvpId' = $1`,
      [id],
    );
    expect(rows).toEqual([{ status: 'sent', transactional: true }]);
  });

  it('cancelling an event notifies every RSVP holder and refuses new RSVPs with 409', async () => {
    const e = await createEvent({ capacity: 1 });
    await rsvp(e.slug, person('cx')).expect(202);
    await rsvp(e.slug, person('cy')).expect(202);
    await t.http
      .patch(`/api/events/${e.id}`)
      .auth(coord.token, { type: 'bearer' })
      .send({ status: 'cancelled' })
      .expect(403);
    const res = await t.http
      .patch(`/api/events/${e.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'cancelled', note: 'Permit denied' })
      .expect(200);
    expect(res.body.status).toBe('cancelled');
    expect(await seats(e.id)).toMatchObject({ waiting: 1 });
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM messages WHERE template = 'event-cancelled' AND related_id = $1`,
      [e.id],
    );
    expect(rows[0].n).toBe(2);
    const refused = await rsvp(e.slug, person('cz', { consentEmail: true })).expect(409);
    expect(refused.body.code).toBe('event_cancelled');
    // A refused RSVP leaves no supporter (nor consent) behind.
    const { rows: nobody } = await t.db.query(`SELECT id FROM supporters WHERE email = 'cz@example.org'`);
    expect(nobody).toEqual([]);
    await t.http
      .patch(`/api/events/${e.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'scheduled' })
      .expect(409);
  });

  it('checks in RSVPs once, lets walk-ins in at a full event, lists and counts, and marks no-shows', async () => {
    const e = await createEvent({ capacity: 1 });
    const going = await joined(e, person('door1', { lastName: 'Ramírez' }));
    const absent = await joined(e, person('door2'));
    expect(absent.rsvp.status).toBe('waitlisted');
    const url = `/api/events/${e.id}/check-ins`;
    const first = await t.http
      .post(url)
      .auth(coord.token, { type: 'bearer' })
      .send({ rsvpId: going.rsvp.id })
      .expect(201);
    t.clock.advance(60_000);
    const again = await t.http
      .post(url)
      .auth(coord.token, { type: 'bearer' })
      .send({ rsvpId: going.rsvp.id })
      .expect(200);
    expect(again.body.rsvp.checkedInAt).toBe(first.body.rsvp.checkedInAt);

    const walkIn = await t.http
      .post(url)
      .auth(coord.token, { type: 'bearer' })
      .send(person('walker', { guests: 1 }))
      .expect(201);
    expect(walkIn.body.rsvp).toMatchObject({ status: 'going', walkIn: true, guests: 1 });
    expect(walkIn.body.rsvp.checkedInAt).not.toBeNull();
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1 });
    await t.http.post(url).auth(coord.token, { type: 'bearer' }).send({ firstName: 'NoEmail' }).expect(400);

    const list = await t.http
      .get(`/api/events/${e.id}/rsvps?search=ram%C3%ADrez`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([going.rsvp.id]);
    const checked = await t.http
      .get(`/api/events/${e.id}/rsvps?checkedIn=true&limit=1`)
      .auth(coord.token, { type: 'bearer' })
      .expect(200);
    expect(checked.body.total).toBe(2);
    expect(checked.body.items).toHaveLength(1);
    expect(checked.body.counts).toMatchObject({ going: 2, waitlisted: 1, checkedIn: 2, noShow: 0 });
    // The waitlisted supporter turns up at the door: let in as a walk-in, out of the line.
    await t.http.post(url).auth(coord.token, { type: 'bearer' }).send({ rsvpId: absent.rsvp.id }).expect(201);
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1, waiting: 0 });

    // A going RSVP that never came becomes a no-show when the event is completed.
    const e2 = await createEvent({ capacity: 5 });
    const ghost = await joined(e2, person('ghost'));
    const came = await joined(e2, person('came'));
    await t.http
      .post(`/api/events/${e2.id}/check-ins`)
      .auth(org.token, { type: 'bearer' })
      .send({ rsvpId: came.rsvp.id });
    await t.http
      .patch(`/api/events/${e2.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'completed' })
      .expect(200);
    const { rows } = await t.db.query(`SELECT id, no_show FROM rsvps WHERE event_id = $1 ORDER BY id`, [
      e2.id,
    ]);
    expect(Object.fromEntries(rows.map((r: { id: string; no_show: boolean }) => [r.id, r.no_show]))).toEqual({
      [ghost.rsvp.id]: true,
      [came.rsvp.id]: false,
    });
    t.clock.set(START);
  });

  it('lets a going supporter check in with the venue code, from two hours before the start', async () => {
    const e = await createEvent({ startsAt: '2026-02-02T12:00:00Z', timezone: 'America/Mexico_City' });
    const r = await joined(e, person('self'));
    const code = e.checkinCode;
    const early = await t.http
      .post(`${manage(r.manageToken)}/check-in`)
      .send({ code })
      .expect(409);
    expect(early.body.code).toBe('checkin_not_open');
    t.clock.set(new Date('2026-02-02T11:00:00Z'));
    const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    await t.http
      .post(`${manage(r.manageToken)}/check-in`)
      .send({ code: wrong })
      .expect(400);
    const ok = await t.http
      .post(`${manage(r.manageToken)}/check-in`)
      .send({ code: code.toLowerCase() })
      .expect(201);
    expect(ok.body.rsvp.checkedInAt).toBe('2026-02-02T11:00:00.000Z');
    t.clock.set(START);
  });

  it('raising capacity offers the new seats; lowering below the held seats is 409', async () => {
    const e = await createEvent({ capacity: 1 });
    await joined(e, person('cap1'));
    const w = await joined(e, person('cap2'));
    await t.http
      .patch(`/api/events/${e.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ capacity: 2 })
      .expect(200);
    expect((await t.http.get(manage(w.manageToken)).expect(200)).body.rsvp.status).toBe('offered');
    const low = await t.http
      .patch(`/api/events/${e.id}`)
      .auth(org.token, { type: 'bearer' })
      .send({ capacity: 1 })
      .expect(409);
    expect(low.body.code).toBe('capacity_below_seats_taken');
  });

  it('adds event counts to the public campaign totals and RSVPs to the supporter activity', async () => {
    const res = await t.http.get(`/api/public/campaigns/${slug}`).expect(200);
    expect(res.body.totals.events.upcoming).toBeGreaterThan(3);
    const capped = (res.body.totals.events.events as { capacity: number | null; going: number }[]).find(
      (x) => x.capacity === 10,
    );
    expect(capped).toMatchObject({ going: expect.any(Number) });
    expect(JSON.stringify(res.body)).not.toContain('@');
    const list = await t.http
      .get(`/api/campaigns/${campaignId}/supporters?search=walker`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    const one = await t.http
      .get(`/api/campaigns/${campaignId}/supporters/${list.body.items[0].id}`)
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    expect(one.body.activity.rsvps).toEqual([expect.objectContaining({ walkIn: true, status: 'going' })]);
  });

  it('holds RSVPs to an approval-required event as pending, with no seat and no address, until approved', async () => {
    const e = await createEvent({
      capacity: 1,
      requireApproval: true,
      onlineUrl: 'https://meet.example.org/x',
    });
    const before = smtp.messages.length;
    const a = await joined(e, person('risk1'));
    const b = await joined(e, person('risk2'));
    expect([a.rsvp.status, b.rsvp.status]).toEqual(['pending', 'pending']);
    expect(await seats(e.id)).toMatchObject({ taken: 0, held: 0, waiting: 0 });
    // The address is nowhere: the public JSON, page and .ics, the pending RSVP's own JSON and page, its mail.
    const pub = await t.http.get(`/api/public/campaigns/${slug}/events/${e.slug}`).expect(200);
    expect(pub.body).toMatchObject({ addressHidden: true, spotsLeft: 1 });
    const page = await t.http.get(`/c/${slug}/events/${e.slug}`).expect(200);
    const ics = await t.http.get(`/c/${slug}/events/${e.slug}/event.ics`).expect(200);
    const own = await t.http.get(manage(a.manageToken)).expect(200);
    expect(own.body.rsvp.status).toBe('pending');
    const ownPage = await t.http.get(`/rsvp/${a.manageToken}`).expect(200);
    const pending = await smtp.waitForMail((m) => m.envelope.to[0] === 'risk1@example.org', before);
    expect(pending.subject).toMatch(/awaiting approval/);
    expect(pending.attachments).toEqual([]);
    // The embedded form, and the thank-you page after RSVPing on the site (with its calendar links).
    const embed = await t.http.get(`/embed/c/${slug}/events/${e.slug}`).expect(200);
    const form = await t.http.get(`/c/${slug}/events/${e.slug}?lang=en`).expect(200);
    // (The cookie is Secure under this https PUBLIC_BASE_URL, so it is sent by hand over plain http.)
    const cookie = ([form.headers['set-cookie']].flat() as string[]).map((c) => c.split(';')[0]).join('; ');
    const thanks = await t.http
      .post(`/c/${slug}/events/${e.slug}?lang=en`)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)![1], ...person('risk3') })
      .expect(200);
    expect(thanks.text).toContain('calendar.google.com');
    for (const text of [
      JSON.stringify(pub.body),
      page.text,
      ics.text,
      JSON.stringify(own.body),
      ownPage.text,
      embed.text,
      thanks.text,
    ]) {
      expect(text).not.toMatch(/Renaissance|meet\.example\.org/);
    }
    expect(pending.text).not.toMatch(/Renaissance|meet\.example\.org/);

    // Approval (coordinators too) takes the seat and mails the confirmation with the address.
    const approve = (id: string) => t.http.post(`/api/events/${e.id}/rsvps/${id}/approve`);
    await approve(a.rsvp.id).expect(401);
    const ok = await approve(a.rsvp.id).auth(coord.token, { type: 'bearer' }).expect(200);
    expect(ok.body).toMatchObject({ id: a.rsvp.id, status: 'going' });
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1 });
    const confirmed = await smtp.waitForMail(
      (m) => m.envelope.to[0] === 'risk1@example.org' && /RSVP confirmed/.test(m.subject),
      before,
    );
    expect(confirmed.text).toContain('300 Renaissance Center');
    // Full now: the next approval puts her in line (no seat); approving again changes nothing.
    const next = await approve(b.rsvp.id).auth(coord.token, { type: 'bearer' }).expect(200);
    expect(next.body.status).toBe('waitlisted');
    await approve(b.rsvp.id).auth(coord.token, { type: 'bearer' }).expect(200);
    expect(await seats(e.id)).toMatchObject({ taken: 1, held: 1, waiting: 1 });
    await t.http.delete(manage(a.manageToken)).expect(200);
    expect((await t.http.get(manage(b.manageToken)).expect(200)).body.rsvp.status).toBe('offered');
    const refused = await approve(a.rsvp.id).auth(coord.token, { type: 'bearer' }).expect(409);
    expect(refused.body.code).toBe('rsvp_cancelled');
  });

  it('reveals a hidden address only by mail, from the set number of hours before the start', async () => {
    // Starts 2026-03-14T16:00Z; the address may be mailed from 13:00Z (09:00 in Detroit, after the quiet hours).
    const e = await createEvent({ capacity: 5, revealAddressHoursBefore: 3 });
    const before = smtp.messages.length;
    const r = await joined(e, person('reveal'));
    expect(r.rsvp.status).toBe('going');
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'reveal@example.org', before);
    const ics = mail.attachments.find((a) => a.filename === 'event.ics')!.content.toString();
    const own = await t.http.get(manage(r.manageToken)).expect(200);
    const pub = await t.http.get(`/api/public/campaigns/${slug}/events/${e.slug}`).expect(200);
    for (const text of [mail.text, ics, JSON.stringify(own.body), JSON.stringify(pub.body)]) {
      expect(text).not.toContain('Renaissance');
    }
    // One reminder is due at the reveal time; sent then, it carries the address — and still no page does.
    const { rows } = await t.db.query(
      `SELECT id FROM reminders WHERE kind = 'event-reminder' AND data->>'rsvpId' = $1 AND due_at = $2`,
      [r.rsvp.id, new Date('2026-03-14T13:00:00Z')],
    );
    expect(rows).toHaveLength(1);
    t.clock.set(new Date('2026-03-14T13:00:00Z'));
    const at = smtp.messages.length;
    await t.app.get(RemindersService).sendNow([rows[0].id]);
    const revealed = await smtp.waitForMail((m) => m.envelope.to[0] === 'reveal@example.org', at);
    expect(revealed.text).toContain('300 Renaissance Center');
    const later = await t.http.get(manage(r.manageToken)).expect(200);
    expect(JSON.stringify(later.body)).not.toContain('Renaissance');
    expect((await t.http.get(`/rsvp/${r.manageToken}`).expect(200)).text).not.toContain('Renaissance');
    t.clock.set(START);
  });

  it('ends manage links a day after the event ends', async () => {
    const e = await createEvent({
      startsAt: '2026-02-03T12:00:00Z',
      endsAt: '2026-02-03T15:00:00Z',
      timezone: 'UTC',
    });
    const r = await joined(e, person('expiry'));
    t.clock.set(new Date('2026-02-04T15:00:00Z'));
    await t.http.get(manage(r.manageToken)).expect(200);
    t.clock.set(new Date('2026-02-04T15:00:01Z'));
    const gone = await t.http.get(manage(r.manageToken)).expect(410);
    expect(gone.body.code).toBe('link_expired');
    await t.http.delete(manage(r.manageToken)).expect(410);
    t.clock.set(START);
  });
});
