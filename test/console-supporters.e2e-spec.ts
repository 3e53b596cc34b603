import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expectAccessible } from './support/axe.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

const PASSWORD = 'a-long-enough-password';

/**
 * Issue 21, console part A, in a real Chromium and without the API for any action (the API only sets
 * the scene): an organizer filters her supporters, opens one, tags three at once, downloads what is
 * shown, previews and runs an import with a tags column, enters a donation of "1,500" and refunds it,
 * invites a teammate by email and changes the sender name. Every page is checked with axe.
 */
describe('the console: supporters, tags, donations, team, settings', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let org: Staff;
  let campaign: { id: string; slug: string };
  let fundraiserId: string;
  let b: Browser;
  let page: Page;

  const check = async (name: string) => {
    await expectAccessible(page);
    await screenshots(page, `console-${name}`);
  };

  const tagsOf = async (email: string) =>
    (
      await t.db.query<{ name: string }>(
        `SELECT t.name FROM supporter_tags st JOIN tags t ON t.id = st.tag_id JOIN supporters s ON s.id = st.supporter_id
          WHERE s.email = $1 AND s.organization_id = $2 ORDER BY t.name`,
        [email, org.organizationId],
      )
    ).rows.map((r) => r.name);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    const admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer', 'Olga Organizadora');
    campaign = await activeCampaign(t, org.token);
    const people = [
      ['lucia@example.org', 'Lucía', 'Silao', 'es', 'MX'],
      ['mario@example.org', 'Mario', 'León', 'es', 'MX'],
      ['rosa@example.org', 'Rosa', 'Irapuato', 'es', 'MX'],
      ['jane@example.org', 'Jane', 'Detroit', 'en', 'US'],
      ['tom@example.org', 'Tom', 'Flint', 'en', 'US'],
    ];
    for (const [email, firstName, city, locale, country] of people) {
      await t.http
        .post(`/api/public/campaigns/${campaign.slug}/pledges`)
        .send({ email, firstName, city, locale, country, kind: 'support', consentEmail: true })
        .expect(201);
    }
    const fr = await t.http
      .post(`/api/campaigns/${campaign.id}/fundraisers`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { en: 'Strike fund', es: 'Fondo de huelga' },
        goal: { amount: '20000', currency: 'USD' },
      })
      .expect(201);
    fundraiserId = fr.body.id as string;
    b = await openBrowser();
    page = b.page;
    await page.goto(`${base}/admin/login`);
    await page.locator('#f-email').fill(org.email);
    await page.locator('#f-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
  });

  it('filters the supporter list and opens a supporter with her history', async () => {
    await page.goto(`${base}/admin/organizations/${org.organizationId}`);
    await page.getByRole('link', { name: 'Supporters' }).first().click();
    await expect(page.getByTestId('supporter-count').textContent()).resolves.toContain('5 supporters');
    await check('supporters');
    await page.locator('#f-locale').selectOption('es');
    await page.locator('#f-country').fill('México');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByTestId('supporter-count').textContent()).resolves.toContain('3 supporters');
    const rows = await page.getByTestId('supporters').locator('tbody tr').allTextContents();
    expect(rows.join(' ')).not.toContain('Jane');
    await page.getByRole('link', { name: 'Lucía' }).click();
    await expect(page.getByTestId('supporter-details').textContent()).resolves.toContain('lucia@example.org');
    await expect(page.getByTestId('consent').textContent()).resolves.toContain('Yes, since');
    await expect(page.getByTestId('history').first().textContent()).resolves.toContain('Pledged to');
    await check('supporter');
    // Phone size, the same page.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('tags three checked supporters at once and downloads what is shown', async () => {
    await page.goto(`${base}/admin/organizations/${org.organizationId}/supporters?locale=es`);
    for (const name of ['Lucía', 'Mario', 'Rosa']) {
      await page.getByRole('checkbox', { name: `Choose: ${name}` }).check();
    }
    await page.locator('#f-tag').fill('Volunteer');
    await page.getByRole('button', { name: 'Apply to the checked rows' }).click();
    await expect(page.getByTestId('tagged').textContent()).resolves.toContain('added to 3 supporters');
    await check('supporters-tagged');
    for (const e of ['lucia@example.org', 'mario@example.org', 'rosa@example.org']) {
      expect(await tagsOf(e)).toEqual(['Volunteer']);
    }
    expect(await tagsOf('jane@example.org')).toEqual([]);
    // The list keeps its filter after tagging: the download is of the three Spanish speakers.
    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await (await download).path();
    const csv = (await readFile(file!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('Email');
    expect(csv).toContain('lucia@example.org');
    expect(csv).not.toContain('jane@example.org');
    expect(lines[1]).toContain('Volunteer');
    const audit = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'export.csv' AND organization_id = $1`,
      [org.organizationId],
    );
    expect(audit.rows[0].details).toMatchObject({ rowCount: 3, filters: { locale: 'es' } });
  });

  it('previews an import with a tags column, then runs it', async () => {
    await page.goto(`${base}/admin/organizations/${org.organizationId}/supporters`);
    await page.getByRole('link', { name: 'Import supporters' }).click();
    await check('import');
    await page.locator('#f-campaignId').selectOption(campaign.id);
    await page.locator('#f-file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'email,first_name,city,tags\nana@example.org,Ana,Silao,Press; Volunteer\nlucia@example.org,Lucía,Silao,Press\n',
      ),
    });
    await page.getByRole('button', { name: 'Preview the import' }).click();
    const preview = page.getByTestId('import-result');
    await expect(preview.textContent()).resolves.toContain('Preview: nothing is saved yet');
    await expect(preview.getByTestId('created').textContent()).resolves.toBe('1');
    await expect(preview.getByTestId('import-tags').textContent()).resolves.toContain('new: Press');
    await check('import-preview');
    expect(await tagsOf('ana@example.org')).toEqual([]);
    await page.getByRole('button', { name: 'Import these supporters' }).click();
    await expect(page.getByTestId('import-result').textContent()).resolves.toContain('Imported');
    await check('import-done');
    expect(await tagsOf('ana@example.org')).toEqual(['Press', 'Volunteer']);
    expect(await tagsOf('lucia@example.org')).toEqual(['Press', 'Volunteer']);
  });

  it('enters a donation of "1,500", keeping what was typed after an error, and refunds it with a reason', async () => {
    await page.goto(`${base}/admin/campaigns/${campaign.id}`);
    await page.getByRole('link', { name: 'Donations' }).first().click();
    await page.locator('#f-amount').fill('1,50,0');
    await page.locator('#f-firstName').fill('Ramona');
    await page.locator('#f-email').fill('ramona@example.org');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('#e-amount').textContent()).resolves.toContain('Write an amount such as 1,500');
    await expect(page.locator('#f-firstName').inputValue()).resolves.toBe('Ramona');
    await expect(page.locator('#f-email').inputValue()).resolves.toBe('ramona@example.org');
    await check('donation-error');
    await page.locator('#f-amount').fill('1,500');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('donation-saved').isVisible()).resolves.toBe(true);
    const table = page.getByTestId('donations');
    await expect(table.textContent()).resolves.toMatch(/USD\s1,500/);
    await expect(table.textContent()).resolves.toContain('Ramona');
    await check('donations');
    const { rows } = await t.db.query(
      `SELECT id, amount_minor::text AS minor, currency FROM donations WHERE fundraiser_id = $1`,
      [fundraiserId],
    );
    expect(rows).toEqual([expect.objectContaining({ minor: '150000', currency: 'USD' })]);

    await table.getByRole('link', { name: /Fix or refund/ }).click();
    await check('donation');
    await page.getByRole('button', { name: /Yes, mark .* refunded/ }).click();
    await expect(page.locator('#e-refundReason').textContent()).resolves.toContain('Say why');
    await page.locator('#f-refundReason').fill('Paid twice by mistake');
    await page.getByRole('button', { name: /Yes, mark .* refunded/ }).click();
    await expect(page.getByTestId('donation-saved').textContent()).resolves.toContain('Donation refunded.');
    await expect(page.getByTestId('donations').textContent()).resolves.toContain('Refunded');
    const audit = await t.db.query(
      `SELECT details FROM audit_log WHERE action = 'donation.refunded' AND subject_id = $1`,
      [rows[0].id],
    );
    expect(audit.rows[0].details).toMatchObject({ reason: 'Paid twice by mistake' });
  });

  it('invites a teammate by email, and explains why the last organizer cannot be removed', async () => {
    await page.goto(`${base}/admin/organizations/${org.organizationId}`);
    const before = smtp.messages.length;
    await page.locator('#team #f-email').fill('new.teammate@example.org');
    await page.locator('#team #f-role').selectOption('coordinator');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.locator('#team [role=status]').textContent()).resolves.toContain('Invitation sent');
    await expect(page.getByTestId('invitations').textContent()).resolves.toContain(
      'new.teammate@example.org',
    );
    await smtp.waitForMail((m) => m.envelope.to[0] === 'new.teammate@example.org', before);
    await check('organization-team');
    await page.locator('#team summary', { hasText: 'Remove' }).first().click();
    await expect(page.getByText('will lose access').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: /Yes, remove Olga/ }).click();
    await expect(page.getByTestId('team-error').textContent()).resolves.toContain('only organizer');
    await check('organization-last-organizer');
    // A campaign's own team page invites by email too (no account id to know).
    await page.goto(`${base}/admin/campaigns/${campaign.id}/members`);
    await page.locator('#f-email').fill('campaign.helper@example.org');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.locator('[role=status]').first().textContent()).resolves.toContain('Invitation sent');
    await smtp.waitForMail((m) => m.envelope.to[0] === 'campaign.helper@example.org', before);
    await check('campaign-team');
  });

  it('changes the sender name and shows where mail comes from', async () => {
    await page.goto(`${base}/admin/organizations/${org.organizationId}`);
    await page.locator('#f-senderName').fill('Comité de Solidaridad');
    await page.locator('#f-replyTo').fill('comite@example.org');
    await page.locator('#f-country').fill('Estados Unidos');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect(page.getByTestId('mail-from').textContent()).resolves.toMatch(
      /Comité de Solidaridad <no-reply@localhost>.*comite@example\.org/,
    );
    await expect(page.locator('#f-country').inputValue()).resolves.toBe('United States');
    const { rows } = await t.db.query(
      `SELECT sender_name, reply_to, country FROM organizations WHERE id = $1`,
      [org.organizationId],
    );
    expect(rows[0]).toEqual({
      sender_name: 'Comité de Solidaridad',
      reply_to: 'comite@example.org',
      country: 'US',
    });
    await check('organization-settings');
  });
});
