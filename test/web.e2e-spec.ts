import type { Page } from 'playwright-core';
import supertest from 'supertest';
import { axeFindings, expectAccessible } from './support/axe.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { rsvpOf } from './support/rsvps.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

/** The web pages in a real Chromium against the real app on a loopback port. */
describe('web pages in a browser', () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let org: Staff;
  let coord: Staff;
  let campaign: { id: string; slug: string };
  const password = 'a-long-enough-password';

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
  });

  beforeAll(async () => {
    t = await createTestApp();
    base = await listenForBrowser(t);
    admin = await adminToken(t);
    // Realistic names and texts: the campaign, letter and console pages here are the README's pictures.
    org = await createStaff(t, admin, 'organizer', 'María López', {
      organization: 'Comité de Solidaridad México–EE. UU.',
    });
    coord = await createStaff(t, admin, 'coordinator', 'Jorge Hernández');
    campaign = await activeCampaign(t, org.token, {
      title: { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' },
      summary: { en: 'Workers at Silao are winning.', es: 'Las y los trabajadores de Silao están ganando.' },
      body: {
        en:
          'In 2021 the workers at the General Motors plant in Silao, Guanajuato, voted out a contract ' +
          'they never chose and elected an independent union.\n\n' +
          'Now they are bargaining for wages a family can live on. Sign the letter, join a picket, ' +
          'and tell your own union about them.',
        es:
          'En 2021 las y los trabajadores de la planta de General Motors en Silao, Guanajuato, ' +
          'rechazaron un contrato que nunca eligieron y formaron un sindicato independiente.\n\n' +
          'Hoy negocian salarios con los que una familia pueda vivir. Firma la carta, ven a un piquete ' +
          'y cuéntale a tu sindicato.',
      },
      goals: { pledges: 100, signatures: 50 },
    });
    await addMember(t, org.token, campaign.id, coord.id, 'coordinator');
    const targets = await as(org.token).get('/api/targets?limit=100').expect(200);
    const usTargets = (targets.body.items as { id: string; country: string }[]).filter(
      (x) => x.country === 'US',
    );
    const letter = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        slug: 'usmca-review',
        title: { en: 'Ask for a USMCA review', es: 'Pide una revisión del T-MEC' },
        subject: { en: 'A USMCA review of GM Silao', es: 'Una revisión del T-MEC para GM Silao' },
        body: {
          en:
            'Dear {{target.name}},\n\nThe workers at the General Motors plant in Silao have the right ' +
            'to organize and bargain freely. We ask you to request a review under the USMCA Rapid ' +
            'Response Labor Mechanism and to make sure no worker is punished for union activity.',
          es:
            'Estimada {{target.name}}:\n\nLas y los trabajadores de la planta de General Motors en ' +
            'Silao tienen derecho a organizarse y negociar libremente. Les pedimos solicitar una ' +
            'revisión con el Mecanismo Laboral de Respuesta Rápida del T-MEC y garantizar que nadie ' +
            'sea castigado por su actividad sindical.',
        },
        targetIds: usTargets.slice(0, 2).map((x) => x.id),
        signatureGoal: 50,
      })
      .expect(201);
    await as(org.token).patch(`/api/letter-actions/${letter.body.id}`).send({ status: 'open' }).expect(200);
    await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'picket-detroit',
        title: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' },
        kind: 'picket',
        venue: 'GM Renaissance Center',
        address: '300 Renaissance Center',
        city: 'Detroit',
        country: 'US',
        startsAt: '2030-03-14T16:00:00Z',
        timezone: 'America/Detroit',
        capacity: 20,
      })
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  async function withBrowser(opts: { phone?: boolean }, fn: (page: Page) => Promise<void>) {
    let b: Browser | undefined;
    try {
      b = await openBrowser(opts);
      await fn(b.page);
    } finally {
      await b?.close();
    }
  }

  it('a supporter on a phone switches to Spanish, signs a letter and sees the count go up', async () => {
    await withBrowser({ phone: true }, async (page) => {
      // From the home page, which lists the active campaign.
      await page.goto(`${base}/`);
      await screenshots(page, 'home');
      await page.getByRole('link', { name: /^Independent union/ }).click();
      await page.waitForURL(`${base}/c/${campaign.slug}`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toContain(
        'Independent union',
      );
      await screenshots(page, 'campaign', { docs: 'phone' });
      await page.getByRole('link', { name: 'Español' }).click();
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      await expect(page.locator('h2#h-letters').textContent()).resolves.toBe('Firma una carta');
      await page.getByRole('link', { name: 'Pide una revisión del T-MEC' }).click();
      // The cookie keeps Spanish without ?lang= in the URL.
      expect(page.url()).not.toContain('lang=');
      expect(await page.getByTestId('signature-count').first().textContent()).toContain('0');
      await screenshots(page, 'letter', { docs: 'desktop' });
      await page.locator('#f-email').fill('ana.pena@example.org');
      await page.locator('#f-firstName').fill('Ana');
      await page.locator('#f-city').fill('Querétaro');
      await page.getByLabel(/^Nota personal/).fill('¡Solidaridad!');
      await page.getByRole('button', { name: 'Firmar la carta' }).click();
      await page.waitForURL(/\/thanks/);
      await expect(page.locator('h1').textContent()).resolves.toBe('¡Gracias por firmar!');
      expect(await page.getByTestId('signature-count').textContent()).toBe('1');
      expect(await page.getByRole('link', { name: 'Piquete en la sede de GM' }).count()).toBe(1);
      await screenshots(page, 'letter-thanks');
      await page.goto(`${base}/c/${campaign.slug}/letters/usmca-review`);
      expect(await page.getByTestId('signature-count').first().textContent()).toContain('1');
    });
    const row = await t.db.query(`SELECT personal_note AS note, locale FROM signatures`);
    expect(row.rows).toEqual([{ note: '¡Solidaridad!', locale: 'es' }]);
  });

  it('the accessibility check finds what it should, and the public pages and login have nothing serious', async () => {
    await withBrowser({ phone: true }, async (page) => {
      // The checker itself: a page with an unlabelled field, an image without text and a repeated id.
      await page.setContent('<html><body><img src="x.png"><input id="a"><input id="a"></body></html>');
      expect((await axeFindings(page)).map((f) => f.id)).toEqual(
        expect.arrayContaining(['image-alt', 'label', 'duplicate-id']),
      );
      const pages = [
        '/',
        `/c/${campaign.slug}`,
        `/c/${campaign.slug}/letters/usmca-review`,
        `/c/${campaign.slug}/events/picket-detroit`,
        '/admin/login',
      ];
      for (const path of pages) {
        await page.goto(`${base}${path}`);
        await expectAccessible(page);
      }
    });
  });

  it('shows a validation error in Spanish next to the field and keeps the input', async () => {
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(`${base}/c/${campaign.slug}/letters/usmca-review?lang=es`);
      await page.locator('#f-email').fill('ana@');
      await page.locator('#f-firstName').fill('Ana María');
      await page.locator('#f-country').fill('Atlántida');
      await page.getByRole('button', { name: 'Firmar la carta' }).click();
      await expect(page.locator('#e-email').textContent()).resolves.toBe(
        'Escribe un correo electrónico válido.',
      );
      await expect(page.locator('#e-country').textContent()).resolves.toBe(
        'Escribe el nombre del país (México, Estados Unidos) o su código de dos letras (MX, US).',
      );
      expect(await page.locator('#f-firstName').inputValue()).toBe('Ana María');
      expect(await page.locator('#f-email').inputValue()).toBe('ana@');
      await screenshots(page, 'letter-error');
    });
  });

  it('RSVPs to an event, then cancels through the manage link', async () => {
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(`${base}/c/${campaign.slug}/events/picket-detroit`);
      await expect(page.getByTestId('spots-left').textContent()).resolves.toBe('20');
      const map = await page.getByRole('link', { name: 'Open in OpenStreetMap' }).getAttribute('href');
      expect(map).toMatch(/^https:\/\/www\.openstreetmap\.org\/search\?query=300%20Renaissance/);
      await screenshots(page, 'event');
      await page.locator('#f-email').fill('rosa@example.org');
      await page.locator('#f-firstName').fill('Rosa');
      await page.getByLabel('People coming with you (0–5)').fill('2');
      await page.getByRole('button', { name: 'RSVP' }).click();
      // The page says to look in the mailbox: the manage link goes only there.
      await expect(page.locator('main').textContent()).resolves.toContain('We sent a mail to that address');
      expect(await page.content()).not.toContain('/rsvp/');
      const manageUrl = `${base}/rsvp/${(await rsvpOf(t, { slug: 'picket-detroit' }, 'rosa@example.org')).token}`;
      await page.goto(manageUrl);
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain('You are going.');
      await screenshots(page, 'rsvp-manage');
      await page.goto(`${base}/c/${campaign.slug}/events/picket-detroit`);
      await expect(page.getByTestId('spots-left').textContent()).resolves.toBe('17');
      await page.goto(manageUrl);
      await page.locator('summary', { hasText: 'Cancel my RSVP' }).click();
      await page.getByRole('button', { name: 'Yes, cancel my RSVP' }).click();
      await expect(page.getByTestId('rsvp-status').textContent()).resolves.toContain(
        'Your RSVP is cancelled.',
      );
      const ics = await page.request.get(`${base}/c/${campaign.slug}/events/picket-detroit/event.ics`);
      expect(ics.headers()['content-type']).toContain('text/calendar');
      expect(await ics.text()).toContain('BEGIN:VEVENT');
    });
  });

  it('an organizer logs in, creates a campaign and an event, checks in a walk-in and downloads a CSV', async () => {
    await withBrowser({}, async (page) => {
      await page.goto(`${base}/admin`);
      await page.waitForURL(/\/admin\/login/);
      await page.locator('#f-email').fill(org.email);
      await page.locator('#f-password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/admin`);
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'puente_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/admin' });
      await screenshots(page, 'admin-dashboard');
      await page.getByRole('link', { name: 'New campaign' }).click();
      await page.locator('#f-title_en').fill('Solidarity with Silao');
      await page.locator('#f-title_es').fill('Solidaridad con Silao');
      await page.locator('#f-country').fill('MX');
      await screenshots(page, 'admin-campaign-form');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
      await expect(page.locator('h1').textContent()).resolves.toBe('Solidarity with Silao');
      await page.getByText('New event').click();
      const eventForm = page.locator('form[action$="/events"]');
      await eventForm.locator('#f-title_en').fill('Online solidarity meeting');
      await eventForm.locator('#f-title_es').fill('Reunión de solidaridad en línea');
      await eventForm.locator('#f-kind').selectOption('online');
      await eventForm.locator('#f-startsAt').fill('2030-05-01T18:00');
      await eventForm.locator('#f-timezone').fill('America/Mexico_City');
      await eventForm.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#events$/);
      await page.getByRole('link', { name: 'Check-in' }).click();
      await page.locator('summary', { hasText: 'Add a walk-in' }).click();
      await page.locator('#f-firstName').fill('Walter');
      await page.locator('#f-lastName').fill('Walkin');
      await page.locator('#f-email').fill('walter@example.org');
      await page.getByRole('button', { name: 'Add a walk-in' }).click();
      await expect(page.getByTestId('checkin-counts').textContent()).resolves.toContain('Checked in: 1');
      expect(await page.locator('.door li').first().textContent()).toContain('Walter Walkin');
      await screenshots(page, 'admin-checkin');

      // Exports of the first campaign (where Ana signed).
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);
      await screenshots(page, 'admin-campaign', { docs: 'desktop' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'signatures.csv' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/signatures.*\.csv$/);
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString('utf8')).toContain('ana.pena@example.org');
    });
    const row = await t.db.query(
      `SELECT e.title->>'es' AS es, e.starts_at AS "startsAt" FROM events e WHERE e.slug = 'online-solidarity-meeting'`,
    );
    // 18:00 in Mexico City (UTC-6, no DST) is 00:00 UTC the next day.
    expect(row.rows[0]).toEqual({
      es: 'Reunión de solidaridad en línea',
      startsAt: new Date('2030-05-02T00:00:00Z'),
    });
  });

  it('a coordinator does not see campaign-edit controls, and the server refuses the edit anyway', async () => {
    await withBrowser({}, async (page) => {
      await page.goto(`${base}/admin/login`);
      await page.locator('#f-email').fill(coord.email);
      await page.locator('#f-password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/admin`);
      expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);
      expect(await page.getByTestId('manage-controls').count()).toBe(0);
      expect(await page.getByText('New event').count()).toBe(0);
      expect(await page.getByText('New letter action').count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Check-in' }).count()).toBe(1);
      await screenshots(page, 'admin-campaign-coordinator');
      // A hand-made form post (with a valid CSRF token taken from the page) is refused by the service.
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const edit = await page.goto(`${base}/admin/campaigns/${campaign.id}/edit`);
      expect(edit?.status()).toBe(403);
      const res = await page.request.post(`${base}/admin/campaigns/${campaign.id}/status`, {
        form: { _csrf: csrf, status: 'won' },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(403);
    });
    const c = await as(admin).get(`/api/campaigns/${campaign.id}`).expect(200);
    expect(c.body.status).toBe('active');
  });

  it('answers the RSVP form with the same page for a new, a repeated and a cancelled RSVP', async () => {
    const agent = supertest.agent(base);
    const url = `/c/${campaign.slug}/events/picket-detroit`;
    const form = await agent.get(url).expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const post = (email: string) =>
      agent.post(url).type('form').send({ _csrf: token, email, firstName: 'Inés', guests: '0' });
    const pages = [];
    pages.push(await post('ines@example.org')); // new
    pages.push(await post('ines@example.org')); // repeat
    const ines = await rsvpOf(t, { slug: 'picket-detroit' }, 'ines@example.org');
    await t.http.delete(`/api/public/rsvps/${ines.token}`).expect(200);
    pages.push(await post('ines@example.org')); // a cancelled RSVP's email
    pages.push(await post('otra@example.org')); // another new one
    // Byte for byte, but for the per-response CSRF token and script nonce a page may carry.
    const strip = (html: string) => html.replace(/name="_csrf" value="[^"]*"|nonce="[^"]*"/g, '');
    for (const p of pages) {
      expect(p.status).toBe(200);
      expect(p.headers.location).toBeUndefined();
      expect(strip(p.text)).toBe(strip(pages[0].text));
    }
    expect((await rsvpOf(t, { slug: 'picket-detroit' }, 'ines@example.org')).status).toBe('cancelled');
  });

  it('refuses a form post without a valid CSRF token', async () => {
    const http = supertest(base);
    const noToken = await http
      .post(`/c/${campaign.slug}/pledges`)
      .type('form')
      .send({ kind: 'support', email: 'x@example.org', firstName: 'X' });
    expect(noToken.status).toBe(403);
    expect(noToken.headers['content-type']).toContain('text/html');
    expect(noToken.text).toContain('This form expired or was not sent from this site');

    // The same post with the page's cookie and token goes through (and is idempotent).
    const agent = supertest.agent(base);
    const page = await agent.get(`/c/${campaign.slug}`).expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(token).toBeTruthy();
    const forged = await agent
      .post(`/c/${campaign.slug}/pledges`)
      .type('form')
      .send({ _csrf: 'not-the-token', kind: 'support', email: 'x@example.org', firstName: 'X' });
    expect(forged.status).toBe(403);
    // A first pledge and a repeat answer the same page.
    for (let i = 0; i < 2; i++) {
      const ok = await agent
        .post(`/c/${campaign.slug}/pledges`)
        .type('form')
        .send({ _csrf: token, kind: 'support', email: 'x@example.org', firstName: 'X' });
      expect(ok.status).toBe(303);
      expect(ok.headers.location).toBe(`/c/${campaign.slug}/thanks?kind=support&lang=en`);
    }
    const n = await t.db.query(`SELECT count(*)::int AS n FROM pledges WHERE kind = 'support'`);
    expect(n.rows[0].n).toBe(1);
  });
});
