import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { LineEndings1796200000000 } from '../migrations/1796200000000-line-endings.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { binaryBody, pdfPages, pdfToPng } from './support/binary.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * What leaves the building (issue 21): the letter a target receives by email, the delivery packet PDF
 * and the campaign report PDF, read as text and rendered to PNG under test-artifacts/documents/ to be
 * looked at as a person would.
 */
describe('documents', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let admin: string;
  let org: Staff;
  let campaign: { id: string; slug: string };
  let targetId: string;

  const SENDER = 'Comité de Solidaridad GM Silao';
  const REPLY_TO = 'comite@example.org';
  /** As a browser's textarea sends it: CRLF line breaks, a signature block of merge fields. */
  const BODY_ES =
    'Estimada {{target.name}}:\r\n\r\nLe escribimos para pedir que se respete el voto sindical en la planta de Silao.\r\n' +
    'Las y los trabajadores eligieron a su sindicato independiente; exigimos que ningún despido ni amenaza lo anule.\r\n\r\n' +
    'Atentamente,\r\n{{supporter.firstName}} {{supporter.lastName}}, {{supporter.city}}';
  const BODY_EN =
    'Dear {{target.name}},\r\n\r\nWe write to ask that the union vote at the Silao plant be respected.\r\n\r\n' +
    'Sincerely,\r\n{{supporter.firstName}} {{supporter.lastName}}, {{supporter.city}}';
  const SIGNERS = [
    {
      email: 'ana@example.org',
      firstName: 'Ana',
      lastName: 'Peña Muñoz',
      city: 'Querétaro',
      region: 'Querétaro',
      country: 'MX',
      personalNote: '¡Solidaridad desde Querétaro!\r\nCon cariño, Ana.',
    },
    {
      email: 'jose@example.org',
      firstName: 'José',
      lastName: 'Güemes',
      city: 'León',
      region: 'Guanajuato',
      country: 'México',
    },
    {
      email: 'lukasz@example.org',
      firstName: 'Łukasz',
      lastName: 'Nguyễn',
      city: 'Detroit',
      region: 'MI',
      country: 'US',
      personalNote: '¿Por qué no? Union strong.',
    },
  ];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ SMTP_URL: smtp.url });
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    await as(org.token)
      .patch(`/api/organizations/${org.organizationId}`)
      .send({ senderName: SENDER, replyTo: REPLY_TO })
      .expect(200);
    campaign = await activeCampaign(t, org.token, {
      title: { en: 'Independent union at GM Silao', es: 'Sindicato independiente en GM Silao' },
      goals: { pledges: 5000, signatures: 2000 },
    });
    const target = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/targets`)
      .send({
        name: { es: 'Secretaría del Trabajo y Previsión Social', en: 'Mexico’s Labor Secretariat' },
        title: { es: 'Unidad de Asuntos Internacionales' },
        kind: 'government',
        country: 'MX',
        email: 'ministerio@example.gob.mx',
        locale: 'es',
        postalAddress: 'Av. Paseo de la Reforma 93\r\nCol. Tabacalera\r\n06030 Ciudad de México',
      })
      .expect(201);
    targetId = target.body.id as string;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  function as(token: string) {
    return {
      get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
      post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
      patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    };
  }

  async function openLetter(overrides: Record<string, unknown> = {}) {
    const res = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        title: { en: 'Respect the union vote', es: 'Respeten el voto sindical' },
        subject: { en: 'Respect the union vote at GM Silao', es: 'Respeten el voto sindical en GM Silao' },
        body: { es: BODY_ES, en: BODY_EN },
        targetIds: [targetId],
        allowPersonalNote: true,
        ...overrides,
      })
      .expect(201);
    await as(org.token).patch(`/api/letter-actions/${res.body.id}`).send({ status: 'open' }).expect(200);
    return { id: res.body.id as string, slug: res.body.slug as string };
  }

  const sign = (slug: string, body: object) =>
    t.http.post(`/api/public/campaigns/${campaign.slug}/letters/${slug}/signatures`).send(body).expect(201);

  const packet = async (letterId: string, format: 'pdf' | 'csv') =>
    (
      await as(org.token)
        .get(`/api/letter-actions/${letterId}/targets/${targetId}/packet.${format}`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200)
    ).body as Buffer;

  /** Lines of a signer table page's text that start a row: "<n> <name>…". */
  const numberedRows = (page: string) => page.split('\n').filter((l) => /^\d[\d,]* \S/.test(l));

  it('stores a letter typed with CRLF line breaks with LF only', async () => {
    const letter = await openLetter();
    const { rows } = await t.db.query(`SELECT body, subject FROM letter_actions WHERE id = $1`, [letter.id]);
    expect(rows[0].body.es).toContain('Atentamente,\n{{supporter.firstName}}');
    expect(JSON.stringify(rows[0])).not.toContain('\\r');
    const { rows: target } = await t.db.query(`SELECT postal_address FROM targets WHERE id = $1`, [targetId]);
    expect(target[0].postal_address).toBe(
      'Av. Paseo de la Reforma 93\nCol. Tabacalera\n06030 Ciudad de México',
    );
  });

  it('delivers the packet: a cover, the letter once in the target’s language, three numbered signers, page numbers', async () => {
    const letter = await openLetter();
    for (const s of SIGNERS) await sign(letter.slug, s);
    const pdf = await packet(letter.id, 'pdf');
    const { text, pages, total } = await pdfPages(pdf);
    await pdfToPng(pdf, 'packet', [1, 2, 3]);

    expect(text).not.toContain('Ð');
    expect(text).not.toContain('[');
    expect(text).not.toContain('{{');
    expect(total).toBe(3);
    // Cover: organization, contact, target, letter, date in Spanish, the count.
    expect(pages[0]).toContain('ENTREGA DE CARTA');
    expect(pages[0]).toContain(SENDER);
    expect(pages[0]).toContain(REPLY_TO);
    expect(pages[0]).toContain('Secretaría del Trabajo y Previsión Social');
    expect(pages[0]).toContain('Col. Tabacalera');
    expect(pages[0]).toContain('Respeten el voto sindical');
    expect(pages[0]).toMatch(/\d{1,2} de [a-z]+ de \d{4}/);
    expect(pages[0]).toContain('3 personas firmaron esta carta');
    // The letter once, in Spanish, resolved for the target, signed by "the undersigned".
    expect(pages[1]).toContain('Estimada Secretaría del Trabajo y Previsión Social:');
    expect(pages[1]).toContain('Las personas abajo firmantes');
    expect(text.split('Le escribimos para pedir').length - 1).toBe(1);
    expect(text).not.toContain('We write to ask');
    // The numbered signer table, with places and notes, every accent and name intact.
    const rows = numberedRows(pages[2]);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['1', '2', '3']);
    expect(pages[2]).toContain('Ana Peña Muñoz');
    expect(pages[2]).toContain('Querétaro, Querétaro, México');
    expect(pages[2]).toContain('José Güemes');
    expect(pages[2]).toContain('Łukasz Nguyễn');
    expect(pages[2]).toContain('Detroit, MI, Estados Unidos');
    expect(pages[2]).toContain('¡Solidaridad desde Querétaro!');
    expect(pages[2]).toContain('¿Por qué no?');
    for (const [i, page] of pages.entries()) expect(page).toContain(`Página ${i + 1} de 3`);

    // The CSV packet numbers the same rows the same way.
    const csv = parse((await packet(letter.id, 'csv')).toString('utf8'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(csv.map((r) => [r.number, r.first_name])).toEqual([
      ['1', 'Ana'],
      ['2', 'José'],
      ['3', 'Łukasz'],
    ]);
    expect(csv[0].personal_note).toBe('¡Solidaridad desde Querétaro!\nCon cariño, Ana.');
  });

  it('emails the letter to the target from the organization, with its reply-to and no placeholders', async () => {
    const letter = await openLetter();
    for (const s of SIGNERS) await sign(letter.slug, { ...s, email: `mail-${s.email}` });
    const before = smtp.messages.length;
    const res = await as(org.token)
      .post(`/api/letter-actions/${letter.id}/deliveries`)
      .send({ targetId, method: 'email', expectedEmail: 'ministerio@example.gob.mx' })
      .expect(201);
    expect(res.body.mailStatus).toBe('sent');
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'ministerio@example.gob.mx', before);
    expect(mail.headers.from).toContain(SENDER);
    expect(mail.headers['reply-to']).toBe(REPLY_TO);
    expect(mail.subject).toBe('Respeten el voto sindical en GM Silao');
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toMatch(/\[|\{\{|\}\}|\r/);
      expect(part).toContain('Estimada Secretaría del Trabajo y Previsión Social:');
      expect(part).toContain('Las personas abajo firmantes');
      expect(part).toContain('3 personas firmaron esta carta; la lista va adjunta.');
      expect(part).not.toContain('We write to ask');
    }
    expect(mail.text.startsWith(`${SENDER}\n`)).toBe(true);
    expect(mail.text).toContain(`que leerá su respuesta en ${REPLY_TO}`);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].content.toString('utf8')).toContain('Łukasz');
  });

  it('fits a thousand signers in a few dozen pages, each numbered', async () => {
    const letter = await openLetter();
    await t.db.query(
      `WITH s AS (
         INSERT INTO supporters (organization_id, email, first_name, last_name, city, region, country)
         SELECT $2, 'many' || i || '@example.org', 'Nombre' || i, 'Peña', 'Querétaro', 'Querétaro', 'MX'
           FROM generate_series(1, 1000) i RETURNING id, email)
       INSERT INTO signatures (action_id, supporter_id, personal_note)
       SELECT $1, id, CASE WHEN email LIKE 'many1%' THEN 'Con solidaridad desde Querétaro, hasta la victoria.' END
         FROM s ORDER BY email`,
      [letter.id, org.organizationId],
    );
    const pdf = await packet(letter.id, 'pdf');
    const { pages, total } = await pdfPages(pdf);
    await pdfToPng(pdf, 'packet-1000', [3, total]);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(total).toBeLessThanOrEqual(60);
    expect(pages.slice(2).flatMap(numberedRows)).toHaveLength(1000);
    expect(pages[total - 1]).toContain(`Página ${total} de ${total}`);
    expect(numberedRows(pages[total - 1]).at(-1)).toMatch(/^1,000 Nombre/);
  });

  it('draws the report with locale numbers, goals as amounts, and a legend of swatches', async () => {
    const fund = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/fundraisers`)
      .send({
        title: { en: 'Strike fund', es: 'Fondo de huelga' },
        goal: { amount: '20000.00', currency: 'USD' },
      })
      .expect(201);
    await as(org.token)
      .post(`/api/fundraisers/${fund.body.id}/donations`)
      .send({ amount: { amount: '540.94', currency: 'USD' }, status: 'received', method: 'cash' })
      .expect(201);
    await t.db.query(
      `WITH s AS (
         INSERT INTO supporters (organization_id, email, first_name, country)
         SELECT $2, 'pledge' || i || '@example.org', 'P' || i, 'MX' FROM generate_series(1, 1500) i RETURNING id)
       INSERT INTO pledges (campaign_id, supporter_id, kind) SELECT $1, id, 'support' FROM s`,
      [campaign.id, org.organizationId],
    );
    for (const lang of ['en', 'es'] as const) {
      const pdf = (
        await as(org.token)
          .get(`/api/campaigns/${campaign.id}/report.pdf?lang=${lang}`)
          .buffer(true)
          .parse(binaryBody)
          .expect(200)
      ).body as Buffer;
      const { text, pages, total } = await pdfPages(pdf);
      await pdfToPng(pdf, `report-${lang}`, [1]);
      if (lang === 'en') {
        expect(text).toContain('Strike fund: USD 540.94 of USD 20,000 (2.7%)');
        expect(text).toMatch(/Pledges: 1,50\d of 5,000 \(30%\)/);
        expect(text).toContain('Page 1 of');
      } else {
        expect(text).toContain('Fondo de huelga: USD 540.94 de USD 20,000 (2.7%)');
        expect(text).toMatch(/Compromisos: 1,50\d de 5,000 \(30%\)/);
        expect(pages[total - 1]).toContain(`Página ${total} de ${total}`);
      }
      expect(text).not.toMatch(/\/ 100%|■|Ð/);
      // The legend names its two series next to their swatches (drawn shapes, not glyphs).
      expect(text).toMatch(lang === 'en' ? /Signatures\s+Pledges/ : /Firmas\s+Compromisos/);
    }
  });

  it('sends a staff invitation to the whole organization from the organization too', async () => {
    const before = smtp.messages.length;
    await as(org.token)
      .post(`/api/organizations/${org.organizationId}/members`)
      .send({ email: 'marta.docs@example.org', role: 'coordinator' })
      .expect(201);
    const mail = await smtp.waitForMail((m) => m.envelope.to[0] === 'marta.docs@example.org', before);
    expect(mail.headers.from).toContain(SENDER);
    expect(mail.headers['reply-to']).toBe(REPLY_TO);
  });

  it('normalizes the line breaks already stored, keeping every row', async () => {
    const letter = await openLetter();
    await t.db.query(
      `UPDATE letter_actions SET body = jsonb_build_object('es', E'Uno\\r\\nDos\\rTres', 'en', E'One\\nTwo'),
              subject = '{"es": "Sin saltos"}' WHERE id = $1`,
      [letter.id],
    );
    await t.db.query(`UPDATE targets SET postal_address = E'Calle 1\\r\\nCiudad' WHERE id = $1`, [targetId]);
    const count = async () =>
      (await t.db.query(`SELECT (SELECT count(*) FROM letter_actions) + (SELECT count(*) FROM targets) AS n`))
        .rows[0].n as string;
    const rowsBefore = await count();
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await new LineEndings1796200000000().up(runner);
    } finally {
      await runner.release();
    }
    const { rows } = await t.db.query(`SELECT body, subject FROM letter_actions WHERE id = $1`, [letter.id]);
    expect(rows[0]).toEqual({
      body: { es: 'Uno\nDos\nTres', en: 'One\nTwo' },
      subject: { es: 'Sin saltos' },
    });
    const { rows: target } = await t.db.query(`SELECT postal_address FROM targets WHERE id = $1`, [targetId]);
    expect(target[0].postal_address).toBe('Calle 1\nCiudad');
    expect(await count()).toBe(rowsBefore);
  });
});
