import { BulletinSender } from '../src/bulletins/bulletin-sender.js';
import { TEMPLATE_NAMES, type TemplateName } from '../src/mail/templates/templates.js';
import { DailyDigest } from '../src/reminders/daily-digest.js';
import { ReminderWorker } from '../src/reminders/reminder.worker.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { rsvpOf } from './support/rsvps.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const BASE = 'http://puente.test';
const SHARE_HOSTS = new Set(['wa.me', 'www.facebook.com', 't.me', 'twitter.com']);
/** The page a share link shares: its `u` or `url` parameter, or the link inside its `text`. */
function sharedPage(link: string): string {
  const q = new URL(link).searchParams;
  return q.get('u') ?? q.get('url') ?? /https?:\/\/\S+/.exec(q.get('text') ?? '')?.[0] ?? link;
}
/** The thank-you mail after signing or pledging, by its subject. */
const isThankYou = (m: { subject: string }) =>
  /^(Thank you for (signing|your pledge)|Gracias por (firmar|tu compromiso)):/.test(m.subject);
/** Thank-you mails whose next step is another action: their links are other pages than the plain one's. */
const NEXT_LETTER = 'action-thanks after a pledge, next: the open letter';
const NEXT_EVENT = 'action-thanks after signing, next: the upcoming event';
/** The test send of a bulletin not sent yet (to the organizer). */
const BULLETIN_TEST = 'bulletin, test send of a draft';
type MailKey = TemplateName | typeof NEXT_LETTER | typeof NEXT_EVENT | typeof BULLETIN_TEST;
const MIN = 60_000;
const HOUR = 60 * MIN;
const ZONE = 'America/Mexico_City';
/** Saturday 2026-03-14, 12:00 in Mexico City: outside quiet hours. */
const NOON_MX = new Date('2026-03-14T18:00:00Z');

/**
 * Every link in every mail resolves: each template is produced by its real flow (so its links are
 * built by the code that builds them in production), sent over SMTP, and every link of its text and
 * HTML parts is requested against the running app, which must answer 2xx or 3xx.
 */
describe('links in mail', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let worker: ReminderWorker;
  let admin: string;
  let org: Staff;
  let campaignId: string;
  let slug: string;
  const mails = new Map<MailKey, ReceivedMail>();

  beforeAll(async () => {
    smtp = await startSmtp();
    // The clock moves days ahead here: staff tokens must outlive it.
    t = await createTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_BASE_URL: BASE,
      PLEDGE_FOLLOWUP_DAYS: '3',
      AUTH_TOKEN_TTL: '30d',
    });
    t.clock.set(NOON_MX);
    worker = t.app.get(ReminderWorker);
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    ({ id: campaignId, slug } = await activeCampaign(t, org.token));
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
  });
  const person = (name: string, extra: object = {}) => ({
    email: `${name}@example.org`,
    firstName: name,
    locale: 'es',
    timezone: ZONE,
    consentEmail: true,
    ...extra,
  });
  /** Waits for the mail of `template` to `to`, sent from mark `from` on, and keeps it. */
  async function caught(template: MailKey, to: string, from: number) {
    // A thank-you mail after signing or pledging can arrive in between: it is its own template.
    const thanks = template === 'action-thanks' || template === NEXT_LETTER || template === NEXT_EVENT;
    const mail = await smtp.waitForMail((m) => m.envelope.to.includes(to) && isThankYou(m) === thanks, from);
    mails.set(template, mail);
  }
  async function tickAt(at: Date) {
    t.clock.set(at);
    await worker.tick();
  }

  it('produces every template through its real flow', async () => {
    // Events: confirmation, change, waitlist offer, reminder, cancellation.
    const startsAt = new Date(NOON_MX.getTime() + 3 * 24 * HOUR);
    const event = (
      await as(org.token)
        .post(`/api/campaigns/${campaignId}/events`)
        .send({
          title: { en: 'Picket', es: 'Piquete' },
          kind: 'picket',
          city: 'Silao',
          venue: 'Puerta 1',
          startsAt: startsAt.toISOString(),
          timezone: ZONE,
          capacity: 2,
          reminderOffsetsMinutes: [1440],
        })
        .expect(201)
    ).body as { id: string; slug: string };
    const rsvp = (name: string) =>
      t.http.post(`/api/public/campaigns/${slug}/events/${event.slug}/rsvps`).send(person(name)).expect(202);
    let mark = smtp.messages.length;
    await rsvp('ana');
    await caught('rsvp-confirmation', 'ana@example.org', mark);
    await rsvp('carl');
    await rsvp('beto'); // waitlisted
    mark = smtp.messages.length;
    await as(org.token).patch(`/api/events/${event.id}`).send({ venue: 'Puerta 2' }).expect(200);
    await caught('event-changed', 'ana@example.org', mark);
    mark = smtp.messages.length;
    // Ana cancels with the link her confirmation mail carries.
    const ana = await rsvpOf(t, { id: event.id }, 'ana@example.org');
    await t.http.delete(`/api/public/rsvps/${ana.token}`).expect(200);
    await caught('waitlist-offer', 'beto@example.org', mark);
    mark = smtp.messages.length;
    await tickAt(new Date(startsAt.getTime() - 24 * HOUR + MIN));
    await caught('event-reminder', 'carl@example.org', mark);
    mark = smtp.messages.length;
    await as(org.token).patch(`/api/events/${event.id}`).send({ status: 'cancelled' }).expect(200);
    await caught('event-cancelled', 'carl@example.org', mark);

    // Supporters: a donate pledge's follow-up.
    t.clock.set(NOON_MX);
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...person('dora'), kind: 'donate', amount: { amount: '25.00', currency: 'USD' } })
      .expect(201);
    await caught('action-thanks', 'dora@example.org', mark);
    mark = smtp.messages.length;
    await tickAt(new Date(NOON_MX.getTime() + 3 * 24 * HOUR + MIN));
    await caught('pledge-followup', 'dora@example.org', mark);

    // Letters: the deadline reminder to a pledged signer; a delivery to a target by email.
    t.clock.set(NOON_MX);
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...person('sara'), kind: 'sign' })
      .expect(201);
    const targets = await t.http.get('/api/targets?country=MX').auth(admin, { type: 'bearer' }).expect(200);
    const targetId = targets.body.items[0].id as string;
    await as(admin).patch(`/api/targets/${targetId}`).send({ email: 'buzon@target.example.org' }).expect(200);
    const deadline = new Date(NOON_MX.getTime() + 5 * 24 * HOUR);
    const action = (
      await as(org.token)
        .post(`/api/campaigns/${campaignId}/letter-actions`)
        .send({
          title: { en: 'Respect the vote', es: 'Respeten el voto' },
          subject: { en: 'Respect the vote', es: 'Respeten el voto' },
          body: { en: 'Respect the vote.', es: 'Respeten el voto.' },
          targetIds: [targetId],
          deadline: deadline.toISOString(),
        })
        .expect(201)
    ).body as { id: string; slug: string };
    await as(org.token).patch(`/api/letter-actions/${action.id}`).send({ status: 'open' }).expect(200);
    mark = smtp.messages.length;
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send({ ...person('eva'), kind: 'support' })
      .expect(201);
    await caught(NEXT_LETTER, 'eva@example.org', mark);
    mark = smtp.messages.length;
    await tickAt(new Date(deadline.getTime() - 47 * HOUR));
    await caught('deadline-reminder', 'sara@example.org', mark);
    // An upcoming event is the next step after the campaign's only letter.
    await as(org.token)
      .post(`/api/campaigns/${campaignId}/events`)
      .send({
        title: { en: 'Meeting', es: 'Asamblea' },
        kind: 'meeting',
        city: 'Silao',
        venue: 'Salón sindical',
        startsAt: new Date(NOON_MX.getTime() + 10 * 24 * HOUR).toISOString(),
        timezone: ZONE,
      })
      .expect(201);
    mark = smtp.messages.length;
    await t.http
      .post(`/api/public/campaigns/${slug}/letters/${action.slug}/signatures`)
      .send(person('sara'))
      .expect(201);
    await caught(NEXT_EVENT, 'sara@example.org', mark);
    mark = smtp.messages.length;
    await as(org.token)
      .post(`/api/letter-actions/${action.id}/deliveries`)
      .send({ targetId, method: 'email', expectedEmail: 'buzon@target.example.org' })
      .expect(201);
    await caught('letter-delivery', 'buzon@target.example.org', mark);

    // A teammate's invitation, and a known supporter's "update my details" after a form.
    mark = smtp.messages.length;
    await as(org.token)
      .post(`/api/organizations/${org.organizationId}/members`)
      .send({ email: 'nueva@example.org', role: 'coordinator' })
      .expect(201);
    await caught('staff-invitation', 'nueva@example.org', mark);
    mark = smtp.messages.length;
    await t.http
      .post(`/api/public/campaigns/${slug}/pledges`)
      .send(person('sara', { firstName: 'Sarita', kind: 'volunteer' }))
      .expect(201);
    await caught('details-update', 'sara@example.org', mark);

    // The organizer's daily digest.
    await t.app.get(DailyDigest).schedule(t.clock.now());
    mark = smtp.messages.length;
    const { rows } = await t.db.query<{ due_at: Date }>(
      `SELECT due_at FROM reminders WHERE kind = 'daily-digest' AND status = 'pending' ORDER BY due_at LIMIT 1`,
    );
    await tickAt(new Date(rows[0].due_at.getTime() + MIN));
    await caught('daily-digest', org.email.toLowerCase(), mark);

    // A bulletin to the supporters who signed (its web version, the unsubscribe link and header).
    const audience = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Firmantes', filter: { did: [{ action: 'signed' }] } })
      .expect(201);
    const bulletin = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/bulletins`)
      .send({
        subject: { es: 'Noticias' },
        body: { es: 'Hola, {{supporter.firstName}}' },
        audienceId: audience.body.id,
      })
      .expect(201);
    // Its test send while it is still a draft — of another bulletin, which stays a draft.
    const draft = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/bulletins`)
      .send({ subject: { es: 'Borrador' }, body: { es: 'Todavía no' }, audienceId: audience.body.id })
      .expect(201);
    mark = smtp.messages.length;
    await as(org.token).post(`/api/bulletins/${draft.body.id}/test`).send({}).expect(200);
    await caught(BULLETIN_TEST, org.email.toLowerCase(), mark);
    mark = smtp.messages.length;
    await as(org.token).post(`/api/bulletins/${bulletin.body.id}/send`).expect(200);
    for (let i = 0; i < 10 && (await t.app.get(BulletinSender).tick()).claimed > 0; i++)
      t.clock.advance(1100);
    await caught('bulletin', 'sara@example.org', mark);

    // A data request last: its link expires 24 h after it, and the clock moved on above.
    mark = smtp.messages.length;
    await t.http.post('/api/public/supporters/data-requests').send({ email: 'ana@example.org' }).expect(202);
    await caught('data-request', 'ana@example.org', mark);

    expect([...mails.keys()].sort()).toEqual(
      [...TEMPLATE_NAMES, NEXT_LETTER, NEXT_EVENT, BULLETIN_TEST].sort(),
    );
    // The variants do carry their next step.
    expect(mails.get(NEXT_LETTER)!.text).toContain(`${BASE}/c/${slug}/letters/${action.slug}`);
    expect(mails.get(NEXT_EVENT)!.text).toMatch(new RegExp(`${BASE}/c/${slug}/events/[a-z0-9-]+`));
  });

  it.each<MailKey>([...TEMPLATE_NAMES, NEXT_LETTER, NEXT_EVENT, BULLETIN_TEST])(
    'every link in the %s mail answers 2xx or 3xx',
    async (template) => {
      const mail = mails.get(template);
      expect(mail).toBeDefined();
      const links = new Set(
        [...`${mail!.text}\n${mail!.html}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) =>
          m[0].replace(/&amp;/g, '&').replace(/[.,;]+$/, ''),
        ),
      );
      if (mail!.headers['list-unsubscribe'])
        for (const m of mail!.headers['list-unsubscribe'].matchAll(/<(https?:[^>]+)>/g)) links.add(m[1]);
      for (const found of links) {
        // Every link points at this app, or is a share link (WhatsApp, Facebook, Telegram, X) carrying
        // one of this app's pages, which must answer too.
        const link = SHARE_HOSTS.has(new URL(found).host) ? sharedPage(found) : found;
        expect([found, link.startsWith(`${BASE}/`)]).toEqual([found, true]);
        const res = await t.http.get(link.slice(BASE.length));
        expect([link, res.status < 400]).toEqual([link, true]);
      }
    },
  );
});
