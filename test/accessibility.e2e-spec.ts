import type { Page } from 'playwright-core';
import { SignedTokens } from '../src/common/signed-token.js';
import { expectAccessible } from './support/axe.js';
import { openBrowser, type Browser } from './support/browser.js';
import { activeCampaign, adminToken, createCampaign, createStaff, type Staff } from './support/factories.js';
import { rsvpOf } from './support/rsvps.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

const PASSWORD = 'a-long-enough-password';

/** What the pages' paths are made of, filled in by the setup. */
interface Scene {
  slug: string;
  campaignId: string;
  draftId: string;
  orgId: string;
  orgSlug: string;
  letterId: string;
  eventId: string;
  fundraiserId: string;
  donationId: string;
  supporterId: string;
  targetId: string;
  audienceId: string;
  bulletinId: string;
  rsvpToken: string;
  unsubscribeToken: string;
  dataToken: string;
  detailsToken: string;
  invitationToken: string;
}

/**
 * Every public page and every console page, in Chromium at phone size, in English and (for many) in
 * Spanish: no serious or critical axe finding and no duplicate id. One app, one browser.
 * The token pages (rsvp, unsubscribe, my-data, my-details, invitation) get their signed links as
 * the mails would carry them, signed here from the rows the API created.
 */
const PUBLIC: [string, (s: Scene) => string][] = [
  ['home', () => '/'],
  ['campaign', (s) => `/c/${s.slug}`],
  ['letter', (s) => `/c/${s.slug}/letters/usmca-review`],
  ['letter thanks', (s) => `/c/${s.slug}/letters/usmca-review/thanks`],
  ['pledge thanks', (s) => `/c/${s.slug}/thanks`],
  ['event', (s) => `/c/${s.slug}/events/picket-detroit`],
  ['rsvp manage', (s) => `/rsvp/${s.rsvpToken}`],
  ['unsubscribe', (s) => `/unsubscribe/${s.unsubscribeToken}`],
  ['my-data request', () => '/my-data'],
  ['my-data', (s) => `/my-data/${s.dataToken}`],
  ['my-details', (s) => `/my-details/${s.detailsToken}`],
  ['invitation', (s) => `/invitations/${s.invitationToken}`],
  ['bulletin archive', (s) => `/o/${s.orgSlug}/bulletins`],
  ['bulletin', (s) => `/o/${s.orgSlug}/bulletins/${s.bulletinId}`],
  ['embed letter', (s) => `/embed/c/${s.slug}/letters/usmca-review`],
  ['embed event', (s) => `/embed/c/${s.slug}/events/picket-detroit`],
  ['embed pledge', (s) => `/embed/c/${s.slug}/pledge`],
];

const CONSOLE: [string, (s: Scene) => string][] = [
  ['dashboard', () => '/admin'],
  ['new campaign', () => '/admin/campaigns/new'],
  ['campaign', (s) => `/admin/campaigns/${s.campaignId}`],
  ['campaign edit', (s) => `/admin/campaigns/${s.campaignId}/edit`],
  ['letter edit', (s) => `/admin/letters/${s.letterId}/edit`],
  ['letter delivery', (s) => `/admin/letters/${s.letterId}/delivery`],
  ['event edit', (s) => `/admin/events/${s.eventId}/edit`],
  ['check-in', (s) => `/admin/events/${s.eventId}/checkin`],
  ['fundraiser edit', (s) => `/admin/fundraisers/${s.fundraiserId}/edit`],
  ['donations', (s) => `/admin/fundraisers/${s.fundraiserId}/donations`],
  ['donation', (s) => `/admin/donations/${s.donationId}`],
  ['reminders', (s) => `/admin/campaigns/${s.campaignId}/reminders`],
  ['team', (s) => `/admin/campaigns/${s.campaignId}/members`],
  ['delete confirmation', (s) => `/admin/campaigns/${s.draftId}/delete`],
  ['organizations', () => '/admin/organizations'],
  ['organization settings', (s) => `/admin/organizations/${s.orgId}`],
  ['supporters', (s) => `/admin/organizations/${s.orgId}/supporters`],
  ['supporter', (s) => `/admin/organizations/${s.orgId}/supporters/${s.supporterId}`],
  ['tags', (s) => `/admin/organizations/${s.orgId}/tags`],
  ['import', (s) => `/admin/organizations/${s.orgId}/import`],
  ['targets', () => '/admin/targets'],
  ['organization targets', (s) => `/admin/organizations/${s.orgId}/targets`],
  ['target edit', (s) => `/admin/targets/${s.targetId}/edit`],
  ['exchange rates', () => '/admin/exchange-rates'],
  ['organization exchange rates', (s) => `/admin/organizations/${s.orgId}/exchange-rates`],
  ['bulletins', (s) => `/admin/organizations/${s.orgId}/bulletins`],
  ['new bulletin', (s) => `/admin/organizations/${s.orgId}/bulletins/new`],
  ['bulletin', (s) => `/admin/bulletins/${s.bulletinId}`],
  ['new audience', (s) => `/admin/organizations/${s.orgId}/audiences/new`],
  ['audience', (s) => `/admin/audiences/${s.audienceId}`],
];

describe('accessibility of every page (phone size, both languages)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let org: Staff;
  let b: Browser;
  let page: Page;
  const s = {} as Scene;

  const as = (token: string) => ({
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
  });

  async function visit(path: string): Promise<void> {
    const res = await page.goto(`${base}${path}`);
    expect(`${path} → ${res?.status()}`).toBe(`${path} → 200`);
    await expectAccessible(page);
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    org = await createStaff(t, await adminToken(t), 'organizer', 'Olga Organizadora');
    const api = as(org.token);
    s.orgId = org.organizationId!;
    s.orgSlug = (await api.get(`/api/organizations/${s.orgId}`).expect(200)).body.slug as string;
    const campaign = await activeCampaign(t, org.token, {
      summary: { en: 'Workers at Silao are winning.', es: 'Las y los trabajadores de Silao están ganando.' },
      body: { en: 'First paragraph.\n\nSecond paragraph.', es: 'Primer párrafo.\n\nSegundo párrafo.' },
      goals: { pledges: 100, signatures: 50 },
    });
    s.slug = campaign.slug;
    s.campaignId = campaign.id;
    s.draftId = (await createCampaign(t, org.token)).id;
    const target = await api
      .post(`/api/organizations/${s.orgId}/targets`)
      .send({
        name: { en: 'US Trade Representative', es: 'Representante Comercial de EE. UU.' },
        organization: 'USTR',
        kind: 'government',
        country: 'US',
        email: 'desk@example.gov',
        locale: 'en',
      })
      .expect(201);
    s.targetId = target.body.id as string;
    const letter = await api
      .post(`/api/campaigns/${s.campaignId}/letter-actions`)
      .send({
        slug: 'usmca-review',
        title: { en: 'Ask for a USMCA review', es: 'Pide una revisión del T-MEC' },
        subject: { en: 'Review GM Silao', es: 'Revisen GM Silao' },
        body: { en: 'Dear {{target.name}},\n\nPlease act.', es: 'Estimada {{target.name}}:\n\nActúen.' },
        targetIds: [s.targetId],
        signatureGoal: 50,
      })
      .expect(201);
    s.letterId = letter.body.id as string;
    await api.patch(`/api/letter-actions/${s.letterId}`).send({ status: 'open' }).expect(200);
    const event = await api
      .post(`/api/campaigns/${s.campaignId}/events`)
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
    s.eventId = event.body.id as string;
    await t.http
      .post(`/api/public/campaigns/${s.slug}/pledges`)
      .send({
        email: 'lucia@example.org',
        firstName: 'Lucía',
        city: 'Silao',
        locale: 'es',
        country: 'MX',
        kind: 'support',
        consentEmail: true,
      })
      .expect(201);
    await t.http
      .post(`/api/public/campaigns/${s.slug}/events/picket-detroit/rsvps`)
      .send({ email: 'lucia@example.org', firstName: 'Lucía', locale: 'es', consentEmail: true })
      .expect((r) => expect(r.status).toBeLessThan(300));
    s.rsvpToken = (await rsvpOf(t, { id: s.eventId }, 'lucia@example.org')).token;
    const { rows } = await t.db.query<{ id: string }>(
      'SELECT id FROM supporters WHERE email = $1 AND organization_id = $2',
      ['lucia@example.org', s.orgId],
    );
    s.supporterId = rows[0].id;
    const tokens = t.app.get(SignedTokens);
    s.unsubscribeToken = tokens.sign('unsubscribe', s.supporterId);
    s.dataToken = tokens.sign('data', s.supporterId, new Date(Date.now() + 3600_000));
    // A known supporter's form with new details waits for her confirmation on /my-details/:token.
    await t.http
      .post(`/api/public/campaigns/${s.slug}/pledges`)
      .send({ email: 'lucia@example.org', firstName: 'Lucía', city: 'León', locale: 'es', kind: 'support' })
      .expect(201);
    // (Recorded after the answer, not awaited by the route: wait for the row.)
    let update: { id: string; expires_at: Date } | undefined;
    for (let i = 0; !update && i < 50; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      update = (
        await t.db.query<{ id: string; expires_at: Date }>(
          'SELECT id, expires_at FROM supporter_updates WHERE supporter_id = $1',
          [s.supporterId],
        )
      ).rows[0];
    }
    s.detailsToken = tokens.sign('details-update', update!.id, update!.expires_at);
    await api
      .post(`/api/organizations/${s.orgId}/members`)
      .send({ email: 'new.teammate@example.org', role: 'coordinator' })
      .expect((r) => expect(r.status).toBeLessThan(300));
    const invitation = await t.db.query<{ id: string; expires_at: Date }>(
      'SELECT id, expires_at FROM invitations WHERE email = $1',
      ['new.teammate@example.org'],
    );
    s.invitationToken = tokens.sign('invitation', invitation.rows[0].id, invitation.rows[0].expires_at);
    const fr = await api
      .post(`/api/campaigns/${s.campaignId}/fundraisers`)
      .send({
        title: { en: 'Strike fund', es: 'Fondo de huelga' },
        goal: { amount: '20000', currency: 'USD' },
      })
      .expect(201);
    s.fundraiserId = fr.body.id as string;
    const donation = await api
      .post(`/api/fundraisers/${s.fundraiserId}/donations`)
      .send({ amount: { amount: '250.00', currency: 'USD' }, status: 'received', method: 'transfer' })
      .expect(201);
    s.donationId = donation.body.donation.id as string;

    b = await openBrowser({ phone: true });
    page = b.page;
    await page.goto(`${base}/admin/login`);
    await expectAccessible(page); // the login page, before logging in
    await page.locator('#f-email').fill(org.email);
    await page.locator('#f-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/admin`);

    // An audience and a bulletin, through the console's own forms, sent so the archive shows it.
    await page.goto(`${base}/admin/organizations/${s.orgId}/audiences/new`);
    await page.locator('#f-name').fill('En español');
    await page.locator('#f-locale').selectOption('es');
    await page.getByRole('button', { name: 'Save audience' }).click();
    await page.waitForURL(/\/admin\/audiences\/[0-9a-f-]+\?saved=1/);
    s.audienceId = /audiences\/([0-9a-f-]+)/.exec(page.url())![1];
    await page.goto(`${base}/admin/organizations/${s.orgId}/bulletins/new`);
    await page.locator('#f-subject_en').fill('News from Silao');
    await page.locator('#f-subject_es').fill('Noticias de Silao');
    await page.locator('#f-body_en').fill('Hi {{supporter.firstName | friend}},\n\n**The vote is on.**');
    await page
      .locator('#f-body_es')
      .fill('Hola, {{supporter.firstName | compa}}:\n\n**Ya viene la votación.**');
    await page.locator('#f-audienceId').selectOption({ label: 'En español' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/admin\/bulletins\/[0-9a-f-]+\?done=saved/);
    s.bulletinId = /bulletins\/([0-9a-f-]+)/.exec(page.url())![1];
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.waitForURL(/done=send/);
  }, 180_000);

  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
  });

  it.each(CONSOLE)('console: %s, in English and Spanish', async (_name, path) => {
    await visit(path(s));
    await visit(`${path(s)}${path(s).includes('?') ? '&' : '?'}lang=es`);
  });

  it('console: the status change confirmation page', async () => {
    await page.goto(`${base}/admin/campaigns/${s.draftId}`);
    await page.locator('form[action$="/status"] button').first().click();
    await page.waitForURL(`${base}/admin/campaigns/${s.draftId}/status`);
    await expectAccessible(page);
    await page.goto(`${base}/admin/campaigns/${s.draftId}?lang=es`);
    await page.locator('form[action$="/status"] button').first().click();
    await page.waitForURL(`${base}/admin/campaigns/${s.draftId}/status`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await expectAccessible(page);
  });

  it.each(PUBLIC)('public: %s, in English and Spanish', async (_name, path) => {
    await visit(`${path(s)}?lang=en`);
    await visit(`${path(s)}?lang=es`);
  });
});
