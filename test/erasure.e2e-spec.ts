import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulletinSender } from '../src/bulletins/bulletin-sender.js';
import { classifiedColumns, PERSONAL_DATA } from '../src/supporters/personal-data.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { binaryBody, pdfText } from './support/binary.js';
import { parseMail } from './support/smtp.js';
import { untilZero } from './support/polling.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Every column that can hold text, as PostgreSQL reports it. */
const TEXT_TYPES = `(c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
                     OR c.udt_name IN ('citext', '_text', '_varchar', '_citext'))`;

describe('personal data classification', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('classifies every text column of supporters and of every table with a supporter_id', async () => {
    const { rows } = await t.db.query(
      `SELECT c.table_name || '.' || c.column_name AS col
         FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND ${TEXT_TYPES}
          AND (c.table_name = 'supporters' OR c.table_name IN (
                SELECT table_name FROM information_schema.columns
                 WHERE table_schema = 'public' AND column_name = 'supporter_id'))
        ORDER BY 1`,
    );
    const inDatabase = rows.map((r: { col: string }) => r.col);
    const classified = classifiedColumns();
    // A new column must be classified in src/supporters/personal-data.ts (personal or not, and why).
    expect(inDatabase.filter((c: string) => !classified.includes(c))).toEqual([]);
    // And the registry names only columns that exist (a renamed column is classified again).
    expect(classified.filter((c) => !inDatabase.includes(c))).toEqual([]);
    // Every table with a supporter_id is in the registry, even one without text columns yet (views
    // such as bulletin_recipients hold no data of their own).
    const linked = await t.db.query(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'supporter_id' AND tb.table_type = 'BASE TABLE'
        ORDER BY 1`,
    );
    expect(Object.keys(PERSONAL_DATA).sort()).toEqual(
      ['supporters', ...linked.rows.map((r: { table_name: string }) => r.table_name)].sort(),
    );
  });
});

describe('erasure is complete', () => {
  let t: TestApp;
  let outbox: string;
  let admin: string;
  let org: Staff;
  let other: Staff;
  let campaign: { id: string; slug: string };
  let otherCampaign: { id: string; slug: string };
  let letter: { id: string; slug: string };
  let targetId: string;
  let fundraiserId: string;

  const lucia = {
    email: 'lucia.erase@example.org',
    firstName: 'Lucía',
    lastName: 'Quintanilla',
    city: 'León',
    region: 'Guanajuato',
    country: 'MX',
    postalCode: 'QZ3791',
    timezone: 'America/Mexico_City',
    locale: 'es',
    phone: '+52 477 123 4567',
    consentPhone: true,
    consentEmail: true,
  };
  const PHONE = '4771234567';
  const NOTE = 'Trabajo en la línea 4 desde 2019';
  const PLEDGE_MESSAGE = 'Cuenten conmigo, turno nocturno';
  const DONATION_NOTE = 'entregado por su hermana';
  const DONATION_REF = 'ch_lucia_7781';
  /** What must not survive anywhere once she is erased. */
  const hers = [
    lucia.email,
    lucia.lastName,
    'Lucía',
    NOTE,
    PLEDGE_MESSAGE,
    DONATION_NOTE,
    DONATION_REF,
    'QZ3791',
    PHONE,
  ];
  const leaks = (text: string) => hers.filter((h) => text.toLowerCase().includes(h.toLowerCase()));

  function as(token: string) {
    return {
      get: (url: string) => t.http.get(url).auth(token, { type: 'bearer' }),
      post: (url: string) => t.http.post(url).auth(token, { type: 'bearer' }),
      patch: (url: string) => t.http.patch(url).auth(token, { type: 'bearer' }),
    };
  }

  /** Every outbox file, decoded (subject, text, HTML and headers), by file name. */
  async function outboxMail(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of await readdir(outbox).catch(() => [] as string[])) {
      const raw = await readFile(join(outbox, name));
      const m = parseMail(raw);
      // Decoded parts first (the data link is read from the text), then the raw bytes.
      out.set(
        name,
        [m.text, m.subject, m.html, JSON.stringify(m.headers), raw.toString('latin1')].join('\n'),
      );
    }
    return out;
  }

  const packet = (format: 'pdf' | 'csv') =>
    as(org.token)
      .get(`/api/letter-actions/${letter.id}/targets/${targetId}/packet.${format}`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);

  async function everythingStaffCanDownload(): Promise<string> {
    const parts = [await pdfText((await packet('pdf')).body as Buffer)];
    parts.push(((await packet('csv')).body as Buffer).toString('utf8'));
    // The report names the supporters whose share links brought others ("Shared by supporters").
    parts.push(
      JSON.stringify((await as(org.token).get(`/api/campaigns/${campaign.id}/report`).expect(200)).body),
    );
    const report = await as(org.token)
      .get(`/api/campaigns/${campaign.id}/report.pdf`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    parts.push(await pdfText(report.body as Buffer));
    for (const kind of ['supporters', 'pledges', 'signatures', 'rsvps', 'donations']) {
      const res = await as(org.token)
        .get(`/api/campaigns/${campaign.id}/exports/${kind}.csv`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      parts.push((res.body as Buffer).toString('utf8'));
    }
    return parts.join('\n');
  }

  const totals = async () => ({
    campaign: (await t.http.get(`/api/public/campaigns/${campaign.slug}`).expect(200)).body.totals,
    other: (await t.http.get(`/api/public/campaigns/${otherCampaign.slug}`).expect(200)).body.totals,
    tally: (await as(org.token).get(`/api/fundraisers/${fundraiserId}/tally`).expect(200)).body,
  });

  beforeAll(async () => {
    outbox = await mkdtemp(join(tmpdir(), 'puente-outbox-'));
    // No SMTP_URL: every mail is an .eml file in the outbox folder.
    t = await createTestApp({
      OUTBOX_DIR: outbox,
      PUBLIC_BASE_URL: 'https://puente.example.org',
      MAIL_MAX_PER_ADDRESS_PER_HOUR: '100',
    });
    t.clock.set(new Date('2026-03-02T12:00:00Z'));
    admin = await adminToken(t);
    org = await createStaff(t, admin, 'organizer');
    other = await createStaff(t, admin, 'organizer');
    campaign = await activeCampaign(t, org.token);
    otherCampaign = await activeCampaign(t, other.token);

    const lib = await as(org.token).get('/api/targets?country=MX').expect(200);
    targetId = lib.body.items[0].id;
    const created = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/letter-actions`)
      .send({
        title: { es: 'Respeten el voto' },
        subject: { es: 'Hagan cumplir el capítulo laboral' },
        body: { es: 'Estimada {{target.name}}:\n\nApoyamos a las y los trabajadores.' },
        targetIds: [targetId],
        allowPersonalNote: true,
      })
      .expect(201);
    letter = { id: created.body.id, slug: created.body.slug };
    await as(org.token).patch(`/api/letter-actions/${letter.id}`).send({ status: 'open' }).expect(200);

    const fr = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/fundraisers`)
      .send({ title: { es: 'Fondo de huelga' }, goal: { amount: '1000.00', currency: 'MXN' } })
      .expect(201);
    fundraiserId = fr.body.id;

    const event = await as(org.token)
      .post(`/api/campaigns/${campaign.id}/events`)
      .send({
        title: { es: 'Piquete' },
        kind: 'picket',
        city: 'Silao',
        venue: 'Planta',
        startsAt: '2026-03-14T16:00:00Z',
        timezone: 'America/Mexico_City',
      })
      .expect(201);

    // Her actions in the first organization, and a neighbour's that must survive her erasure.
    for (const who of [
      lucia,
      { email: 'vecina@example.org', firstName: 'Rosa', lastName: 'Vecina', city: 'Silao', locale: 'es' },
    ]) {
      const mine = who === lucia;
      // She came from the union's site; her neighbour from Lucía's own share link.
      const attribution = mine
        ? { source: 'union-site' }
        : {
            ref: (await t.db.query(`SELECT share_code FROM supporters WHERE email = $1`, [lucia.email]))
              .rows[0].share_code as string,
          };
      await t.http
        .post(`/api/public/campaigns/${campaign.slug}/letters/${letter.slug}/signatures`)
        .send({ ...who, ...attribution, personalNote: mine ? NOTE : 'Nota de Rosa 4411', showPublicly: true })
        .expect(201);
      await t.http
        .post(`/api/public/campaigns/${campaign.slug}/pledges`)
        .send({ ...who, kind: 'donate', message: mine ? PLEDGE_MESSAGE : 'Aquí estoy' })
        .expect(201);
      await t.http
        .post(`/api/public/campaigns/${campaign.slug}/events/${event.body.slug}/rsvps`)
        .send({ ...who, guests: 1 })
        .expect(202);
      await as(org.token)
        .post(`/api/fundraisers/${fundraiserId}/donations`)
        .send({
          amount: { amount: '150.00', currency: 'MXN' },
          status: 'received',
          method: 'cash',
          receivedAt: '2026-03-01',
          ...(mine ? { note: DONATION_NOTE, externalRef: DONATION_REF } : { externalRef: 'ch_rosa_1' }),
          donor: who,
        })
        .expect(201);
    }
    // A bulletin to everyone in the organization who agreed to campaign mail (Lucía), by her first name.
    const audience = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/audiences`)
      .send({ name: 'Todas', filter: {} })
      .expect(201);
    const bulletin = await as(org.token)
      .post(`/api/organizations/${org.organizationId}/bulletins`)
      .send({
        subject: { es: 'Noticias de Silao' },
        body: { es: 'Hola, {{supporter.firstName | compa}}: ya viene la votación.' },
        audienceId: audience.body.id,
      })
      .expect(201);
    await as(org.token).post(`/api/bulletins/${bulletin.body.id}/send`).expect(200);
    for (let i = 0; i < 20; i++) {
      const r = await t.app.get(BulletinSender).tick();
      if (r.claimed === 0 && r.started === 0) break;
      t.clock.advance(1100);
    }
    // The same email in another organization: a separate record, erased by the same data link.
    await t.http
      .post(`/api/public/campaigns/${otherCampaign.slug}/pledges`)
      .send({ ...lucia, kind: 'support', message: PLEDGE_MESSAGE })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await rm(outbox, { recursive: true, force: true });
  });

  it('finds her everywhere before (so the checks below can fail)', async () => {
    expect(leaks(await everythingStaffCanDownload())).toEqual(
      expect.arrayContaining([lucia.email, lucia.lastName, NOTE, PHONE]),
    );
    const mail = [...(await outboxMail()).values()].join('\n');
    expect(leaks(mail)).toEqual(expect.arrayContaining([lucia.email, 'Lucía']));
    // Among them her bulletin and her thank-you mail, each with her first name.
    const files = [...(await outboxMail()).values()].filter((m) => m.includes(lucia.email));
    expect(files.filter((m) => m.includes('ya viene la votación') && m.includes('Hola, Lucía'))).toHaveLength(
      1,
    );
    const { rows } = await t.db.query(
      `SELECT m.template, count(*)::int AS n FROM messages m JOIN supporters s ON s.id = m.supporter_id
        WHERE s.email = $1 GROUP BY 1 ORDER BY 1`,
      [lucia.email],
    );
    expect(rows.map((r: { template: string }) => r.template)).toEqual(
      expect.arrayContaining(['action-thanks', 'bulletin', 'rsvp-confirmation']),
    );
    // Her neighbour came through her share link: the report credits her by name.
    const report = (await as(org.token).get(`/api/campaigns/${campaign.id}/report`).expect(200)).body;
    expect(JSON.stringify(report)).toContain('Lucía Q.');
  });

  it('erases every organization’s record through her data link: downloads, messages, queue and outbox', async () => {
    const before = await totals();
    const neighbourFiles = [...(await outboxMail()).entries()]
      .filter(([, text]) => text.includes('vecina@example.org'))
      .map(([name]) => name);
    expect(neighbourFiles.length).toBeGreaterThan(0);

    await t.http.post('/api/public/supporters/data-requests').send({ email: lucia.email }).expect(202);
    let link = '';
    await untilZero(async () => {
      const mail = [...(await outboxMail()).values()].find((m) => m.includes('/my-data/'));
      link = mail ? /\/my-data\/([A-Za-z0-9._~-]+)/.exec(mail)![1] : '';
      return link ? 0 : 1;
    });
    expect(link).not.toBe('');
    // Her download lists what the registry classifies as personal, table by table.
    const held = (await t.http.get(`/api/public/supporters/data/${link}`).expect(200)).body;
    expect(held.organizations).toHaveLength(2);
    const mine = held.organizations.find(
      (o: { organization: { id: string } }) => o.organization.id === org.organizationId,
    );
    expect(mine.held.signatures).toEqual([expect.objectContaining({ personal_note: NOTE })]);
    expect(mine.held.donations).toEqual([
      expect.objectContaining({ note: DONATION_NOTE, external_ref: DONATION_REF }),
    ]);
    expect(mine.held.supporters).toEqual([expect.objectContaining({ region: 'Guanajuato', country: 'MX' })]);

    const ids = (
      await t.db.query(`SELECT id FROM supporters WHERE email = $1 ORDER BY created_at`, [lucia.email])
    ).rows.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(2);

    const shareCode = (await t.db.query(`SELECT share_code FROM supporters WHERE id = $1`, [ids[0]])).rows[0]
      .share_code as string;
    await t.http.post(`/api/public/supporters/data/${link}/erase`).expect(200);

    // Staff downloads: packet PDF and CSV, every export.
    expect(leaks(await everythingStaffCanDownload())).toEqual([]);
    // The database rows linked to her, every text column.
    for (const [table, def] of Object.entries(PERSONAL_DATA)) {
      const { rows } = await t.db.query(`SELECT * FROM ${table} WHERE ${def.key} = ANY($1::uuid[])`, [ids]);
      expect({ table, leaks: leaks(JSON.stringify(rows)) }).toEqual({ table, leaks: [] });
    }
    const { rows: supporters } = await t.db.query(`SELECT * FROM supporters WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    for (const s of supporters)
      expect(s).toMatchObject({
        email: null,
        region: null,
        country: null,
        timezone: null,
        postal_code: null,
      });
    const { rows: messages } = await t.db.query(
      `SELECT recipient_email, subject FROM messages WHERE supporter_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m: { recipient_email: string }) => m.recipient_email === 'erased@invalid')).toBe(
      true,
    );
    // The outbox: none of her files left, none of anyone else's removed.
    const after = await outboxMail();
    expect(leaks([...after.values()].join('\n'))).toEqual([]);
    expect([...after.keys()]).toEqual(expect.arrayContaining(neighbourFiles));
    expect(leaks(await everythingStaffCanDownload())).toEqual([]);

    // The anonymous rows still count.
    expect(await totals()).toEqual(before);
    // Audited once per record, without the address.
    const log = await as(admin).get('/api/audit-log?action=supporter.erased').expect(200);
    expect(log.body.items.map((i: { subjectId: string }) => i.subjectId).sort()).toEqual([...ids].sort());
    expect(JSON.stringify(log.body)).not.toContain(lucia.email);
    // Nothing in the audit log carries her data either (it records that a note was set, not the note).
    const audit = await t.db.query(`SELECT action, subject_id, details FROM audit_log`);
    expect(leaks(JSON.stringify(audit.rows))).toEqual([]);
    // Her share links, still out there, credit no one any more.
    await t.http
      .post(`/api/public/campaigns/${campaign.slug}/letters/${letter.slug}/signatures`)
      .send({ email: 'via-old-link@example.org', firstName: 'Nueva', ref: shareCode })
      .expect(201);
    const via = await t.db.query(
      `SELECT g.referrer_id FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE s.email = $1`,
      ['via-old-link@example.org'],
    );
    expect(via.rows).toEqual([{ referrer_id: null }]);
  });

  it('erases as completely when an admin does it', async () => {
    const before = await totals();
    const id = (await t.db.query(`SELECT id FROM supporters WHERE email = 'vecina@example.org'`)).rows[0].id;
    // The organizer is not an admin; the instance admin erases.
    // A tag says something about her ("union-member", "line 4"): erasure takes it off her.
    const tag = await t.db.query(
      `INSERT INTO tags (organization_id, name) SELECT organization_id, 'línea 4' FROM supporters WHERE id = $1 RETURNING id, organization_id`,
      [id],
    );
    await t.db.query(
      `INSERT INTO supporter_tags (organization_id, supporter_id, tag_id) VALUES ($1, $2, $3)`,
      [tag.rows[0].organization_id, id, tag.rows[0].id],
    );
    await as(org.token).post(`/api/supporters/${id}/erase`).expect(403);
    await as(admin).post(`/api/supporters/${id}/erase`).expect(200);
    const tagged = await t.db.query(`SELECT tag_id FROM supporter_tags WHERE supporter_id = $1`, [id]);
    expect(tagged.rows).toEqual([]);
    expect((await t.db.query(`SELECT name FROM tags WHERE id = $1`, [tag.rows[0].id])).rows).toEqual([
      { name: 'línea 4' },
    ]);
    const text = [...(await outboxMail()).values()].join('\n') + (await everythingStaffCanDownload());
    expect(text).not.toContain('vecina@example.org');
    expect(text).not.toContain('Nota de Rosa 4411');
    expect(await totals()).toEqual(before);
  });
});
