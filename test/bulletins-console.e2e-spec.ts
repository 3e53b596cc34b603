import type { Page } from 'playwright-core';
import { BulletinSender } from '../src/bulletins/bulletin-sender.js';
import { expectAccessible } from './support/axe.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

/** Issue 22 in the console: build and count an audience, write side by side, preview, send, follow. */
describe('bulletins in the console (browser)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let org: Staff;
  let orgSlug: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url, BULLETIN_RATE_PER_SECOND: '1000' });
    base = await listenForBrowser(t);
    org = await createStaff(t, await adminToken(t), 'organizer', 'María López', {
      organization: 'Comité de Solidaridad México–EE. UU.',
    });
    orgSlug = (
      await t.http.get(`/api/organizations/${org.organizationId}`).auth(org.token, { type: 'bearer' })
    ).body.slug;
    const campaign = await activeCampaign(t, org.token);
    for (const [email, locale, region] of [
      ['lupe@example.org', 'es', 'Guanajuato'],
      ['rosa@example.org', 'es', 'Guanajuato'],
      ['mary@example.org', 'en', 'Michigan'],
    ])
      await t.http
        .post(`/api/public/campaigns/${campaign.slug}/pledges`)
        .send({ email, firstName: email.split('@')[0], locale, region, consentEmail: true, kind: 'support' })
        .expect((r) => expect(r.status).toBeLessThan(300));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  async function logIn(page: Page) {
    await page.goto(`${base}/admin/login`);
    await page.locator('#f-email').fill(org.email);
    await page.locator('#f-password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);
  }

  it('an organizer builds an audience, writes in both languages, previews, sends and watches it go', async () => {
    browser = await openBrowser();
    const page = browser.page;
    await logIn(page);
    await page.goto(`${base}/admin/organizations/${org.organizationId}`);
    await page.getByRole('link', { name: 'Bulletins' }).click();
    await page.waitForURL(`${base}/admin/organizations/${org.organizationId}/bulletins`);
    await expectAccessible(page);

    // The audience builder: count before saving, then save.
    await page.getByRole('link', { name: 'New audience' }).click();
    await page.locator('#f-name').fill('Guanajuato en español');
    await page.locator('#f-locale').selectOption('es');
    await page.locator('#f-region').fill('guanajuato');
    await page.getByRole('button', { name: 'Count' }).click();
    await expect(page.getByTestId('audience-count').textContent()).resolves.toContain('2');
    expect(await page.locator('#f-name').inputValue()).toBe('Guanajuato en español'); // kept
    await expectAccessible(page);
    await screenshots(page, 'bulletins-audience');
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL(/\/admin\/audiences\/[0-9a-f-]+\?saved=1/);

    // Compose side by side, with an error first (no text), then a preview of both languages.
    await page.goto(`${base}/admin/organizations/${org.organizationId}/bulletins/new`);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('.error-summary').count()).resolves.toBe(1);
    await expectAccessible(page);
    await page.locator('#f-subject_en').fill('News from Silao');
    await page.locator('#f-subject_es').fill('Noticias de Silao');
    await page.locator('#f-body_en').fill('Hi {{supporter.firstName | friend}},\n\n**The vote is on.**');
    await page
      .locator('#f-body_es')
      .fill('Hola, {{supporter.firstName | compa}}:\n\n**Ya viene la votación.**');
    await page.locator('#f-audienceId').selectOption({ label: 'Guanajuato en español' });
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('preview-es').innerHTML()).resolves.toContain(
      '<strong>Ya viene la votación.</strong>',
    );
    await expect(page.getByTestId('preview-en').textContent()).resolves.toContain('Hi friend,');
    expect(await page.locator('#f-body_es').inputValue()).toContain('Ya viene'); // typed values kept
    await expectAccessible(page);
    await screenshots(page, 'bulletins-compose', { docs: 'desktop' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/admin\/bulletins\/[0-9a-f-]+\?done=saved/);
    const id = /bulletins\/([0-9a-f-]+)/.exec(page.url())![1];

    // A test to myself, then send (one a second, so the progress can be watched).
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.waitForURL(/done=tested/);
    expect(smtp.messages.filter((m) => m.envelope.to[0] === org.email)).toHaveLength(2);
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/done=send/);
    await expect(page.getByTestId('bulletin-status').textContent()).resolves.toBe('Sending');
    await expect(page.locator('[data-stat="remaining"]').textContent()).resolves.toBe('2');
    await expectAccessible(page);

    // The sender sends; the page's script updates the numbers without a reload while it sends, and
    // loads the page again once it is done (for its status and buttons).
    t.config.bulletinRatePerSecond = 1;
    await page.evaluate('window.notReloaded = true');
    await t.app.get(BulletinSender).tick();
    await page.locator('[data-stat="remaining"]', { hasText: /^1$/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('bulletin-status').textContent()).toBe('Sending');
    expect(await page.evaluate('window.notReloaded === true')).toBe(true); // the same page, updated
    await expect(page.locator('[data-stat="sent"]').textContent()).resolves.toBe('1');
    t.config.bulletinRatePerSecond = 1000;
    t.clock.advance(1100);
    await t.app.get(BulletinSender).tick();
    await page
      .getByTestId('bulletin-status')
      .filter({ hasText: /^Sent$/ })
      .waitFor({ timeout: 15_000 });
    await expect(page.locator('[data-stat="sent"]').textContent()).resolves.toBe('2');
    await screenshots(page, 'bulletins-progress');

    // In Spanish, and at phone size.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/admin/bulletins/${id}?lang=es`);
    await expect(page.getByTestId('bulletin-status').textContent()).resolves.toBe('Enviado');
    await expectAccessible(page);

    // The public archive.
    await page.goto(`${base}/o/${orgSlug}/bulletins?lang=es`);
    await page.getByRole('link', { name: 'Noticias de Silao' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Noticias de Silao');
    await expectAccessible(page);
    await screenshots(page, 'bulletins-archive');
  });
});
