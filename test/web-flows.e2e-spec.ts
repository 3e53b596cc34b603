import type { Page } from 'playwright-core';
import supertest from 'supertest';
import { PrivacyService } from '../src/supporters/privacy.service.js';
import { expectAccessible } from './support/axe.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { rsvpOf } from './support/rsvps.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

const PASSWORD = 'a-long-enough-password';

async function withBrowser(opts: { phone?: boolean }, fn: (page: Page) => Promise<void>) {
  let b: Browser | undefined;
  try {
    b = await openBrowser(opts);
    await fn(b.page);
  } finally {
    await b?.close();
  }
}

/** RSVPs on the event page, then opens the manage link her mailbox got (the page itself shows none). */
async function rsvp(t: TestApp, page: Page, url: string, email: string, firstName: string): Promise<string> {
  await page.goto(url);
  await page.locator('#f-email').fill(email);
  await page.locator('#f-firstName').fill(firstName);
  await page.getByRole('button', { name: 'RSVP' }).click();
  await expect(page.locator('main').textContent()).resolves.toContain('We sent a mail to that address');
  const { token } = await rsvpOf(t, { slug: url.split('/').pop()! }, email);
  const manage = `${new URL(url).origin}/rsvp/${token}`;
  await page.goto(manage);
  return manage;
}

async function logIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/admin/login`);
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/admin`);
}

/** Supporter link pages and the rest of the console, in a real Chromium. */
describe('web flows in a browser', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let admin: string;
  let org: Staff;
  let coord: Staff;
  let campaign: { id: string; slug: string };
  let eventId: string;
  const startsAt = new Date('2030-06-01T17:00:00Z');

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
  });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer', 'Olga Organizer');
    coord = await createStaff(t, admin, 'coordinator', 'Carlos Coordinator');
    campaign = await activeCampaign(t, org.token);
    await addMember(t, org.token, campaign.id, coord.id, 'coordinator');
    const e = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'one-seat',
        title: { en: 'Delegation meeting', es: 'Reunión de la delegación' },
        kind: 'meeting',
        venue: 'Union hall',
        city: 'Silao',
        country: 'MX',
        startsAt: startsAt.toISOString(),
        timezone: 'America/Mexico_City',
        capacity: 1,
      })
      .expect(201);
    eventId = e.body.id as string;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  afterEach(() => t.clock.reset());

  it('offers a freed seat to the waitlist, claims it, then checks in with the venue code', async () => {
    const eventUrl = `${base}/c/${campaign.slug}/events/one-seat`;
    await withBrowser({ phone: true }, async (page) => {
      const first = await rsvp(t, page, eventUrl, 'first@example.org', 'Primera');
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain('You are going.');
      const second = await rsvp(t, page, eventUrl, 'second@example.org', 'Segunda');
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain(
        'You are on the waitlist.',
      );
      await screenshots(page, 'rsvp-waitlisted');

      await page.goto(first);
      await page.locator('summary', { hasText: 'Cancel my RSVP' }).click();
      await page.getByRole('button', { name: 'Yes, cancel my RSVP' }).click();
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain(
        'Your RSVP is cancelled.',
      );

      await page.goto(second);
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain(
        'A seat is held for you!',
      );
      await screenshots(page, 'rsvp-offered');
      await page.getByRole('button', { name: 'Claim my seat' }).click();
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain('You are going.');

      // Self check-in opens two hours before the start: one hour before, with the code shown at the door.
      const code = (await as(org.token).get(`/api/events/${eventId}`).expect(200)).body.checkinCode as string;
      t.clock.set(new Date(startsAt.getTime() - 3_600_000));
      await page.goto(`${second}?lang=es`);
      await page.getByLabel('Código que se muestra en el lugar').fill('WRONG1');
      await page.getByRole('button', { name: 'Registrar mi llegada' }).click();
      expect(await page.locator('#e-code').count()).toBe(1);
      await page.getByLabel('Código que se muestra en el lugar').fill(code);
      await page.getByRole('button', { name: 'Registrar mi llegada' }).click();
      await expect(page.locator('.notice.ok').last().textContent()).resolves.toContain(
        'Tu llegada quedó registrada',
      );
      await screenshots(page, 'rsvp-checked-in');
    });
    const rows = await t.db.query(
      `SELECT s.email, r.status, r.checked_in_at IS NOT NULL AS "in" FROM rsvps r JOIN supporters s ON s.id = r.supporter_id ORDER BY s.email`,
    );
    expect(rows.rows).toEqual([
      { email: 'first@example.org', status: 'cancelled', in: false },
      { email: 'second@example.org', status: 'going', in: true },
    ]);
  });

  it('unsubscribes only when the button is pressed', async () => {
    const { rows } = await t.db.query(`SELECT id FROM supporters WHERE email = 'second@example.org'`);
    await t.db.query(`UPDATE supporters SET email_consent = true WHERE id = $1`, [rows[0].id]);
    const url = t.app.get(PrivacyService).unsubscribeUrl(rows[0].id as string);
    const path = url.slice(url.indexOf('/unsubscribe/'));
    const consent = async () =>
      (await t.db.query(`SELECT email_consent AS c FROM supporters WHERE id = $1`, [rows[0].id])).rows[0].c;
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(`${base}${path}?lang=es`);
      expect(await page.getByRole('button', { name: 'Darme de baja' }).count()).toBe(1);
      await screenshots(page, 'unsubscribe');
      // Opening the link (a mail scanner would) changes nothing.
      await page.reload();
      expect(await consent()).toBe(true);
      await page.getByRole('button', { name: 'Darme de baja' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toContain('Ya no recibirás');
      await screenshots(page, 'unsubscribe-done');
    });
    expect(await consent()).toBe(false);
  });

  it('answers a data request the same for known and unknown emails, then downloads and erases', async () => {
    const before = smtp.messages.length;
    await withBrowser({ phone: true }, async (page) => {
      const answers: string[] = [];
      for (const email of ['nobody@example.org', 'first@example.org']) {
        await page.goto(`${base}/my-data`);
        await page.locator('#f-email').fill(email);
        await page.getByRole('button', { name: 'Send me the link' }).click();
        answers.push((await page.locator('main').textContent()) ?? '');
      }
      expect(answers[0]).toContain('If we hold data for this address');
      expect(answers[1]).toBe(answers[0]);
      await screenshots(page, 'my-data-sent');

      const sent = (await smtp.waitFor(before + 1)).slice(before);
      expect(sent.map((m) => m.envelope.to)).toEqual([['first@example.org']]);
      const mail = sent[0];
      const path = /\/my-data\/\S+/.exec(mail.text)![0];
      await page.goto(`${base}${path}`);
      await screenshots(page, 'my-data-token');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download my data (JSON)' }).click(),
      ]);
      const chunks: Buffer[] = [];
      for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString('utf8')).toContain('first@example.org');

      // Erasing takes a second, explicit step.
      expect(await page.getByRole('button', { name: 'I understand, erase my data' }).isVisible()).toBe(false);
      await page.locator('summary', { hasText: 'Erase' }).click();
      await page.getByRole('button', { name: 'I understand, erase my data' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toBe('Your data has been erased.');
      await screenshots(page, 'my-data-erased');
    });
    const n = await t.db.query(`SELECT count(*)::int AS n FROM supporters WHERE email = 'first@example.org'`);
    expect(n.rows[0].n).toBe(0);
  });

  it('an organizer manages the team, edits a letter with its preview, cancels an event, and sees reminders', async () => {
    const extra = await createStaff(t, admin, 'coordinator', 'Rita Runner');
    const targets = await as(org.token).get('/api/targets?limit=5').expect(200);
    const letter = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        slug: 'to-gm',
        title: { en: 'Write to GM', es: 'Escribe a GM' },
        subject: { en: 'Respect the vote', es: 'Respeten el voto' },
        body: { en: 'Dear {{target.name}},\n\nRespect it.', es: 'Estimada {{target.name}}:\n\nRespétenlo.' },
        targetIds: [targets.body.items[0].id],
      })
      .expect(201);
    // A failed reminder to resend (the worker is off in tests).
    const r = await t.db.query(
      `SELECT count(*)::int AS n FROM reminders WHERE campaign_id = $1 AND status = 'pending'`,
      [campaign.id],
    );
    expect(r.rows[0].n).toBeGreaterThan(0);
    await t.db.query(
      `UPDATE reminders SET status = 'failed', attempts = 5, last_error = '550 mailbox unavailable'
        WHERE id = (SELECT id FROM reminders WHERE campaign_id = $1 AND status = 'pending' ORDER BY due_at LIMIT 1)`,
      [campaign.id],
    );

    await withBrowser({}, async (page) => {
      await logIn(page, base, org.email);
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);

      // Team: invite Rita by email as a coordinator of this campaign; she accepts from the mail with
      // her account's password; then she is removed.
      await page.getByRole('link', { name: 'Team' }).click();
      const before = smtp.messages.length;
      await page.locator('#f-email').fill(extra.email);
      await page.locator('#f-role').selectOption('coordinator');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toContain('Invitation sent');
      const mail = await smtp.waitForMail((m) => m.envelope.to[0] === extra.email, before);
      const link = new URL(/https?:\/\/\S+\/invitations\/[A-Za-z0-9._-]+/.exec(mail.text)![0]);
      await page.goto(`${base}${link.pathname}`);
      await page.locator('#f-password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Accept the invitation' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Join the team');
      await expect(page.locator('main p').first().textContent()).resolves.toContain('Welcome');
      await page.goto(`${base}/admin/campaigns/${campaign.id}/members`);
      await expect(page.getByTestId('members').textContent()).resolves.toContain('Rita Runner');
      await screenshots(page, 'admin-members');
      // Removing asks first, saying what happens.
      await page.locator('summary', { hasText: 'Remove: Rita Runner' }).click();
      await expect(page.getByText('Rita Runner will lose access').isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Yes, remove Rita Runner' }).click();
      await page.waitForLoadState();
      expect(await page.getByTestId('members').textContent()).not.toContain('Rita Runner');

      // Letter: change the Spanish text, preview it side by side, save.
      await page.goto(`${base}/admin/letters/${letter.body.id}/edit`);
      await page.locator('#f-body_es').fill('Estimada {{target.name}}:\n\nRespeten el voto.');
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(page.getByTestId('preview-es').textContent()).resolves.toContain('Respeten el voto.');
      expect(await page.getByTestId('preview-es').textContent()).toContain(targets.body.items[0].name.es);
      await screenshots(page, 'admin-letter-edit');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL(/#letters$/);

      // Event: cancel it with a note.
      await page.goto(`${base}/admin/events/${eventId}/edit`);
      await screenshots(page, 'admin-event-edit');
      await page.locator('#f-note').fill('Moved online.');
      await page.getByRole('button', { name: 'Cancel the event' }).click();
      await page.waitForURL(/#events$/);
      await expect(page.locator('#events .badge').first().textContent()).resolves.toBe('Cancelled');

      // Reminders: the list renders with statuses; the failed one is resent.
      await page.getByRole('link', { name: 'Reminders and messages' }).click();
      await expect(page.getByTestId('reminders').textContent()).resolves.toContain('Failed');
      await screenshots(page, 'admin-reminders');
      await page.getByRole('button', { name: 'Resend' }).first().click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toBe('Queued again.');

      // The report as a PDF, through the session.
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);
      const [pdf] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the report (PDF)' }).click(),
      ]);
      expect(pdf.suggestedFilename()).toMatch(/^report-.*\.pdf$/);

      // Exchange rates and targets, in Spanish.
      await page.goto(`${base}/admin/organizations/${org.organizationId}/exchange-rates?lang=es`);
      await page.locator('#f-rate').fill('0.058');
      await page.locator('#f-validFrom').fill('2026-03-01');
      await page.getByRole('button', { name: 'Guardar' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toBe('Tipo de cambio guardado.');
      await screenshots(page, 'admin-rates');
      // A mistyped rate is corrected, with a reason for the audit log; a bad value keeps what was typed.
      await page.locator('#fix-rate').fill('cero');
      await page.getByRole('button', { name: 'Guardar la corrección' }).click();
      await expect(page.locator('#fix-e-rate').isVisible()).resolves.toBe(true);
      await expect(page.locator('#fix-rate').inputValue()).resolves.toBe('cero');
      await expectAccessible(page);
      await page.locator('#fix-rate').fill('0.0585');
      await page.locator('#fix-reason').fill('Se escribió 0.058');
      await page.getByRole('button', { name: 'Guardar la corrección' }).click();
      await expect(page.locator('.notice.ok').textContent()).resolves.toContain('Tipo de cambio corregido');
      await expect(page.getByTestId('rates').textContent()).resolves.toContain('0.0585');
      await expectAccessible(page);
      await screenshots(page, 'admin-rate-corrected');
      await page.goto(`${base}/admin/organizations/${org.organizationId}/targets`);
      await page.locator('summary', { hasText: 'Nuevo destinatario' }).click();
      await page.locator('#f-name_es').fill('Secretaría del Trabajo');
      await page.locator('#f-name_en').fill('Secretariat of Labor');
      await page.locator('#f-country').fill('MX');
      await page.getByRole('button', { name: 'Crear' }).click();
      await expect(page.getByTestId('own-targets').textContent()).resolves.toContain(
        'Secretaría del Trabajo',
      );
      await screenshots(page, 'admin-targets');
    });
    const body = await as(org.token).get(`/api/letter-actions/${letter.body.id}`).expect(200);
    expect((body.body.body.es as string).replace(/\r\n/g, '\n')).toBe(
      'Estimada {{target.name}}:\n\nRespeten el voto.',
    );
    const ev = await as(org.token).get(`/api/events/${eventId}`).expect(200);
    expect(ev.body.status).toBe('cancelled');
    const members = await as(org.token).get(`/api/campaigns/${campaign.id}/members`).expect(200);
    expect((members.body as { userId: string }[]).map((m) => m.userId)).not.toContain(extra.id);
    const { rows: corrected } = await t.db.query(
      `SELECT actor_user_id, details FROM audit_log WHERE action = 'exchange_rate.updated'`,
    );
    expect(corrected).toEqual([
      {
        actor_user_id: org.id,
        details: expect.objectContaining({ to: '0.0585', reason: 'Se escribió 0.058' }),
      },
    ]);
    const failed = await t.db.query(`SELECT count(*)::int AS n FROM reminders WHERE status = 'failed'`);
    expect(failed.rows[0].n).toBe(0);
  });

  it('a coordinator sees reminders but no team, rate or target controls, and is refused them', async () => {
    await withBrowser({}, async (page) => {
      await logIn(page, base, coord.email);
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);
      expect(await page.getByRole('link', { name: 'Team' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Reminders and messages' }).click();
      expect(await page.getByTestId('reminders').count()).toBe(1);
      const team = await page.goto(`${base}/admin/campaigns/${campaign.id}/members`);
      expect(team?.status()).toBe(403);
      await page.goto(`${base}/admin/exchange-rates`);
      expect(page.url()).toContain(`/admin/organizations/${org.organizationId}/exchange-rates`);
      expect(await page.locator('form[action$="/exchange-rates"]').count()).toBe(0);
      await page.goto(`${base}/admin/targets`);
      expect(await page.locator('form[action="/admin/targets"]').count()).toBe(0);
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(`${base}/admin/targets`, {
        form: { _csrf: csrf, name: 'Nope', kind: 'other' },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(403);
    });
  });
});

describe('rate-limited page posts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '2' });
  }, 60_000);
  afterAll(() => t?.close());

  it('answers a page in the reader’s language, not JSON, with Retry-After', async () => {
    const agent = supertest.agent(t.app.getHttpServer());
    const form = await agent.get('/my-data?lang=es').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    for (let i = 0; i < 2; i++) {
      await agent
        .post('/my-data')
        .type('form')
        .send({ _csrf: token, email: `r${i}@example.org` })
        .expect(202);
    }
    const res = await agent.post('/my-data').type('form').send({ _csrf: token, email: 'x@example.org' });
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toContain('text/html');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).toContain('<html lang="es">');
    expect(res.text).toContain('Demasiados envíos');
  });
});
