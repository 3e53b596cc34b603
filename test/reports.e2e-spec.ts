import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { activeCampaign, addMember, adminToken, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { binaryBody, pdfText } from './support/binary.js';
import { abandonDownload, untilZero } from './support/polling.js';

describe('exports, reports and imports', () => {
  let t: TestApp;
  let admin: string;
  let org: Staff;
  let coord: Staff;
  let campaign: { id: string; slug: string };
  let actionId: string;
  let actionSlug: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    coord = await createStaff(t, admin, 'coordinator');
    campaign = await activeCampaign(t, org.token, {
      title: { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' },
      goals: { pledges: 100, signatures: 1000 },
    });
    await addMember(t, org.token, campaign.id, coord.id, 'coordinator');
    const targets = await t.http
      .get('/api/targets?limit=100')
      .auth(org.token, { type: 'bearer' })
      .expect(200);
    const ustr = targets.body.items.find(
      (x: { name: { en?: string } }) => x.name.en === 'United States Trade Representative',
    );
    const action = await t.http
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .auth(org.token, { type: 'bearer' })
      .send({
        title: { en: 'Review the Silao case', es: 'Revisen el caso Silao' },
        subject: { en: 'USMCA review', es: 'Revisión T-MEC' },
        body: { en: 'Dear {{target.name}}, …', es: 'Estimada {{target.name}}, …' },
        targetIds: [ustr.id],
        allowPersonalNote: true,
      })
      .expect(201);
    actionId = action.body.id;
    actionSlug = action.body.slug;
    await t.http
      .patch(`/api/letter-actions/${actionId}`)
      .auth(org.token, { type: 'bearer' })
      .send({ status: 'open' })
      .expect(200);
    const sign = (body: object) =>
      t.http
        .post(`/api/public/campaigns/${campaign.slug}/letters/${actionSlug}/signatures`)
        .send(body)
        .expect(201);
    await sign({
      email: 'ana@example.org',
      firstName: 'Ana',
      lastName: 'Peña',
      city: 'Querétaro',
      country: 'MX',
      personalNote: 'Solidaridad',
    });
    await sign({
      email: 'evil@example.org',
      firstName: '=HYPERLINK("http://x.example","click")',
      city: 'Detroit',
      country: 'US',
    });
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/pledges`)
      .send({ email: 'luis@example.org', firstName: 'Luis', city: 'León', country: 'MX', kind: 'sign' })
      .expect(201);
  });
  afterAll(() => t.close());

  const as = (token: string, url: string) => t.http.get(url).auth(token, { type: 'bearer' });

  it('exports signatures as CSV with a BOM, translated headers, accents, and neutralised formulas; audit-logged', async () => {
    const res = await as(coord.token, `/api/campaigns/${campaign.id}/exports/signatures.csv?lang=es`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('Carta,Nombre,Apellido,Correo,Ciudad,Estado,País,Nota personal,Idioma,Firmó');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Peña');
    expect(lines[1]).toContain('Querétaro');
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x.example"",""click"")"`);
    expect(lines[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const noBom = await as(coord.token, `/api/campaigns/${campaign.id}/exports/signatures.csv?bom=false`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect((noBom.body as Buffer).subarray(0, 5).toString()).toBe('Lette');

    const log = await as(admin, `/api/audit-log?action=export.&campaignId=${campaign.id}`).expect(200);
    expect(log.body.items[0]).toMatchObject({
      action: 'export.csv',
      subjectId: 'signatures',
      actorUserId: coord.id,
    });
    expect(log.body.items[0].details).toMatchObject({ rowCount: 2, completed: true, lang: 'en' });
  });

  it('exports the same rows as XLSX that exceljs reads back', async () => {
    const res = await as(coord.token, `/api/campaigns/${campaign.id}/exports/signatures.xlsx`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(1).getCell(2).value).toBe('First name');
    expect(sheet.getRow(2).getCell(3).value).toBe('Peña');
    expect(String(sheet.getRow(3).getCell(2).value)).toMatch(/^'=HYPERLINK/);
  });

  it('refuses other campaigns’ staff (404), unknown kinds (404) and filters that do not apply (400)', async () => {
    const other = await createStaff(t, admin, 'coordinator');
    await as(other.token, `/api/campaigns/${campaign.id}/exports/signatures.csv`).expect(404);
    await as(coord.token, `/api/campaigns/${campaign.id}/exports/passwords.csv`).expect(404);
    const bad = await as(
      coord.token,
      `/api/campaigns/${campaign.id}/exports/supporters.csv?eventId=${campaign.id}`,
    ).expect(400);
    expect(bad.body.details[0].field).toBe('eventId');
    await as(coord.token, `/api/campaigns/${campaign.id}/exports/supporters.csv?from=yesterday`).expect(400);
  });

  it('exports supporters and pledges with date filters', async () => {
    const sup = await as(
      coord.token,
      `/api/campaigns/${campaign.id}/exports/supporters.csv?bom=false`,
    ).expect(200);
    expect(sup.text.trim().split('\r\n')).toHaveLength(4);
    const future = await as(
      coord.token,
      `/api/campaigns/${campaign.id}/exports/pledges.csv?bom=false&from=2999-01-01`,
    ).expect(200);
    expect(future.text.trim().split('\r\n')).toHaveLength(1);
  });

  it('streams a 50,000-row export without the heap growing with the row count', async () => {
    // 50,000 signers inserted directly with SQL (the API path is covered above); then read the CSV incrementally.
    await t.db.query(
      `WITH s AS (
         INSERT INTO supporters (organization_id, email, first_name, last_name, city, country)
         SELECT (SELECT c.organization_id FROM letter_actions a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = $1), 'bulk' || i || '@example.org', 'Nombre' || i, 'Apellido', 'Querétaro', 'MX' FROM generate_series(1, 50000) i
         RETURNING id)
       INSERT INTO signatures (action_id, supporter_id, locale) SELECT $1, id, 'es' FROM s`,
      [actionId],
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let lines = 0;
    let firstChunkAt = 0;
    await new Promise<void>((ok, fail) => {
      get(
        {
          host: '127.0.0.1',
          port,
          path: `/api/campaigns/${campaign.id}/exports/signatures.csv`,
          headers: { authorization: `Bearer ${coord.token}` },
        },
        (res) => {
          res.on('data', (c: Buffer) => {
            if (!firstChunkAt) firstChunkAt = lines + 1;
            for (const b of c) if (b === 0x0a) lines++;
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          });
          res.on('end', ok);
          res.on('error', fail);
        },
      ).on('error', fail);
    });
    expect(lines).toBe(50_003);
    // The first bytes arrived before the last row was read (streamed, not built then sent).
    expect(firstChunkAt).toBe(1);
    // Generous bound: the whole CSV is ~5 MB of text and many more objects if it were buffered as rows.
    expect(peak - before).toBeLessThan(120 * 1024 * 1024);
  });

  it('releases the database connection when the client goes away mid-export', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    await abandonDownload(port, `/api/campaigns/${campaign.id}/exports/signatures.csv`, coord.token);
    const cursors = await untilZero(async () => {
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%FROM signatures g JOIN letter_actions%' AND state <> 'idle' AND pid <> pg_backend_pid()`,
      );
      return rows[0].n as number;
    });
    expect(cursors).toBe(0);
    const log = await as(admin, `/api/audit-log?action=export.csv&campaignId=${campaign.id}&limit=1`).expect(
      200,
    );
    expect(log.body.items[0].details.completed).toBe(false);
  });

  it('summarises the campaign as JSON and as a PDF that names it', async () => {
    const json = await as(coord.token, `/api/campaigns/${campaign.id}/report?lang=es`).expect(200);
    expect(json.body.campaign.title).toBe('Sindicato independiente en GM Silao');
    expect(json.body.sections.signatures.total).toBeGreaterThanOrEqual(2);
    expect(json.body.sections.pledges.byKind.sign.total).toBe(1);
    expect(json.body.sections.supporters.topCities).toEqual(
      expect.arrayContaining([expect.objectContaining({ city: 'Querétaro', country: 'MX' })]),
    );
    const pdf = await as(coord.token, `/api/campaigns/${campaign.id}/report.pdf?lang=es`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Sindicato independiente en GM Silao');
    expect(text).toContain('Informe de la campaña');
    expect(text).toContain('Firmas y compromisos por día');
  });

  it('imports supporters: a dry run names a bad email by line, a real run twice creates no duplicates', async () => {
    const csv = [
      'Email Address,First Name,Last Name,Zip Code,Country,Email Opt In,Favourite colour',
      'rosa@example.org,Rosa,Peña,76000,MX,yes,red',
      'not-an-email,Bad,Row,,MX,,',
      'ROSA@example.org,Rosa,,,,,',
      'tom@example.org,Tom,Lee,48201,US,no,blue',
    ].join('\n');
    const upload = (dryRun: boolean) =>
      t.http
        .post(`/api/campaigns/${campaign.id}/imports/supporters?dryRun=${dryRun}`)
        .auth(org.token, { type: 'bearer' })
        .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' });
    const dry = await upload(true).expect(201);
    expect(dry.body).toMatchObject({
      dryRun: true,
      rows: 4,
      created: 2,
      updated: 1,
      rejected: 1,
      ignoredColumns: ['Favourite colour'],
    });
    expect(dry.body.errors).toEqual([expect.objectContaining({ line: 3, field: 'email' })]);
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM supporters WHERE email = 'rosa@example.org'`)).rows[0]
        .n,
    ).toBe(0);

    const first = await upload(false).expect(201);
    expect(first.body).toMatchObject({ created: 2, updated: 1, rejected: 1 });
    const again = await upload(false).expect(201);
    expect(again.body).toMatchObject({ created: 0, updated: 3, rejected: 1 });
    const { rows } = await t.db.query(
      `SELECT email, last_name, postal_code, email_consent FROM supporters WHERE email IN ('rosa@example.org', 'tom@example.org') ORDER BY email`,
    );
    expect(rows).toEqual([
      { email: 'rosa@example.org', last_name: 'Peña', postal_code: '76000', email_consent: true },
      { email: 'tom@example.org', last_name: 'Lee', postal_code: '48201', email_consent: false },
    ]);
    const log = await as(admin, `/api/audit-log?action=import.supporters`).expect(200);
    expect(log.body.total).toBe(2);
  });

  it('answers a malformed file with 400 naming the line', async () => {
    const res = await t.http
      .post(`/api/campaigns/${campaign.id}/imports/supporters`)
      .auth(org.token, { type: 'bearer' })
      .attach('file', Buffer.from('email,first_name\nok@example.org,"Unclosed\n'), {
        filename: 'bad.csv',
        contentType: 'text/csv',
      })
      .expect(400);
    expect(res.body.message).toMatch(/line \d+/);
    await t.http
      .post(`/api/campaigns/${campaign.id}/imports/supporters`)
      .auth(coord.token, { type: 'bearer' })
      .attach('file', Buffer.from('email\nx@example.org\n'), { filename: 'x.csv', contentType: 'text/csv' })
      .expect(403);
  });
});
