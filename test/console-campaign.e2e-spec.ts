import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expectAccessible } from './support/axe.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

const PASSWORD = 'a-long-enough-password';

/**
 * An organizer runs a campaign from the console alone (issue 21): letter, deadline, targets, packet,
 * email and manual delivery with the log; a Detroit event chosen by country and city, with a hidden
 * address, reminders in words, approval and check-in; the reminders page in the organization's zone;
 * the lifecycle with its confirmation pages; deleting a draft. Only supporters' actions (signatures,
 * RSVPs) and the target's record come from the API, as they would from the public and from setup.
 */
describe('an organizer runs a campaign from the console', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let org: Staff;
  let browser: Browser;
  let page: Page;
  let targetId: string;

  /** Every page the organizer sees: no serious accessibility finding, and a look at phone size. */
  async function check(name: string, docs?: 'phone' | 'desktop'): Promise<void> {
    await expectAccessible(page);
    await screenshots(page, `console-${name}`, { docs });
  }

  const campaignIdOf = (url: string) => /\/admin\/campaigns\/([0-9a-f-]{36})/.exec(url)![1];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    const admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer', 'María López', {
      organization: 'Comité de Solidaridad México–EE. UU.',
    });
    const target = await t.http
      .post(`/api/organizations/${org.organizationId}/targets`)
      .auth(org.token, { type: 'bearer' })
      .send({
        name: { en: 'US Trade Representative', es: 'Representante Comercial de EE. UU.' },
        organization: 'USTR',
        kind: 'government',
        country: 'US',
        email: 'desk@example.gov',
        locale: 'en',
      })
      .expect(201);
    targetId = target.body.id as string;
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('creates, delivers, schedules and closes a campaign without the API', async () => {
    await page.goto(`${base}/admin/login`);
    await page.locator('#f-email').fill(org.email);
    await page.locator('#f-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);

    // A campaign, its country typed as people write it.
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.locator('#f-title_en').fill('Solidarity with Silao');
    await page.locator('#f-title_es').fill('Solidaridad con Silao');
    await page.locator('#f-country').fill('México');
    await check('campaign-form');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = campaignIdOf(page.url());
    const { rows: created } = await t.db.query('SELECT country, slug FROM campaigns WHERE id = $1', [
      campaignId,
    ]);
    expect(created[0].country).toBe('MX');
    const slug = created[0].slug as string;

    // A letter with line breaks, to the target chosen by both its names.
    await page.locator('summary', { hasText: 'New letter action' }).click();
    await page.locator('#l-title_en').fill('Enforce the labor chapter');
    await page.locator('#l-subject_en').fill('Protect the independent union at GM Silao');
    await page
      .locator('#l-body_en')
      .fill('Dear {{target.name}},\n\nRespect the workers’ vote.\n\nThe undersigned');
    const choice = page.locator(`label[for="t-${targetId}"]`);
    await expect(choice.textContent()).resolves.toContain(
      'US Trade Representative / Representante Comercial de EE. UU.',
    );
    await choice.click();
    await check('campaign-new-letter');
    await page.getByRole('button', { name: 'Create' }).first().click();
    await page.waitForURL(/#letters$/);
    const { rows: letters } = await t.db.query(
      `SELECT id, slug, body->>'en' AS body FROM letter_actions WHERE campaign_id = $1`,
      [campaignId],
    );
    const letter = letters[0] as { id: string; slug: string; body: string };
    expect(letter.body).toBe('Dear {{target.name}},\n\nRespect the workers’ vote.\n\nThe undersigned');

    // Its deadline on the organization's clock (Mexico City), the zone named on the label.
    await page.goto(`${base}/admin/letters/${letter.id}/edit`);
    const deadline = page.locator('#f-deadline');
    await expect(page.locator('label[for="f-deadline"]').textContent()).resolves.toContain(
      'Central Standard Time',
    );
    await deadline.fill('2030-06-01T17:00');
    await check('letter-edit');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/#letters$/);
    const { rows: due } = await t.db.query('SELECT deadline FROM letter_actions WHERE id = $1', [letter.id]);
    expect((due[0].deadline as Date).toISOString()).toBe('2030-06-01T23:00:00.000Z');

    // Publishing asks first, then the letter opens.
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Publish this campaign?');
    await check('confirm-publish');
    await page.getByRole('button', { name: 'Yes, publish it' }).click();
    await expect(page.getByTestId('campaign-status').textContent()).resolves.toBe('Active');
    await page.getByRole('button', { name: 'Open for signatures' }).click();
    await page.waitForURL(/#letters$/);

    // Three supporters sign on the public side.
    for (const [email, firstName] of [
      ['ana@example.org', 'Ana'],
      ['beto@example.org', 'Beto'],
      ['cris@example.org', 'Cris'],
    ]) {
      await t.http
        .post(`/api/public/campaigns/${slug}/letters/${letter.slug}/signatures`)
        .send({ email, firstName, city: 'Silao' })
        .expect((r) => expect(r.status).toBeLessThan(300));
    }

    // The delivery screen: the packet as PDF and CSV through the session.
    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    await expect(page.getByTestId('signature-count').textContent()).resolves.toBe('3 signatures');
    await check('letter-delivery', 'phone');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Packet (PDF)' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Signers (CSV)' }).click(),
    ]);
    const csvText = await readFile((await csv.path())!, 'utf8');
    for (const name of ['Ana', 'Beto', 'Cris']) expect(csvText).toContain(name);

    // Email: only once the address shown was ticked as checked; the note typed stays on the error.
    const send = page.getByRole('button', { name: 'Email the letter to desk@example.gov' });
    await page.locator(`#en-${targetId}`).fill('First batch');
    await send.click();
    await expect(page.locator('.error-summary').count()).resolves.toBe(1);
    await expect(page.locator(`#en-${targetId}`).inputValue()).resolves.toBe('First batch');
    await check('letter-delivery-error');
    const before = smtp.messages.length;
    await page.locator(`#ec-${targetId}`).check();
    await page.getByRole('button', { name: 'Email the letter to desk@example.gov' }).click();
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain('on its way');
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'desk@example.gov', before);
    expect(mail.subject).toContain('Protect the independent union at GM Silao');

    // A delivery by hand, recorded with its note; the log shows both.
    await page.locator(`[data-testid="target-${targetId}"] summary`).click();
    await page.locator(`#rm-${targetId}`).selectOption('manual');
    await page.locator(`#rn-${targetId}`).fill('Handed in at the front desk, receipt 1234');
    await page.getByRole('button', { name: 'Record a delivery' }).click();
    await expect(page.locator('.notice.ok').textContent()).resolves.toBe('Delivery recorded.');
    const log = page.getByTestId('delivery-log');
    await expect(log.locator('tbody tr').count()).resolves.toBe(2);
    const logText = (await log.textContent()) ?? '';
    expect(logText).toContain('By hand');
    expect(logText).toContain('Handed in at the front desk, receipt 1234');
    expect(logText).toContain('desk@example.gov');
    expect(logText).toContain('María López');
    expect(logText).toMatch(/CST/);
    await check('letter-delivery-log');

    // A Detroit event: country and city chosen, no zone typed; address hidden; reminders in words.
    await page.goto(`${base}/admin/campaigns/${campaignId}`);
    await page.locator('summary', { hasText: 'New event' }).click();
    const eventForm = page.locator('form[action$="/events"]');
    await eventForm.locator('#f-title_en').fill('Picket at GM headquarters');
    await eventForm.locator('#f-title_es').fill('Piquete en la sede de GM');
    await eventForm.locator('#f-kind').selectOption('picket');
    await eventForm.locator('#f-venue').fill('Renaissance Center');
    await eventForm.locator('#f-address').fill('300 Renaissance Center');
    await eventForm.locator('#f-city').fill('Detroit');
    await eventForm.locator('#f-country').fill('Estados Unidos');
    await eventForm.locator('#f-startsAt').fill('2030-06-10T17:00');
    await eventForm.locator('#f-hideAddressUntilRsvp').check();
    await eventForm.locator('#f-requireApproval').check();
    await expect(eventForm.locator('#f-reminder-1440').isChecked()).resolves.toBe(true);
    await expect(eventForm.locator('#f-reminder-120').isChecked()).resolves.toBe(true);
    await expect(eventForm.locator('label[for="f-reminder-1440"]').textContent()).resolves.toBe(
      '1 day before',
    );
    await check('campaign-new-event');
    await eventForm.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/#events$/);
    const { rows: events } = await t.db.query(
      `SELECT id, slug, timezone, country, starts_at, hide_address_until_rsvp, reminder_offsets_minutes
         FROM events WHERE campaign_id = $1`,
      [campaignId],
    );
    const event = events[0] as Record<string, unknown>;
    expect(event).toMatchObject({
      timezone: 'America/Detroit',
      country: 'US',
      hide_address_until_rsvp: true,
      reminder_offsets_minutes: [1440, 120],
    });
    expect((event.starts_at as Date).toISOString()).toBe('2030-06-10T21:00:00.000Z');

    // A zone nobody knows gets a hint and keeps what was typed; "Detroit" typed as the zone is resolved.
    await page.goto(`${base}/admin/events/${event.id as string}/edit`);
    await expect(page.locator('#f-country').inputValue()).resolves.toBe('United States');
    await page.locator('#f-timezone').fill('Gotham');
    await page.locator('#f-title_en').fill('Picket at GM HQ');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#e-timezone').textContent()).resolves.toContain('Type a city such as Detroit');
    await expect(page.locator('#f-title_en').inputValue()).resolves.toBe('Picket at GM HQ');
    await expect(page.locator('#f-timezone').inputValue()).resolves.toBe('Gotham');
    await expect(page.locator('#f-reminder-120').isChecked()).resolves.toBe(true);
    await check('event-edit-error');
    await page.locator('#f-timezone').fill('Detroit');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/#events$/);
    const { rows: saved } = await t.db.query('SELECT timezone, title FROM events WHERE id = $1', [event.id]);
    expect(saved[0]).toMatchObject({ timezone: 'America/Detroit', title: { en: 'Picket at GM HQ' } });
    await expect(page.locator('#events li').first().textContent()).resolves.toMatch(/EDT/);

    // Two RSVPs wait for approval: one is approved, then checked in at the door.
    for (const [email, firstName] of [
      ['dora@example.org', 'Dora'],
      ['eli@example.org', 'Eli'],
    ]) {
      await t.http
        .post(`/api/public/campaigns/${slug}/events/${event.slug as string}/rsvps`)
        .send({ email, firstName })
        .expect((r) => expect(r.status).toBeLessThan(300));
    }
    await page.goto(`${base}/admin/events/${event.id as string}/edit`);
    await check('event-edit');
    await page.getByRole('link', { name: 'RSVPs: approve and check in' }).click();
    await expect(page.getByTestId('approve').count()).resolves.toBe(2);
    await check('event-rsvps');
    await page.locator('.door li', { hasText: 'Dora' }).getByTestId('approve').click();
    await expect(page.getByTestId('approve').count()).resolves.toBe(1);
    await page.locator('.door li', { hasText: 'Dora' }).getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByTestId('checkin-counts').textContent()).resolves.toContain('Checked in: 1');
    const { rows: rsvps } = await t.db.query(
      `SELECT s.first_name, r.status::text AS status, r.checked_in_at IS NOT NULL AS "in"
         FROM rsvps r JOIN supporters s ON s.id = r.supporter_id WHERE r.event_id = $1 ORDER BY 1`,
      [event.id],
    );
    expect(rsvps).toEqual([
      { first_name: 'Dora', status: 'going', in: true },
      { first_name: 'Eli', status: 'pending', in: false },
    ]);

    // The reminders page: the organization's zone, named; kinds in words; a captioned, focusable table.
    await page.goto(`${base}/admin/campaigns/${campaignId}`);
    await page.getByRole('link', { name: 'Reminders and messages' }).click();
    await expect(page.getByTestId('times-in').textContent()).resolves.toBe(
      'Times are shown in Central Standard Time.',
    );
    const reminders = page.getByTestId('reminders');
    await expect(reminders.locator('caption').textContent()).resolves.toContain('Central Standard Time');
    const remindersText = (await reminders.textContent()) ?? '';
    expect(remindersText).toContain('Letter delivery to a target');
    expect(remindersText).not.toContain('letter-delivery');
    expect(remindersText).toMatch(/CST/);
    await page.locator('[aria-labelledby="reminders-caption"]').focus();
    await expect(page.evaluate<string>(`document.activeElement.getAttribute('role')`)).resolves.toBe(
      'region',
    );
    await check('reminders');
    await page.goto(`${base}/admin/campaigns/${campaignId}/reminders?lang=es`);
    await expect(page.getByTestId('times-in').textContent()).resolves.toBe(
      'Las horas se muestran en hora estándar central.',
    );
    expect(await page.getByTestId('reminders').textContent()).toContain(
      'Entrega de la carta a un destinatario',
    );
    await check('reminders-es');
    await page.goto(`${base}/admin/campaigns/${campaignId}?lang=en`);

    // Won asks first, says what happens, and can be undone.
    await page.getByRole('button', { name: 'Mark as won' }).click();
    await expect(page.getByTestId('confirm-what').textContent()).resolves.toContain(
      'stops taking new pledges',
    );
    await check('confirm-won');
    await page.getByRole('button', { name: 'Yes, mark it as won' }).click();
    await expect(page.getByTestId('campaign-status').textContent()).resolves.toBe('Won');
    await page.getByRole('button', { name: 'Reopen' }).click();
    await check('confirm-reopen');
    await page.getByRole('button', { name: 'Yes, reopen it' }).click();
    await expect(page.getByTestId('campaign-status').textContent()).resolves.toBe('Active');

    // Archived, then hidden from the lists (and findable under "Hidden campaigns").
    await page.getByRole('button', { name: 'Archive' }).click();
    await check('confirm-archive');
    await page.getByRole('button', { name: 'Yes, archive it' }).click();
    await expect(page.getByTestId('campaign-status').textContent()).resolves.toBe('Archived');
    await check('campaign-archived');
    await page.getByRole('button', { name: 'Hide from my lists' }).click();
    await page.waitForURL(`${base}/admin?hid=1`);
    expect(await page.locator('main').textContent()).not.toContain('Solidarity with Silao');
    await check('dashboard-after-hide');
    await page.getByRole('link', { name: 'Hidden campaigns (1)' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('Solidarity with Silao');
    await check('dashboard-hidden');

    // A draft is deleted after asking; one with activity would be explained instead (API tests).
    await page.goto(`${base}/admin/campaigns/new`);
    await page.locator('#f-title_en').fill('Draft to throw away');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
    const draftId = campaignIdOf(page.url());
    await page.getByRole('link', { name: 'Delete this draft' }).click();
    await expect(page.getByTestId('confirm-what').textContent()).resolves.toContain('deleted for good');
    await check('confirm-delete');
    await page.getByRole('button', { name: 'Yes, delete it for good' }).click();
    await page.waitForURL(`${base}/admin?deleted=1`);
    await expect(page.locator('.notice.ok').textContent()).resolves.toBe('The draft was deleted.');
    const { rows: gone } = await t.db.query('SELECT 1 FROM campaigns WHERE id = $1', [draftId]);
    expect(gone).toHaveLength(0);
  }, 240_000);

  it('explains instead of deleting a draft someone acted on, in Spanish', async () => {
    await page.goto(`${base}/admin/campaigns/new?lang=es`);
    await page.locator('#f-title_es').fill('Borrador con donativo');
    await page.getByRole('button', { name: 'Crear' }).click();
    await page.waitForURL(/\/admin\/campaigns\/[0-9a-f-]{36}$/);
    const id = campaignIdOf(page.url());
    const fr = await t.http
      .post(`/api/campaigns/${id}/fundraisers`)
      .auth(org.token, { type: 'bearer' })
      .send({ title: { es: 'Fondo de huelga' }, goal: { amount: '1000', currency: 'MXN' } })
      .expect(201);
    await t.http
      .post(`/api/fundraisers/${fr.body.id as string}/donations`)
      .auth(org.token, { type: 'bearer' })
      .send({ amount: { amount: '200', currency: 'MXN' }, status: 'received', method: 'cash' })
      .expect(201);
    await page.getByRole('link', { name: 'Eliminar este borrador' }).click();
    await expect(page.getByTestId('confirm-what').textContent()).resolves.toContain('mejor archívalo');
    expect(await page.getByRole('button', { name: 'Sí, eliminarlo para siempre' }).count()).toBe(0);
    await check('confirm-delete-blocked-es');
    const { rows } = await t.db.query('SELECT 1 FROM campaigns WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
  });
});
