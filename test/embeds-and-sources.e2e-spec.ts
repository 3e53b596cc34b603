import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { SignedTokens } from '../src/common/signed-token.js';
import { expectAccessible } from './support/axe.js';
import { binaryBody, pdfPages, pdfToPng } from './support/binary.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { untilZero } from './support/polling.js';
import { createTestApp, type TestApp } from './support/test-app.js';

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

/** A tiny site on another origin (another host name and port) that embeds one of our forms. */
async function hostSite(iframeSrc: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Union local news</title></head>
<body><main><h1>Union local news</h1>
<iframe id="puente" src="${iframeSrc}" title="Sign the letter" style="width:100%;height:400px;border:0"></iframe>
<p>Height reported: <output id="height">none</output></p></main>
<script>
window.addEventListener('message', function (e) {
  if (e.data && e.data.type === 'puente:height') document.getElementById('height').textContent = String(e.data.height);
});
</script></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** Embeds, sources and share codes, phone opt-in, the preview image and public-name moderation. */
describe('embeds and sources', () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let org: Staff;
  let campaign: { id: string; slug: string };
  let letterId: string;
  let host: { server: Server; url: string };

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    put: (url: string) => t.http.put(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
  });
  const signUrl = () => `/api/public/campaigns/${campaign.slug}/letters/usmca-review/signatures`;
  const supporter = async (email: string) =>
    (await t.db.query(`SELECT * FROM supporters WHERE email = $1`, [email])).rows[0] as Record<
      string,
      unknown
    >;
  const signatureOf = async (email: string) =>
    (
      await t.db.query(
        `SELECT g.* FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = $1`,
        [email],
      )
    ).rows[0] as Record<string, unknown>;

  async function logIn(page: Page) {
    await page.goto(`${base}/admin/login`);
    await page.locator('#f-email').fill(org.email);
    await page.locator('#f-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer', 'Olga Organizer');
    campaign = await activeCampaign(t, org.token);
    const targets = await as(org.token).get('/api/targets?limit=100').expect(200);
    const letter = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        slug: 'usmca-review',
        title: { en: 'Ask for a USMCA review', es: 'Pide una revisión del T-MEC' },
        subject: { en: 'Review GM Silao', es: 'Revisen GM Silao' },
        body: { en: 'Dear {{target.name}},\n\nPlease act.', es: 'Estimada {{target.name}}:\n\nActúen.' },
        targetIds: [(targets.body.items as { id: string }[])[0].id],
      })
      .expect(201);
    letterId = letter.body.id as string;
    await as(org.token).patch(`/api/letter-actions/${letterId}`).send({ status: 'open' }).expect(200);
    await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        slug: 'picket-detroit',
        title: { en: 'Picket at GM headquarters', es: 'Piquete en la sede de GM' },
        kind: 'picket',
        venue: 'GM Renaissance Center',
        city: 'Detroit',
        country: 'US',
        startsAt: '2030-03-14T16:00:00Z',
        timezone: 'America/Detroit',
      })
      .expect(201);
    host = await hostSite(`${base}/embed/c/${campaign.slug}/letters/usmca-review?lang=es&source=union-site`);
    await as(org.token)
      .patch(`/api/organizations/${org.organizationId}`)
      .send({ embedOrigins: [`${host.url}/`] })
      .expect(200);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => host?.server.close(resolve));
    await t?.close();
  });

  it('sends frame-ancestors with the organization’s sites on embed routes only', async () => {
    const embed = await t.http.get(`/embed/c/${campaign.slug}/letters/usmca-review`).expect(200);
    expect(embed.headers['content-security-policy']).toContain(`frame-ancestors 'self' ${host.url}`);
    expect(embed.headers['x-frame-options']).toBeUndefined();
    for (const path of [`/c/${campaign.slug}`, `/c/${campaign.slug}/letters/usmca-review`, '/admin/login']) {
      const res = await t.http.get(path);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    // An origin that is no origin is refused with the field named.
    const bad = await as(org.token)
      .patch(`/api/organizations/${org.organizationId}`)
      .send({ embedOrigins: ["https://x.example 'unsafe-inline'"] })
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('embedOrigins');
  });

  it('an embed on another site signs the letter in Chromium, in Spanish, and records the source', async () => {
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(host.url);
      const frame = page.frameLocator('#puente');
      await frame.locator('#f-email').fill('embed.signer@example.org');
      await frame.locator('#f-firstName').fill('Rosa');
      await frame.locator('#f-country').fill('México');
      await frame.getByRole('button', { name: 'Firmar la carta' }).click();
      await expect(frame.locator('[role=status]').textContent()).resolves.toContain('Recibimos tu firma');
      await page.waitForFunction(`Number(document.getElementById('height').textContent) > 100`);
      await expectAccessible(page);
      await screenshots(page, 'embed-host-signed');
    });
    const g = await signatureOf('embed.signer@example.org');
    expect(g.source).toBe('union-site');
    expect(g.locale).toBe('es');
    // The embed page itself, as its own document.
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(`${base}/embed/c/${campaign.slug}/letters/usmca-review?lang=en`);
      await expectAccessible(page);
      await screenshots(page, 'embed-letter');
      await page.goto(`${base}/embed/c/${campaign.slug}/pledge?lang=es`);
      await expectAccessible(page);
      await page.goto(`${base}/embed/c/${campaign.slug}/events/picket-detroit?lang=es&source=radio-bilingue`);
      await expectAccessible(page);
      await page.locator('#f-email').fill('embed.rsvp@example.org');
      await page.locator('#f-firstName').fill('Ramón');
      await page.getByRole('button', { name: 'Confirmar asistencia' }).click();
      await expect(page.locator('[role=status]').textContent()).resolves.not.toBe('');
      await screenshots(page, 'embed-event-done');
    });
    const rsvp = (
      await t.db.query(
        `SELECT r.source FROM rsvps r JOIN supporters s ON s.id = r.supporter_id WHERE s.email = 'embed.rsvp@example.org'`,
      )
    ).rows[0];
    expect(rsvp).toEqual({ source: 'radio-bilingue' });
  }, 120_000);

  it('keeps CSRF protection on embed posts: a form token for that path, from this site', async () => {
    const page = await t.http.get(`/embed/c/${campaign.slug}/letters/usmca-review`).expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const form = { email: 'csrf.probe@example.org', firstName: 'Probe' };
    const path = `/embed/c/${campaign.slug}/letters/usmca-review`;
    await t.http.post(path).type('form').send(form).expect(403);
    await t.http
      .post(path)
      .type('form')
      .set('origin', 'https://evil.example')
      .send({ ...form, _csrf: token })
      .expect(403);
    await t.http
      .post(path)
      .type('form')
      .set('sec-fetch-site', 'cross-site')
      .set('origin', 'null')
      .send({ ...form, _csrf: token })
      .expect(403);
    // A token made for another form does not work here.
    const other = t.app
      .get(SignedTokens)
      .sign('embed-form', `/embed/c/${campaign.slug}/pledge`, new Date(Date.now() + 3600_000));
    await t.http
      .post(path)
      .type('form')
      .send({ ...form, _csrf: other })
      .expect(403);
    expect(await supporter('csrf.probe@example.org')).toBeUndefined();
    // "This site" is PUBLIC_BASE_URL, not whatever Host the request names.
    await t.http
      .post(path)
      .type('form')
      .set('origin', base)
      .set('host', new URL(base).host)
      .send({ ...form, _csrf: token })
      .expect(403);
    await t.http
      .post(path)
      .type('form')
      .set('origin', new URL(t.config.publicBaseUrl).origin)
      .send({ ...form, _csrf: token })
      .expect(200);
    expect(await supporter('csrf.probe@example.org')).toBeDefined();
  });

  it('records sanitized sources and share-code referrers, only within the organization', async () => {
    await t.http
      .post(signUrl())
      .send({ email: 'sharer@example.org', firstName: 'Sara', source: 'Boletín <b>Semanal</b>!!' })
      .expect(201);
    const sharer = await supporter('sharer@example.org');
    expect(String(sharer.share_code)).toMatch(/^[a-z0-9]{16}$/);
    expect(String(sharer.share_code)).not.toContain(String(sharer.id).slice(0, 8));
    expect((await signatureOf('sharer@example.org')).source).toBe('boletin-bsemanalb');
    await t.http
      .post(signUrl())
      .send({ email: 'friend@example.org', firstName: 'Fede', ref: sharer.share_code })
      .expect(201);
    expect((await signatureOf('friend@example.org')).referrer_id).toBe(sharer.id);
    // A share code of another organization's supporter is ignored, and the answer is the same.
    const other = await createStaff(t, admin, 'organizer');
    const otherCampaign = await activeCampaign(t, other.token);
    await t.http
      .post(`/api/public/campaigns/${otherCampaign.slug}/pledges`)
      .send({ email: 'elsewhere@example.org', firstName: 'Eli', kind: 'support' })
      .expect(201);
    const foreign = await supporter('elsewhere@example.org');
    const res = await t.http
      .post(signUrl())
      .send({ email: 'stranger@example.org', firstName: 'Tomás', ref: foreign.share_code })
      .expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['signatureCount', 'status']);
    expect((await signatureOf('stranger@example.org')).referrer_id).toBeNull();
    // Pledges and RSVPs record the same.
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/pledges`)
      .send({
        email: 'friend@example.org',
        firstName: 'Fede',
        kind: 'volunteer',
        source: 'radio',
        ref: sharer.share_code,
      })
      .expect(201);
    const p = (await t.db.query(`SELECT source, referrer_id FROM pledges WHERE kind = 'volunteer'`)).rows[0];
    expect(p).toEqual({ source: 'radio', referrer_id: sharer.id });

    const report = await as(org.token).get(`/api/campaigns/${campaign.id}/report`).expect(200);
    const sources = report.body.sections?.sources ?? report.body.sources;
    expect(sources.bySource).toEqual(
      expect.arrayContaining([
        { source: 'union-site', actions: 1, newSupporters: 1 },
        { source: 'radio', actions: 1, newSupporters: 0 },
      ]),
    );
    expect(sources.byReferrer).toEqual([
      { supporterId: sharer.id, name: 'Sara', actions: 2, newSupporters: 1 },
    ]);

    // The PDF report has the same section, its numbers in the reader's language.
    const pdf = await t.http
      .get(`/api/campaigns/${campaign.id}/report.pdf?lang=es`)
      .auth(org.token, { type: 'bearer' })
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const { text, total } = await pdfPages(pdf.body as Buffer);
    await pdfToPng(pdf.body as Buffer, 'report-sources-es', [total]);
    expect(text).toContain('De dónde llegan las acciones');
    expect(text).toContain('union-site: 1 acciones, 1 simpatizantes nuevos');
    expect(text).toContain('Sara: 2 acciones');
  });

  it('the console campaign page shows actions by source and the iframe snippets', async () => {
    await withBrowser({ phone: true }, async (page) => {
      await logIn(page);
      await page.goto(`${base}/admin/campaigns/${campaign.id}`);
      const row = page.getByTestId('sources').locator('tr', { hasText: 'union-site' });
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe('1');
      const codes = await page.getByTestId('embed-code').allTextContents();
      expect(codes.join('\n')).toContain(`/embed/c/${campaign.slug}/letters/usmca-review?lang=`);
      expect(codes.join('\n')).toContain(`/embed/c/${campaign.slug}/pledge?lang=`);
      await expectAccessible(page);
      await screenshots(page, 'admin-campaign-sources');
    });
  }, 120_000);

  it('takes an optional phone in E.164 with its own consents, read with the form country', async () => {
    const bad = await t.http
      .post(signUrl())
      .send({ email: 'phone.bad@example.org', firstName: 'Pia', phone: '12345', country: 'MX' })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['phone']);
    expect(await supporter('phone.bad@example.org')).toBeUndefined();
    await t.http
      .post(signUrl())
      .send({
        email: 'phone.ok@example.org',
        firstName: 'Paula',
        country: 'México',
        phone: '477 123 4567',
        consentPhone: true,
        consentWhatsapp: true,
      })
      .expect(201);
    const s = await supporter('phone.ok@example.org');
    expect(s).toMatchObject({ phone: '+524771234567', phone_consent: true, whatsapp_consent: true });
    expect(s.whatsapp_consent_at).toBeInstanceOf(Date);
    // A known supporter's phone is not changed by a form: it waits for the link mailed to her.
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/pledges`)
      .send({ email: 'phone.ok@example.org', firstName: 'Paula', kind: 'support', phone: '+1 313 555 0123' })
      .expect(201);
    expect((await supporter('phone.ok@example.org')).phone).toBe('+524771234567');
    // (The proposal is written after the answer: wait for it.)
    const proposals = async () =>
      (await t.db.query(`SELECT changes FROM supporter_updates WHERE supporter_id = $1`, [s.id])).rows;
    await untilZero(async () => ((await proposals()).length ? 0 : 1));
    expect((await proposals())[0].changes).toMatchObject({ phone: '+13135550123' });
    // The page keeps what was typed and names the field.
    await withBrowser({ phone: true }, async (page) => {
      await page.goto(`${base}/c/${campaign.slug}/letters/usmca-review?lang=en&source=flyer`);
      await page.locator('#f-email').fill('phone.page@example.org');
      await page.locator('#f-firstName').fill('Pedro');
      await page.locator('#f-phone').fill('555');
      await page.getByRole('button', { name: 'Sign the letter' }).click();
      await expect(page.locator('#e-phone').textContent()).resolves.toContain('valid phone number');
      await expect(page.locator('#f-phone').inputValue()).resolves.toBe('555');
      await expect(page.locator('input[name=source]').inputValue()).resolves.toBe('flyer');
      await expectAccessible(page);
      await screenshots(page, 'letter-phone-error');
    });
    // Exported in the supporters export; erased by erasure (with its consents).
    const csv = await as(org.token).get(`/api/campaigns/${campaign.id}/exports/supporters.csv`).expect(200);
    expect(csv.text).toContain('+524771234567');
    const link = t.app.get(SignedTokens).sign('data', String(s.id), new Date(Date.now() + 3600_000));
    const download = await t.http.get(`/api/public/supporters/data/${link}`).expect(200);
    expect(JSON.stringify(download.body)).toContain('+524771234567');
    await as(admin)
      .post(`/api/supporters/${String(s.id)}/erase`)
      .expect(200);
    const erased = (await t.db.query(`SELECT * FROM supporters WHERE id = $1`, [s.id])).rows[0];
    expect(erased).toMatchObject({ phone: null, phone_consent: false, whatsapp_consent: false });
  }, 120_000);

  it('takes a preview image, resized to 1200×630, served with cache headers and named in og:image', async () => {
    const png = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    const put = await as(org.token)
      .put(`/api/campaigns/${campaign.id}/preview-image`)
      .attach('file', png, { filename: 'huelga.png', contentType: 'image/png' })
      .expect(200);
    expect(put.body).toEqual({ width: 1200, height: 630 });
    const page = await t.http.get(`/c/${campaign.slug}`).expect(200);
    const og = /property="og:image" content="([^"]+)"/.exec(page.text)![1];
    expect(og).toMatch(new RegExp(`/c/${campaign.slug}/preview\\.jpg\\?v=`));
    const img = await t.http.get(new URL(og).pathname + new URL(og).search).expect(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toContain('max-age');
    expect(await sharp(img.body as Buffer).metadata()).toMatchObject({
      format: 'jpeg',
      width: 1200,
      height: 630,
    });
    await t.http.get(new URL(og).pathname).set('if-none-match', img.headers.etag).expect(304);
    // Checked by content: a text file named .png is refused, and so is a file over the limit.
    const fake = await as(org.token)
      .put(`/api/campaigns/${campaign.id}/preview-image`)
      .attach('file', Buffer.from('not an image at all'), { filename: 'x.png', contentType: 'image/png' })
      .expect(400);
    expect(fake.body.details[0]).toMatchObject({ field: 'file' });
    await as(org.token)
      .put(`/api/campaigns/${campaign.id}/preview-image`)
      .attach('file', Buffer.alloc(6 * 1024 * 1024, 1), { filename: 'big.jpg', contentType: 'image/jpeg' })
      .expect(400);
    // Another organization's organizer cannot set it.
    const other = await createStaff(t, admin, 'organizer');
    await as(other.token)
      .put(`/api/campaigns/${campaign.id}/preview-image`)
      .attach('file', png, { filename: 'x.png', contentType: 'image/png' })
      .expect(404);
    // Through the console's upload form, too.
    const jpeg = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#1e6091' } })
      .jpeg()
      .toBuffer();
    await withBrowser({}, async (b) => {
      await logIn(b);
      await b.goto(`${base}/admin/campaigns/${campaign.id}`);
      await b.locator('#f-file').setInputFiles({ name: 'square.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await b.getByRole('button', { name: 'Upload' }).click();
      await b.waitForURL(/image=1/);
      await expect(b.getByTestId('preview-image').getAttribute('src')).resolves.toContain('/preview.jpg?v=');
      await expectAccessible(b);
    });
  }, 120_000);

  it('holds back names that look like links, emails, phones or formulas, and organizers show or hide', async () => {
    const sign = (email: string, firstName: string) =>
      t.http.post(signUrl()).send({ email, firstName, showPublicly: true }).expect(201);
    await sign('spam@example.org', 'www.cheap-pills.com');
    await sign('formula@example.org', '=HYPERLINK("x")');
    await sign('ana.public@example.org', 'Anabel');
    const publicPage = async () =>
      (await t.http.get(`/c/${campaign.slug}/letters/usmca-review`).expect(200)).text;
    let text = await publicPage();
    expect(text).toContain('Anabel');
    expect(text).not.toContain('cheap-pills');
    expect(text).not.toContain('HYPERLINK');
    const list = await as(org.token).get(`/api/letter-actions/${letterId}/public-signers`).expect(200);
    expect(list.body.items.slice(0, 2).map((s: { status: string }) => s.status)).toEqual(['held', 'held']);
    await withBrowser({ phone: true }, async (page) => {
      await logIn(page);
      await page.goto(`${base}/admin/letters/${letterId}/edit`);
      const anabel = page.getByTestId('public-signers').locator('li', { hasText: 'Anabel' });
      await anabel.getByRole('button', { name: /Hide/ }).click();
      await page.waitForURL(/#public-signers/);
      const spam = page.getByTestId('public-signers').locator('li', { hasText: 'cheap-pills' });
      await spam.getByRole('button', { name: /Show/ }).click();
      await page.waitForURL(/#public-signers/);
      await expect(
        page.getByTestId('public-signers').locator('li', { hasText: 'Anabel' }).getAttribute('data-status'),
      ).resolves.toBe('hidden');
      await expectAccessible(page);
      await screenshots(page, 'admin-public-signers');
    });
    text = await publicPage();
    expect(text).not.toContain('Anabel');
    expect(text).toContain('www.cheap-pills.com');
    // Only organizers of the campaign moderate.
    const other = await createStaff(t, admin, 'organizer');
    const id = list.body.items[0].id as string;
    await as(other.token).patch(`/api/signatures/${id}/public-status`).send({ status: 'hidden' }).expect(404);
    await as(org.token).patch(`/api/signatures/${id}/public-status`).send({ status: 'held' }).expect(400);
  }, 120_000);
});
