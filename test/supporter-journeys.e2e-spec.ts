import type { Page } from 'playwright-core';
import supertest from 'supertest';
import { expectAccessible } from './support/axe.js';
import { openBrowser, PHONE, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

/** A supporter on a phone (390×844): action first, errors that can be found, calendars, money, next steps. */
describe('supporter journeys on a phone', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let org: Staff;
  let campaign: { id: string; slug: string };
  let fundraiserId: string;

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
  });

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    const admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer', 'Comité Silao');
    await as(org.token)
      .patch(`/api/organizations/${org.organizationId}`)
      .send({ senderName: 'Comité de Solidaridad Silao', replyTo: 'comite@example.org' })
      .expect(200);
    campaign = await activeCampaign(t, org.token, {
      summary: { en: 'Workers at Silao are winning.', es: 'Las y los trabajadores de Silao están ganando.' },
      body: {
        en: Array.from({ length: 8 }, (_, i) => `Paragraph ${i} of a long story about the plant.`).join(
          '\n\n',
        ),
        es: Array.from({ length: 8 }, (_, i) => `Párrafo ${i} de una larga historia de la planta.`).join(
          '\n\n',
        ),
      },
    });
    const targets = await as(org.token).get('/api/targets?limit=100').expect(200);
    const targetIds = (targets.body.items as { id: string }[]).slice(0, 1).map((x) => x.id);
    for (const [slug, en, es] of [
      ['dol', 'Ask the DOL to act', 'Pide al DOL que actúe'],
      ['ustr', 'Ask the USTR for a review', 'Pide al USTR una revisión'],
    ]) {
      const l = await as(org.token)
        .post(`/api/campaigns/${campaign.id}/letter-actions`)
        .send({
          slug,
          title: { en, es },
          subject: { en: 'Act now', es: 'Actúen ya' },
          body: { en: 'Dear {{target.name}},\n\nPlease act.', es: 'Estimada {{target.name}}:\n\nActúen.' },
          targetIds,
        })
        .expect(201);
      await as(org.token).patch(`/api/letter-actions/${l.body.id}`).send({ status: 'open' }).expect(200);
    }
    await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'picket',
        title: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' },
        kind: 'picket',
        venue: 'GM Renaissance Center',
        address: '300 Renaissance Center',
        city: 'Detroit',
        country: 'US',
        startsAt: '2030-06-01T17:00:00Z', // 1 pm in Detroit (EDT)
        endsAt: '2030-06-01T19:00:00Z',
        timezone: 'America/Detroit',
      })
      .expect(201);
    await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'call',
        title: { en: 'Solidarity call', es: 'Llamada de solidaridad' },
        kind: 'online',
        onlineUrl: 'https://meet.example.org/silao',
        startsAt: '2030-07-01T00:00:00Z',
        timezone: 'America/Mexico_City',
      })
      .expect(201);
    const fund = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/fundraisers`)
      .send({
        title: { en: 'Strike fund', es: 'Fondo de huelga' },
        goal: { amount: '150000', currency: 'MXN' },
        giving: [
          {
            method: 'oxxo',
            currency: 'MXN',
            details: {
              es: 'Depósito en OXXO a la tarjeta 4152 0000 1111 2222.',
              en: 'OXXO deposit to card 4152 0000 1111 2222.',
            },
          },
          { method: 'link', currency: 'USD', url: 'https://donate.example.org/silao' },
        ],
      })
      .expect(201);
    fundraiserId = fund.body.id as string;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function withPhone(fn: (page: Page) => Promise<void>, locale = 'en-US') {
    let b: Browser | undefined;
    try {
      b = await openBrowser({ phone: true, locale });
      await fn(b.page);
    } finally {
      await b?.close();
    }
  }

  /** The element is inside the first phone screen, without scrolling. */
  async function inFirstScreen(page: Page, selector: string) {
    const box = await page.locator(selector).first().boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
  }

  const mailTo = (to: string, from = 0) =>
    smtp.waitForMail((m: ReceivedMail) => m.envelope.to.includes(to), from, 10_000);

  it('puts the sign button in the first screen, opens an error at its summary with focus on the field, and accepts “México”', async () => {
    await withPhone(async (page) => {
      await page.goto(`${base}/c/${campaign.slug}/letters/dol?lang=es`);
      await inFirstScreen(page, '[data-testid="cta"]');
      await expectAccessible(page);
      await screenshots(page, 'journey-letter');

      await page.getByTestId('cta').click();
      await page.locator('#f-email').fill('no-es-correo');
      await page.locator('#f-firstName').fill('Ana');
      await page.locator('#f-country').fill('México');
      await page.getByRole('button', { name: 'Firmar la carta' }).click();
      await page.waitForLoadState('load');
      await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('f-email');
      await inFirstScreen(page, '#errors');
      const summary = page.locator('#errors');
      await expect(summary.locator('h2').textContent()).resolves.toBe('Hay un problema con lo que enviaste');
      await expect(summary.locator('a').first().getAttribute('href')).resolves.toBe('#f-email');
      // Every typed value is kept.
      await expect(page.locator('#f-country').inputValue()).resolves.toBe('México');
      await expectAccessible(page);
      await screenshots(page, 'journey-letter-error');

      await page.locator('#f-email').fill('ana.journey@example.org');
      await page.getByRole('button', { name: 'Firmar la carta' }).click();
      await page.waitForURL(/\/thanks/);
      await expect(page.locator('h1').textContent()).resolves.toContain('Gracias');
      // The next step is the other open letter; WhatsApp is the first share button in Spanish.
      await expect(page.getByTestId('next-step').textContent()).resolves.toContain(
        'Pide al USTR una revisión',
      );
      await expect(page.locator('.share a').first().getAttribute('href')).resolves.toMatch(
        /^https:\/\/wa\.me\//,
      );
      await expectAccessible(page);
      await screenshots(page, 'journey-letter-thanks');
    }, 'es-MX');
    const { rows: signed } = await t.db.query(
      `SELECT s.country FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = $1`,
      ['ana.journey@example.org'],
    );
    expect(signed).toEqual([{ country: 'MX' }]);
  });

  it('shows add-to-calendar links on the event’s own clock, before and after the RSVP, and links back to the campaign', async () => {
    await withPhone(async (page) => {
      await page.goto(`${base}/c/${campaign.slug}/events/picket`);
      await inFirstScreen(page, '[data-testid="cta"]');
      const google = new URL((await page.getByTestId('cal-google').getAttribute('href'))!);
      expect(google.searchParams.get('dates')).toBe('20300601T130000/20300601T150000');
      expect(google.searchParams.get('ctz')).toBe('America/Detroit');
      const outlook = new URL((await page.getByTestId('cal-outlook').getAttribute('href'))!);
      expect(outlook.searchParams.get('startdt')).toBe('2030-06-01T13:00:00-04:00');
      await expect(page.getByTestId('cal-apple').getAttribute('href')).resolves.toBe(
        `/c/${campaign.slug}/events/picket/event.ics`,
      );
      await expect(page.getByTestId('campaign-link').getAttribute('href')).resolves.toBe(
        `/c/${campaign.slug}`,
      );
      await expect(page.locator('#f-guests').count()).resolves.toBe(1);
      await expectAccessible(page);
      await screenshots(page, 'journey-event');

      await page.locator('#f-email').fill('rsvp.journey@example.org');
      await page.locator('#f-firstName').fill('Rita');
      await page.getByRole('button', { name: 'RSVP' }).click();
      await page.waitForLoadState('load');
      const after = new URL((await page.getByTestId('cal-google').getAttribute('href'))!);
      expect(after.searchParams.get('dates')).toBe('20300601T130000/20300601T150000');
      await expect(page.getByTestId('next-step').count()).resolves.toBe(1);
      await expectAccessible(page);
      await screenshots(page, 'journey-rsvp-thanks');

      // Its confirmation mail proposes the same next step, with share links.
      const mail = await mailTo('rsvp.journey@example.org');
      expect(mail.headers.from).toContain('Comité de Solidaridad Silao');
      expect(mail.text).toContain('Next: sign “Ask the DOL to act”');
      expect(mail.text).toContain('https://wa.me/?text=');

      // An online event asks for no guests and no postal code.
      await page.goto(`${base}/c/${campaign.slug}/events/call`);
      await expect(page.locator('#f-guests').count()).resolves.toBe(0);
      await expect(page.locator('#f-postalCode').count()).resolves.toBe(0);
      await expectAccessible(page);
    });
  });

  it('shows money with its code on a Spanish page, how to give, and after a gift pledge the next step', async () => {
    await withPhone(async (page) => {
      await page.goto(`${base}/c/${campaign.slug}?lang=es`);
      await inFirstScreen(page, '[data-testid="cta"]');
      const funds = (await page.locator('#give').textContent())!;
      expect(funds).toMatch(/MXN\s150,000/);
      expect(funds).not.toMatch(/\$/);
      await expect(page.getByTestId('giving').textContent()).resolves.toContain('4152 0000 1111 2222');
      await expectAccessible(page);
      await screenshots(page, 'journey-campaign');

      await page.getByTestId('cta').click();
      await page.locator('#f-kind').selectOption('donate');
      await page.locator('#f-amount').fill('1,500');
      await page.locator('#f-currency').selectOption('MXN');
      await page.locator('#f-email').fill('gift.journey@example.org');
      await page.locator('#f-firstName').fill('Guadalupe');
      await page.getByRole('button', { name: 'Enviar' }).click();
      await page.waitForURL(/\/thanks\?kind=donate/);
      await expect(page.getByTestId('giving').textContent()).resolves.toContain('OXXO');
      await expect(page.getByTestId('next-step').textContent()).resolves.toContain('Pide al DOL que actúe');
      await expectAccessible(page);
      await screenshots(page, 'journey-pledge-thanks');
    }, 'es-MX');
    const {
      rows: [p],
    } = await t.db.query(
      `SELECT p.amount_minor::text AS minor, p.currency FROM pledges p JOIN supporters s ON s.id = p.supporter_id
        WHERE s.email = $1`,
      ['gift.journey@example.org'],
    );
    expect(p).toEqual({ minor: '150000', currency: 'MXN' });
  });

  it('thanks a signer once by mail, in her language, from the organization, with the next step', async () => {
    const from = smtp.messages.length;
    const body = { email: 'mail.signer@example.org', firstName: 'Marta', locale: 'es' };
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/ustr/signatures`)
      .send(body)
      .expect(201);
    const mail = await mailTo('mail.signer@example.org', from);
    expect(mail.subject).toBe('Gracias por firmar: Pide al USTR una revisión');
    expect(mail.headers.from).toContain('Comité de Solidaridad Silao');
    expect(mail.headers['reply-to']).toContain('comite@example.org');
    expect(mail.text).toContain('Hola, Marta:');
    expect(mail.text).toContain('Lo que sigue: firma “Pide al DOL que actúe”');
    expect(mail.text).toContain('https://wa.me/?text=');
    // Her share links carry her own share code, which credits her with whoever follows them.
    const [{ share_code: code }] = (
      await t.db.query(`SELECT share_code FROM supporters WHERE email = 'mail.signer@example.org'`)
    ).rows;
    expect(mail.text).toContain(encodeURIComponent(`/letters/ustr?ref=${code}`));
    // A repeat is the same answer and no second thank-you.
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/ustr/signatures`)
      .send(body)
      .expect(201);
    await t.http.post(`/api/public/campaigns/${campaign.slug}/letters/dol/signatures`).send(body).expect(201);
    await mailTo('mail.signer@example.org', smtp.messages.indexOf(mail) + 1); // the second letter's
    const thanks = smtp.messages
      .slice(from)
      .filter((m) => m.envelope.to.includes('mail.signer@example.org') && m.subject.includes('USTR'));
    expect(thanks).toHaveLength(1);
    // A third thank-you within the hour is not sent: a busy supporter is not flooded.
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/pledges`)
      .send({ ...body, kind: 'volunteer' })
      .expect(201);
    let third: { status: string; last_error: string | null } | undefined;
    for (let i = 0; i < 50 && third?.status !== 'skipped'; i++) {
      ({
        rows: [third],
      } = await t.db.query(
        `SELECT r.status, r.last_error FROM reminders r JOIN supporters s ON s.id = r.supporter_id
          WHERE s.email = $1 AND r.dedupe_key LIKE 'thanks:pledge:%'`,
        ['mail.signer@example.org'],
      ));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(third).toEqual({ status: 'skipped', last_error: '2 thank-yous in the last hour already' });
  });

  it('thanks a pledger by mail with the amount in its code and how to give, once', async () => {
    const from = smtp.messages.length;
    const body = {
      email: 'mail.pledger@example.org',
      firstName: 'Pat',
      locale: 'en',
      kind: 'donate',
      amount: { amount: '80', currency: 'USD' },
    };
    await t.http.post(`/api/public/campaigns/${campaign.slug}/pledges`).send(body).expect(201);
    const mail = await mailTo('mail.pledger@example.org', from);
    expect(mail.subject).toMatch(/^Thank you for your pledge: /);
    expect(mail.text.replace(/\u00a0/g, ' ')).toContain('(USD 80)');
    expect(mail.text).toContain('USD · Online payment: https://donate.example.org/silao');
    expect(mail.text).toContain('Next: sign “Ask the DOL to act”');
    await t.http.post(`/api/public/campaigns/${campaign.slug}/pledges`).send(body).expect(201);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM reminders WHERE kind = 'action-thanks' AND dedupe_key LIKE 'thanks:pledge:%'
          AND supporter_id = (SELECT id FROM supporters WHERE email = $1)`,
      ['mail.pledger@example.org'],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('keeps a hidden address out of the calendar links, before and after the RSVP', async () => {
    await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'secret-meeting',
        title: { en: 'Organizing meeting', es: 'Reunión de organización' },
        kind: 'meeting',
        venue: 'Hidden Hall',
        address: '12 Quiet Street',
        city: 'León',
        country: 'MX',
        startsAt: '2030-08-01T23:00:00Z',
        timezone: 'America/Mexico_City',
        revealAddressHoursBefore: 24,
      })
      .expect(201);
    const agent = supertest.agent(base);
    const page = await agent.get(`/c/${campaign.slug}/events/secret-meeting`).expect(200);
    const after = await agent
      .post(`/c/${campaign.slug}/events/secret-meeting`)
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1],
        email: 'hidden.rsvp@example.org',
        firstName: 'Hilda',
      })
      .expect(200);
    for (const html of [page.text, after.text]) {
      expect([...html.matchAll(/data-testid="cal-(?:google|outlook)"/g)]).toHaveLength(2);
      expect(html).not.toContain('Quiet Street');
      expect(html).not.toContain('Hidden Hall');
      expect(html).toContain('20300801T170000%2F20300801T190000'); // 5 pm in León (UTC−6)
    }
  });

  it('refuses a way to give that has neither link nor details, or a link that is not http(s)', async () => {
    const bad = await as(org.token)
      .patch(`/api/fundraisers/${fundraiserId}`)
      .send({
        giving: [
          { method: 'link', currency: 'USD', url: 'javascript:alert(1)' },
          { method: 'bank', currency: 'MXN' },
        ],
      })
      .expect(400);
    const fields = (bad.body.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['giving.0.url', 'giving.1.url']));
    const wrong = await as(org.token)
      .patch(`/api/fundraisers/${fundraiserId}`)
      .send({ giving: [{ method: 'cheque', currency: 'XYZ', details: { en: 'x' } }] })
      .expect(400);
    expect((wrong.body.details as { field: string }[]).map((d) => d.field)).toEqual(
      expect.arrayContaining(['giving.0.method', 'giving.0.currency']),
    );
    const doc = await t.http.get('/api/docs-json').expect(200);
    expect(JSON.stringify(doc.body.components.schemas.GivingMethodDto)).toContain('oxxo');
  });

  it('lets an organizer add a bank transfer in the fundraiser form, keeping a bad row with its error', async () => {
    let b: Browser | undefined;
    try {
      b = await openBrowser({ phone: true });
      const page = b.page;
      await page.goto(`${base}/admin/login`);
      await page.locator('#f-email').fill(org.email);
      await page.locator('#f-password').fill('a-long-enough-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/admin`);
      await page.goto(`${base}/admin/fundraisers/${fundraiserId}/edit`);
      await expect(page.locator('#f-giving0_currency').inputValue()).resolves.toBe('MXN');
      await expect(page.locator('#f-giving1_url').inputValue()).resolves.toBe(
        'https://donate.example.org/silao',
      );
      await expectAccessible(page);
      await page.locator('#f-giving2_method').selectOption('bank');
      await page.locator('#f-giving2_currency').fill('mxn');
      await page.locator('#f-giving2_url').fill('not a link');
      await page.locator('#f-giving2_details_es').fill('CLABE 0121 8000 1234 5678 90, BBVA');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForLoadState('load');
      await expect(page.locator('#f-giving2_details_es').inputValue()).resolves.toBe(
        'CLABE 0121 8000 1234 5678 90, BBVA',
      );
      await expect(page.locator('#e-giving2_url').count()).resolves.toBe(1);
      await expectAccessible(page);
      await screenshots(page, 'journey-fundraiser-giving-error');
      await page.locator('#f-giving2_url').fill('');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/admin\/campaigns\//);
    } finally {
      await b?.close();
    }
    const f = await as(org.token).get(`/api/fundraisers/${fundraiserId}`).expect(200);
    expect(f.body.giving).toEqual([
      expect.objectContaining({ method: 'oxxo', currency: 'MXN' }),
      { method: 'link', currency: 'USD', url: 'https://donate.example.org/silao' },
      { method: 'bank', currency: 'MXN', details: { es: 'CLABE 0121 8000 1234 5678 90, BBVA' } },
    ]);
    const page = await t.http.get(`/c/${campaign.slug}?lang=es`).expect(200);
    expect(page.text).toContain('CLABE 0121 8000 1234 5678 90, BBVA');
    expect(page.text).toContain('Transferencia bancaria');
  });
});
