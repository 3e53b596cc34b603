import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { SignedTokens } from '../src/common/signed-token.js';
import { PrivacyService } from '../src/supporters/privacy.service.js';
import { supportersSeenSql } from '../src/supporters/supporter-filter.js';
import { expectAccessible } from './support/axe.js';
import { binaryBody, pdfText } from './support/binary.js';
import { openBrowser, screenshots, type Browser } from './support/browser.js';
import {
  activeCampaign,
  addMember,
  addOrgMember,
  adminToken,
  createStaff,
  type Staff,
} from './support/factories.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, listenForBrowser, type TestApp } from './support/test-app.js';

/**
 * Issue 17's last gap: inside ONE organization, a member of campaign A only records a walk-in, a donor
 * and an import row with the email of Ana, whom the organization holds from campaign B only. The link
 * to A is concealed: every view that member reaches shows what they typed, never her stored record,
 * until she acts in A herself.
 */
const ana = {
  email: 'ana.storedmail@example.org',
  firstName: 'Ana',
  lastName: 'Storedlast',
  city: 'Storedcity',
  region: 'Storedregion',
  postalCode: '37999',
  country: 'MX',
  locale: 'es',
  phone: '+524771234567',
  consentEmail: true,
};
const TAG = 'Storedtag';
/** Everything the organization holds about Ana that the member of A must never see. */
const STORED = [ana.lastName, ana.city, ana.region, ana.postalCode, ana.phone, TAG];

describe('concealed links: staff entries reveal no stored record inside one organization', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let base: string;
  let organizer: Staff;
  let member: Staff;
  let orgCoordinator: Staff;
  let org: string;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  let event: string;
  let fundraiser: string;
  let letter: { id: string; slug: string };
  let anaId: string;

  const as = (token: string) => ({
    get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
    patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
  });

  const expectNoneStored = (what: string, body: string) => {
    for (const s of STORED) expect(`${what}: ${body}`).not.toContain(s);
  };

  const xlsxText = async (buf: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
    return cells.join(' ');
  };

  /** Every API view of campaign A's people the member reaches, as text (XLSX read back as cells). */
  async function views(token: string): Promise<Record<string, string>> {
    const u = as(token);
    const out: Record<string, string> = {};
    const json = async (name: string, url: string) =>
      (out[name] = JSON.stringify(
        (await u.get(url).expect((r) => expect({ url, status: r.status }).toEqual({ url, status: 200 })))
          .body,
      ));
    await json('campaign supporters', `/api/campaigns/${a.id}/supporters?limit=100`);
    await json('campaign supporter', `/api/campaigns/${a.id}/supporters/${anaId}`);
    await json('organization supporters', `/api/organizations/${org}/supporters?limit=100`);
    await json('organization supporter', `/api/organizations/${org}/supporters/${anaId}`);
    await json('rsvps and check-ins', `/api/events/${event}/rsvps?limit=100`);
    await json('donations', `/api/fundraisers/${fundraiser}/donations?limit=100`);
    await json('report', `/api/campaigns/${a.id}/report`);
    const pdf = await u.get(`/api/campaigns/${a.id}/report.pdf`).buffer(true).parse(binaryBody).expect(200);
    out['report.pdf'] = await pdfText(pdf.body as Buffer);
    for (const kind of ['supporters', 'rsvps', 'donations']) {
      const file = `/api/campaigns/${a.id}/exports/${kind}.csv`;
      out[`${kind}.csv`] = (
        await u.get(file).expect((r) => expect({ file, status: r.status }).toEqual({ file, status: 200 }))
      ).text;
      const xlsx = await u
        .get(`/api/campaigns/${a.id}/exports/${kind}.xlsx`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      out[`${kind}.xlsx`] = await xlsxText(xlsx.body as Buffer);
    }
    return out;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    base = await listenForBrowser(t);
    const admin = await adminToken(t);
    organizer = await createStaff(t, admin, 'organizer');
    org = organizer.organizationId!;
    a = await activeCampaign(t, organizer.token);
    b = await activeCampaign(t, organizer.token);
    // A member of campaign A only (they organize it: imports too), and a coordinator of the organization.
    member = await createStaff(t, admin, 'organizer', 'Mina Member');
    await addMember(t, organizer.token, a.id, member.id, 'organizer');
    orgCoordinator = await createStaff(t, admin, 'coordinator');
    await addOrgMember(t, admin, org, orgCoordinator.email, 'coordinator');

    // Ana acts publicly in B only; the organization tags her.
    await t.http
      .post(`/api/public/campaigns/${b.slug}/pledges`)
      .send({ ...ana, kind: 'volunteer' })
      .expect(201);
    const found = await as(organizer.token)
      .get(`/api/organizations/${org}/supporters?search=${encodeURIComponent(ana.email)}`)
      .expect(200);
    anaId = found.body.items[0].id as string;
    await as(organizer.token)
      .post(`/api/organizations/${org}/supporters/tags`)
      .send({ tag: TAG, action: 'add', supporterIds: [anaId] })
      .expect((r) => expect(r.status).toBeLessThan(300));

    const o = as(organizer.token);
    event = (
      await o
        .post(`/api/campaigns/${a.id}/events`)
        .send({
          title: { en: 'Picket' },
          kind: 'picket',
          venue: 'Plant gate',
          startsAt: new Date(Date.now() + 3600_000).toISOString(),
          timezone: 'America/Mexico_City',
        })
        .expect(201)
    ).body.id as string;
    fundraiser = (
      await o
        .post(`/api/campaigns/${a.id}/fundraisers`)
        .send({ title: { en: 'Strike fund' }, goal: { amount: '1000.00', currency: 'USD' } })
        .expect(201)
    ).body.id as string;
    const target = (
      await o
        .post(`/api/organizations/${org}/targets`)
        .send({ name: { en: 'Labor attaché', es: 'Agregada laboral' }, email: 'attache@example.gov' })
        .expect(201)
    ).body.id as string;
    letter = (
      await o
        .post(`/api/campaigns/${a.id}/letter-actions`)
        .send({
          title: { en: 'Letter' },
          subject: { en: 'Subject' },
          body: { en: 'Dear {{target.name}}, we stand with Silao.' },
          targetIds: [target],
        })
        .expect(201)
    ).body;
    await o.patch(`/api/letter-actions/${letter.id}`).send({ status: 'open' }).expect(200);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('links her to A concealed at a walk-in, a donation and an import, keeping only what was typed', async () => {
    const m = as(member.token);
    const walkIn = await m
      .post(`/api/events/${event}/check-ins`)
      .send({ email: ana.email, firstName: 'Ana', lastName: 'Typedwalkin' })
      .expect(201);
    expect(walkIn.body.rsvp).toMatchObject({ firstName: 'Ana', lastName: 'Typedwalkin' });
    const donor = await m
      .post(`/api/fundraisers/${fundraiser}/donations`)
      .send({
        amount: { amount: '5.00', currency: 'USD' },
        status: 'received',
        method: 'cash',
        donor: { email: ana.email, firstName: 'Ana', lastName: 'Typeddonor' },
      })
      .expect(201);
    expect(donor.body.donation.donor).toMatchObject({ firstName: 'Ana', lastName: 'Typeddonor' });
    const csv = `email,first_name,last_name,city\n${ana.email},Ana,Typedimport,Typedcity\n`;
    const importCsv = (dryRun: boolean) =>
      m
        .post(`/api/campaigns/${a.id}/imports/supporters${dryRun ? '?dryRun=true' : ''}`)
        .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' })
        .expect(201);
    await importCsv(true);
    expect(
      (await t.db.query(`SELECT entered FROM campaign_supporters WHERE campaign_id = $1`, [a.id])).rows[0]
        .entered,
    ).toEqual({ firstName: 'Ana', lastName: 'Typeddonor' }); // a dry run writes nothing
    await importCsv(false);
    for (const r of [walkIn, donor]) expectNoneStored('answer', JSON.stringify(r.body));

    const { rows: links } = await t.db.query(
      `SELECT campaign_id, concealed, entered FROM campaign_supporters WHERE supporter_id = $1`,
      [anaId],
    );
    expect(links).toHaveLength(2);
    expect(links.find((l) => l.campaign_id === b.id)).toMatchObject({ concealed: false, entered: null });
    expect(links.find((l) => l.campaign_id === a.id)).toMatchObject({
      concealed: true,
      entered: { firstName: 'Ana', lastName: 'Typedimport', city: 'Typedcity' },
    });
    // Her record is as she gave it.
    const { rows } = await t.db.query(`SELECT last_name, city, phone FROM supporters WHERE id = $1`, [anaId]);
    expect(rows[0]).toEqual({ last_name: ana.lastName, city: ana.city, phone: ana.phone });
  });

  it('shows the member of A what was typed on every view, never her stored record', async () => {
    const seen = await views(member.token);
    for (const [name, body] of Object.entries(seen)) {
      expectNoneStored(name, body);
      // Her email (as typed) and every list she is on: she is listed, with what was typed.
      if (!name.startsWith('report')) expect(`${name}: ${body}`).toContain(ana.email);
    }
    for (const name of ['campaign supporters', 'organization supporter', 'donations', 'supporters.xlsx'])
      expect(`${name}: ${seen[name]}`).toContain('Typedimport');
    expect(seen.report).toContain('Typedcity');
    const detail = JSON.parse(seen['organization supporter']) as Record<string, unknown>;
    expect(detail).toMatchObject({
      lastName: 'Typedimport',
      city: 'Typedcity',
      region: null,
      postalCode: null,
      phone: null,
      emailConsent: false,
      emailConsentAt: null,
      staffEntered: true,
      tags: [],
    });
    expect((detail.campaigns as { id: string }[]).map((c) => c.id)).toEqual([a.id]);

    // Searching, filtering by tag or language finds nothing through what she does not see.
    const m = as(member.token);
    for (const q of ['search=Storedlast', 'search=Storedcity', 'locale=es', 'country=MX']) {
      const res = await m.get(`/api/organizations/${org}/supporters?${q}`).expect(200);
      expect({ q, total: res.body.total }).toEqual({ q, total: 0 });
    }
    const tag = (await t.db.query(`SELECT id FROM tags WHERE name = $1`, [TAG])).rows[0].id as string;
    const byTag = await m.get(`/api/organizations/${org}/supporters?tagId=${tag}`).expect(200);
    expect(byTag.body.total).toBe(0);
    const typed = await m.get(`/api/organizations/${org}/supporters?search=Typedimport`).expect(200);
    expect(typed.body.total).toBe(1);
    const inCampaign = await m.get(`/api/campaigns/${a.id}/supporters?search=Storedlast`).expect(200);
    expect(inCampaign.body.total).toBe(0);
    const door = await m.get(`/api/events/${event}/rsvps?search=Storedlast`).expect(200);
    expect(door.body.total).toBe(0);
  });

  it('shows the masked record on the console’s supporter, check-in and donation screens, at phone size', async () => {
    let browser: Browser | undefined;
    try {
      browser = await openBrowser({ phone: true });
      const page: Page = browser.page;
      await page.goto(`${base}/admin/login`);
      await page.locator('#f-email').fill(member.email);
      await page.locator('#f-password').fill('a-long-enough-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/admin`);
      const pages: [string, string][] = [
        ['concealed-supporters', `/admin/organizations/${org}/supporters`],
        ['concealed-supporter', `/admin/organizations/${org}/supporters/${anaId}`],
        ['concealed-checkin', `/admin/events/${event}/checkin`],
        ['concealed-donations', `/admin/fundraisers/${fundraiser}/donations`],
      ];
      for (const [name, path] of pages) {
        const res = await page.goto(`${base}${path}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
        // The list's tag filter offers the organization's tag names (not hers): read the table there.
        const html =
          name === 'concealed-supporters'
            ? await page.getByTestId('supporters').innerHTML()
            : await page.content();
        expectNoneStored(path, html);
        expect(`${path}: ${html}`).toContain('Typedimport');
        await expect(page.getByTestId('staff-entered').first().textContent()).resolves.toContain(
          'Entered by staff',
        );
        await expectAccessible(page);
        await screenshots(page, name);
      }
      // "Export what is shown": the console's CSV of the organization's list, and its search.
      const csv = await page.request.get(`${base}/admin/organizations/${org}/supporters.csv`);
      expect(csv.status()).toBe(200);
      const csvText = await csv.text();
      expectNoneStored('supporters.csv', csvText);
      expect(csvText).toContain('Typedimport');
      const searched = await page.request.get(
        `${base}/admin/organizations/${org}/supporters.csv?search=Storedlast`,
      );
      expect((await searched.text()).trim().split('\n')).toHaveLength(1);
      await page.goto(`${base}/admin/organizations/${org}/supporters/${anaId}?lang=es`);
      await expect(page.getByTestId('staff-entered').textContent()).resolves.toContain(
        'Otros datos solo los ven las personas organizadoras',
      );
    } finally {
      await browser?.close();
    }
  }, 120_000);

  it('masks a view that has every column of supporters (a column added later cannot slip past it)', async () => {
    const columns = async (from: string, params: unknown[]) =>
      (await t.db.query(`SELECT * FROM ${from} s LIMIT 0`, params)).fields.map((f) => f.name).sort();
    const params: unknown[] = [];
    const seen = await columns(supportersSeenSql([a.id], params), params);
    const stored = await columns('supporters', []);
    expect(seen).toEqual([...stored, 'masked', 'staff_entered'].sort());
  });

  it('shows the organization’s organizer and coordinator her stored record', async () => {
    for (const who of [organizer, orgCoordinator]) {
      const one = await as(who.token).get(`/api/campaigns/${a.id}/supporters/${anaId}`).expect(200);
      expect(one.body).toMatchObject({ lastName: ana.lastName, city: ana.city, phone: ana.phone });
    }
    // The note on staff-made links is for those who see part of the organization (the coordinator sees
    // every campaign, but not as its organizer: the same note whatever is stored).
    const mine = await as(organizer.token).get(`/api/organizations/${org}/supporters/${anaId}`).expect(200);
    expect(mine.body).toMatchObject({ staffEntered: false, tags: [expect.objectContaining({ name: TAG })] });
    const all = await as(organizer.token)
      .get(`/api/organizations/${org}/supporters?search=Storedlast`)
      .expect(200);
    expect(all.body.total).toBe(1);
  });

  it('lists the typed details in her data download, and erasure clears them', async () => {
    const token = t.app.get(SignedTokens).sign('data', anaId, new Date(Date.now() + 3600_000));
    const data = (await t.http.get(`/api/public/supporters/data/${token}`).expect(200)).body;
    expect(JSON.stringify(data.organizations[0].held.campaign_supporters)).toContain('Typedimport');
    // A second person, entered concealed the same way, is erased: her typed details go too.
    await t.http
      .post(`/api/public/campaigns/${b.slug}/pledges`)
      .send({ email: 'eraseme@example.org', firstName: 'Eva', kind: 'support' })
      .expect(201);
    await as(member.token)
      .post(`/api/events/${event}/check-ins`)
      .send({ email: 'eraseme@example.org', firstName: 'Eva', lastName: 'Typederase' })
      .expect(201);
    const eva = (await t.db.query(`SELECT id FROM supporters WHERE email = 'eraseme@example.org'`)).rows[0]
      .id as string;
    await t.app.get(PrivacyService).erase(eva, null);
    const links = await t.db.query(
      `SELECT concealed, entered FROM campaign_supporters WHERE supporter_id = $1`,
      [eva],
    );
    expect(links.rows).toContainEqual({ concealed: true, entered: null });
    expect(links.rows.every((l) => l.entered === null)).toBe(true);
  });

  it('makes the link visible once she acts in A herself, or someone who sees the whole organization enters her', async () => {
    await t.http
      .post(`/api/public/campaigns/${a.slug}/letters/${letter.slug}/signatures`)
      .send({ email: ana.email, firstName: 'Ana' })
      .expect(201);
    const one = await as(member.token).get(`/api/campaigns/${a.id}/supporters/${anaId}`).expect(200);
    expect(one.body).toMatchObject({ lastName: ana.lastName, city: ana.city, staffEntered: true });

    // Bea, from B only: concealed at the member's walk-in, visible once an organizer records her gift.
    await t.http
      .post(`/api/public/campaigns/${b.slug}/pledges`)
      .send({ email: 'bea@example.org', firstName: 'Bea', lastName: 'Storedbea', kind: 'support' })
      .expect(201);
    await as(member.token)
      .post(`/api/events/${event}/check-ins`)
      .send({ email: 'bea@example.org', firstName: 'Bea' })
      .expect(201);
    const concealed = () =>
      t.db
        .query(
          `SELECT cs.concealed FROM campaign_supporters cs JOIN supporters s ON s.id = cs.supporter_id
            WHERE s.email = 'bea@example.org' AND cs.campaign_id = $1`,
          [a.id],
        )
        .then((r) => r.rows[0].concealed as boolean);
    expect(await concealed()).toBe(true);
    const list = await as(member.token).get(`/api/campaigns/${a.id}/supporters?search=bea`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain('Storedbea');
    await as(organizer.token)
      .post(`/api/fundraisers/${fundraiser}/donations`)
      .send({
        amount: { amount: '5.00', currency: 'USD' },
        status: 'received',
        method: 'cash',
        donor: { email: 'bea@example.org', firstName: 'B.' },
      })
      .expect(201);
    expect(await concealed()).toBe(false);
    const after = await as(member.token).get(`/api/campaigns/${a.id}/supporters?search=bea`).expect(200);
    expect(JSON.stringify(after.body)).toContain('Storedbea');
  });
});
