import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { Organizations1795700000000 } from '../migrations/1795700000000-organizations.js';
import { ensureDatabase } from '../src/database/connect.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runPendingMigrations } from '../src/database/migrate.js';
import type { HarnessState } from './support/harness-state.js';
import { createTestApp, dropTestDatabase } from './support/test-app.js';

/**
 * The organizations migration on a database filled by the schema before it: one organization is made
 * for the existing campaigns, organizers become its organizers, and every row, link and total is kept.
 */
describe('organizations migration on existing data', () => {
  let url: string;
  let db: pg.Pool;

  beforeAll(async () => {
    const state = JSON.parse(await readFile(process.env.PUENTE_TEST_STATE!, 'utf8')) as HarnessState;
    const name = `m_${randomBytes(5).toString('hex')}`;
    await ensureDatabase(state.adminUrl, name);
    url = state.databaseUrlFor.replace('__DB__', name);
    const before = migrations.slice(0, migrations.indexOf(Organizations1795700000000));
    const ds = await new DataSource({ ...dataSourceOptions(url, 2), migrations: before }).initialize();
    await runPendingMigrations(ds);
    await ds.destroy();
    db = new pg.Pool({ connectionString: url, max: 2 });
  });
  afterAll(async () => {
    await db.end();
    await dropTestDatabase(url);
  });

  /** Rows that must survive, with their links (ids joined to emails, campaigns, amounts). */
  const snapshot = async () => {
    const q = async (sql: string) => (await db.query(sql)).rows;
    return {
      counts: await q(`SELECT
          (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM campaigns)::int AS campaigns,
          (SELECT count(*) FROM supporters)::int AS supporters,
          (SELECT count(*) FROM campaign_supporters)::int AS links, (SELECT count(*) FROM pledges)::int AS pledges,
          (SELECT count(*) FROM signatures)::int AS signatures, (SELECT count(*) FROM rsvps)::int AS rsvps,
          (SELECT count(*) FROM donations)::int AS donations, (SELECT count(*) FROM targets)::int AS targets,
          (SELECT count(*) FROM exchange_rates)::int AS rates, (SELECT count(*) FROM deliveries)::int AS deliveries,
          (SELECT count(*) FROM campaign_members)::int AS members,
          (SELECT sum(count) FROM letter_action_counters)::int AS counted`),
      signatures: await q(`SELECT g.id, s.email::text, a.campaign_id FROM signatures g
          JOIN supporters s ON s.id = g.supporter_id JOIN letter_actions a ON a.id = g.action_id ORDER BY g.id`),
      rsvps: await q(`SELECT r.id, s.email::text, r.status, e.seats_taken FROM rsvps r
          JOIN supporters s ON s.id = r.supporter_id JOIN events e ON e.id = r.event_id ORDER BY r.id`),
      pledges: await q(`SELECT p.id, s.email::text, p.campaign_id, p.kind FROM pledges p
          JOIN supporters s ON s.id = p.supporter_id ORDER BY p.id`),
      money:
        await q(`SELECT d.fundraiser_id, d.currency, sum(d.amount_minor)::text AS minor, count(*)::int AS n,
          count(d.supporter_id)::int AS linked FROM donations d GROUP BY 1, 2 ORDER BY 1, 2`),
      deliveries: await q(`SELECT id, target_id, signature_count FROM deliveries ORDER BY id`),
    };
  };

  it('keeps every row, link and total, and gives the data one organization', async () => {
    await db.query(`
      WITH u AS (
        INSERT INTO users (email, name, password_hash, role) VALUES
          ('admin@example.org', 'Admin', 'x', 'admin'), ('maria@example.org', 'María', 'x', 'organizer'),
          ('jo@example.org', 'Jo', 'x', 'organizer'), ('coord@example.org', 'Coord', 'x', 'coordinator'),
          ('idle@example.org', 'Idle', 'x', 'organizer')
        RETURNING id, email
      ), c AS (
        INSERT INTO campaigns (slug, title, status, created_at, country, default_locale) VALUES
          ('gm-silao', '{"en": "Independent union at GM Silao", "es": "Sindicato en GM Silao"}', 'active', now() - interval '2 days', 'MX', 'es'),
          ('other', '{"en": "Second campaign"}', 'active', now(), 'US', 'en')
        RETURNING id, slug
      ), m AS (
        INSERT INTO campaign_members (campaign_id, user_id, role)
        SELECT c.id, u.id, CASE WHEN u.email = 'coord@example.org' THEN 'coordinator' ELSE 'organizer' END::member_role
          FROM c, u WHERE (c.slug = 'gm-silao' AND u.email IN ('maria@example.org', 'coord@example.org'))
                       OR (c.slug = 'other' AND u.email = 'jo@example.org')
        RETURNING 1
      ) SELECT count(*) FROM m`);
    await db.query(`
      INSERT INTO supporters (email, first_name, city, locale) VALUES
        ('ana@example.org', 'Ana', 'León', 'es'), ('bo@example.org', 'Bo', 'Detroit', 'en'), ('cy@example.org', 'Cy', NULL, 'en')`);
    await db.query(`
      INSERT INTO campaign_supporters (campaign_id, supporter_id, source)
      SELECT c.id, s.id, 'test' FROM campaigns c, supporters s WHERE c.slug = 'gm-silao' OR s.email = 'bo@example.org'`);
    await db.query(`
      INSERT INTO pledges (campaign_id, supporter_id, kind)
      SELECT c.id, s.id, 'support' FROM campaigns c, supporters s WHERE c.slug = 'gm-silao'`);
    // A target an organizer added (after the starter library), a letter to both, signatures, a delivery.
    await db.query(`INSERT INTO targets (name, title, email, locale, created_at)
      VALUES ('Labor attaché', 'Attaché', 'attache@example.gov', 'en', now() + interval '1 second')`);
    await db.query(`
      WITH a AS (
        INSERT INTO letter_actions (campaign_id, slug, title, subject, body, status)
        SELECT id, 'letter', '{"en": "L"}', '{"en": "S"}', '{"en": "B"}', 'open' FROM campaigns WHERE slug = 'gm-silao'
        RETURNING id
      ), lt AS (
        INSERT INTO letter_action_targets (action_id, target_id, position)
        SELECT a.id, t.id, row_number() OVER () FROM a, targets t
         WHERE t.name IN ('United States Trade Representative', 'Labor attaché') RETURNING 1
      ), g AS (
        INSERT INTO signatures (action_id, supporter_id) SELECT a.id, s.id FROM a, supporters s RETURNING action_id
      ) INSERT INTO letter_action_counters (action_id, shard, count) SELECT action_id, 0, count(*) FROM g GROUP BY 1`);
    await db.query(`
      INSERT INTO deliveries (action_id, target_id, method, signature_count)
      SELECT a.id, t.id, 'email', 3 FROM letter_actions a, targets t WHERE t.name = 'Labor attaché'`);
    await db.query(`
      WITH e AS (
        INSERT INTO events (campaign_id, slug, title, kind, starts_at, timezone, checkin_code, capacity)
        SELECT id, 'picket', '{"en": "Picket"}', 'picket', now() + interval '7 days', 'America/Detroit', '1234', 10
          FROM campaigns WHERE slug = 'gm-silao' RETURNING id
      ), s AS (UPDATE events SET seats_taken = 2 WHERE id = (SELECT id FROM e) RETURNING id)
      INSERT INTO rsvps (event_id, supporter_id, status, manage_token_hash)
      SELECT (SELECT id FROM e), id, 'going', md5(email::text) FROM supporters WHERE email <> 'cy@example.org'`);
    await db.query(`
      WITH f AS (
        INSERT INTO fundraisers (campaign_id, title, goal_minor, goal_currency)
        SELECT id, '{"en": "Strike fund"}', 2000000, 'USD' FROM campaigns WHERE slug = 'gm-silao' RETURNING id
      ) INSERT INTO donations (fundraiser_id, supporter_id, amount_minor, currency, status, method, received_at)
        SELECT f.id, s.id, v.minor, v.cur, 'received', 'cash', '2026-05-02T12:00:00Z'
          FROM f, (VALUES (2500, 'USD', 'ana@example.org'), (100000, 'MXN', 'bo@example.org'), (500, 'USD', NULL)) AS v(minor, cur, email)
          LEFT JOIN supporters s ON s.email = v.email`);
    await db.query(
      `INSERT INTO exchange_rates (base, quote, rate, valid_from) VALUES ('USD', 'MXN', 20, '2026-01-01')`,
    );

    const before = await snapshot();
    expect(before.counts[0]).toMatchObject({
      supporters: 3,
      signatures: 3,
      rsvps: 2,
      donations: 3,
      pledges: 3,
    });

    // The app starts on it and runs the pending migration, as after an upgrade.
    const t = await createTestApp({}, { databaseUrl: url });
    try {
      const after = await snapshot();
      expect(after).toEqual(before);

      const { rows: orgs } = await db.query(`SELECT id, name, slug FROM organizations`);
      expect(orgs).toEqual([
        expect.objectContaining({ name: 'Independent union at GM Silao', slug: 'organization' }),
      ]);
      const org = orgs[0].id as string;
      const owned = async (table: string) =>
        (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [org])).rows[0]
          .n;
      expect(await owned('campaigns')).toBe(2);
      expect(await owned('supporters')).toBe(3);
      expect(await owned('exchange_rates')).toBe(1);
      // The organizer's own target moved into the organization; the starter library stays shared.
      const { rows: targets } = await db.query(
        `SELECT name, organization_id FROM targets ORDER BY organization_id NULLS FIRST, name->>'en'`,
      );
      expect(targets.filter((x) => x.organization_id === org).map((x) => x.name)).toEqual([
        { en: 'Labor attaché' },
      ]);
      expect(targets.filter((x) => x.organization_id === null)).toHaveLength(4);
      expect(targets).toContainEqual({
        name: {
          en: 'United States Trade Representative',
          es: 'Representante Comercial de los Estados Unidos',
        },
        organization_id: null,
      });
      // Organizer members of a campaign organize the organization; coordinators keep their campaign.
      const { rows: members } = await db.query(
        `SELECT u.email, m.role FROM organization_members m JOIN users u ON u.id = m.user_id ORDER BY u.email`,
      );
      expect(members).toEqual([
        { email: 'jo@example.org', role: 'organizer' },
        { email: 'maria@example.org', role: 'organizer' },
      ]);
      const { rows: sent } = await db.query(`SELECT sent_to::text FROM deliveries`);
      expect(sent).toEqual([{ sent_to: 'attache@example.gov' }]);

      // The strike fund's total is what it was: 25 + 5 USD and 1,000 MXN at 20 → 80.00 USD.
      const res = await t.http.get('/api/public/campaigns/gm-silao').expect(200);
      expect(JSON.stringify(res.body.totals)).toContain('80.00');
    } finally {
      await t.close();
    }
  });
});
