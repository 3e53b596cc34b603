import pg from 'pg';
import { audienceConditionSql } from '../src/bulletins/audience-filter.js';
import type { AudienceFilterDto } from '../src/bulletins/dto/audience.dto.js';
import { createTestDatabase, dropTestDatabase } from './support/test-app.js';

/**
 * The audience filter is a rule decided in SQL (audienceConditionSql: audience counts and a bulletin's
 * snapshot), so it has no unit test to mutation-test. Its guard is this table of cases: every part of
 * a filter, evaluated by the real PostgreSQL over a handful of supporters and their activity, must pick
 * exactly the supporters written here — the exact ends of a date range (from: on or after; to:
 * before), the activity each action reads (a cancelled RSVP is none, "attended" is the check-in time, a
 * refunded gift is none), region and city without case or surrounding spaces, and never a supporter
 * who may not get a bulletin. The tables it reads are shadowed by CTEs of the same names holding just
 * these rows (as test/twins.e2e-spec.ts does for the accepting rule).
 */
const FROM = '2026-05-01T00:00:00.000Z';
const TO = '2026-06-01T00:00:00.000Z';
const ms = (iso: string, delta: number) => new Date(new Date(iso).getTime() + delta).toISOString();

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [C1, C2, C3] = [id(101), id(102), id(103)]; // campaigns
const [TAG1, TAG2] = [id(201), id(202)];
const [L1, L2] = [id(301), id(302)]; // letter actions
const [E1, E2] = [id(401), id(402)]; // events
const F1 = id(501); // fundraiser

const eligible = { email_consent: true, unsubscribed_at: null, erased_at: null, bounced_at: null };
const supporters = [
  { id: id(1), name: 'ana', locale: 'es', country: 'MX', region: ' Guanajuato ', city: 'Silao', ...eligible },
  { id: id(2), name: 'bea', locale: 'en', country: 'US', region: 'Michigan', city: 'Detroit', ...eligible },
  { id: id(3), name: 'cruz', locale: 'es', country: 'MX', region: 'GUANAJUATO', city: 'silao ', ...eligible },
  {
    id: id(4),
    name: 'juan',
    locale: 'es',
    country: 'MX',
    region: 'Guanajuato City',
    city: 'León',
    ...eligible,
  },
  // Each matches every part ana matches, but may not get a bulletin.
  ...[
    { name: 'dana', email_consent: false },
    { name: 'iris', email_consent: null },
    { name: 'eli', unsubscribed_at: FROM },
    { name: 'fede', erased_at: FROM },
    { name: 'gus', bounced_at: FROM },
    { name: 'hana', email: null },
  ].map((p, i) => ({
    id: id(11 + i),
    locale: 'es',
    country: 'MX',
    region: 'Guanajuato',
    city: 'Silao',
    ...eligible,
    ...p,
  })),
].map((s) => ({ email: `${s.name}@example.org`, ...s }));
const who = (name: string) => supporters.find((s) => s.name === name)!.id;
const blocked = ['dana', 'iris', 'eli', 'fede', 'gus', 'hana'];

/** ana's activity, and a copy of it for everyone who may not get a bulletin. */
function likeAna(supporterId: string) {
  return {
    campaign_supporters: [{ supporter_id: supporterId, campaign_id: C1 }],
    supporter_tags: [{ supporter_id: supporterId, tag_id: TAG1 }],
    signatures: [{ supporter_id: supporterId, action_id: L1, created_at: FROM }],
    rsvps: [
      {
        supporter_id: supporterId,
        event_id: E1,
        status: 'going',
        created_at: ms(TO, -1),
        checked_in_at: TO as string | null,
      },
    ],
    pledges: [{ supporter_id: supporterId, campaign_id: C1, kind: 'sign', created_at: ms(FROM, -1) }],
    donations: [
      { supporter_id: supporterId, fundraiser_id: F1, status: 'received', created_at: ms(FROM, 1) },
    ],
  };
}
type Tables = ReturnType<typeof likeAna>;
const tables: Tables = {
  campaign_supporters: [
    { supporter_id: who('bea'), campaign_id: C2 },
    { supporter_id: who('cruz'), campaign_id: C3 },
    { supporter_id: who('juan'), campaign_id: C1 },
    { supporter_id: who('juan'), campaign_id: C3 },
  ],
  supporter_tags: [{ supporter_id: who('bea'), tag_id: TAG2 }],
  signatures: [
    { supporter_id: who('bea'), action_id: L2, created_at: TO },
    { supporter_id: who('cruz'), action_id: L1, created_at: ms(TO, -1) },
  ],
  rsvps: [
    { supporter_id: who('bea'), event_id: E1, status: 'cancelled', created_at: FROM, checked_in_at: null },
    { supporter_id: who('cruz'), event_id: E2, status: 'waitlisted', created_at: FROM, checked_in_at: null },
  ],
  pledges: [{ supporter_id: who('bea'), campaign_id: C1, kind: 'support', created_at: FROM }],
  donations: [{ supporter_id: who('bea'), fundraiser_id: F1, status: 'refunded', created_at: FROM }],
};
for (const name of ['ana', ...blocked]) {
  const mine = likeAna(who(name));
  for (const k of Object.keys(tables) as (keyof Tables)[])
    (tables[k] as object[]).push(...(mine[k] as object[]));
}

const COLUMNS: Record<keyof Tables | 'supporters', string> = {
  supporters: `id uuid, email text, locale text, country text, region text, city text, email_consent boolean,
               unsubscribed_at timestamptz, erased_at timestamptz, bounced_at timestamptz`,
  campaign_supporters: 'supporter_id uuid, campaign_id uuid',
  supporter_tags: 'supporter_id uuid, tag_id uuid',
  signatures: 'supporter_id uuid, action_id uuid, created_at timestamptz',
  rsvps:
    'supporter_id uuid, event_id uuid, status rsvp_status, created_at timestamptz, checked_in_at timestamptz',
  pledges: 'supporter_id uuid, campaign_id uuid, kind pledge_kind, created_at timestamptz',
  donations: 'supporter_id uuid, fundraiser_id uuid, status donation_status, created_at timestamptz',
};

describe('audience filters (SQL) pick exactly the supporters they say', () => {
  let databaseUrl: string;
  let db: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });
  afterAll(async () => {
    await db.end();
    await dropTestDatabase(databaseUrl);
  });

  /** The names of the supporters `filter` picks, in alphabetical order. */
  async function pick(filter: AudienceFilterDto): Promise<string[]> {
    const params: unknown[] = [JSON.stringify({ supporters, ...tables })];
    const condition = audienceConditionSql(filter, params);
    const ctes = Object.entries(COLUMNS).map(
      ([name, columns]) =>
        `${name} AS (SELECT * FROM jsonb_to_recordset($1::jsonb -> '${name}') AS x(${columns}))`,
    );
    const { rows } = await db.query<{ email: string }>(
      `WITH ${ctes.join(',\n')} SELECT s.email FROM supporters s WHERE ${condition} ORDER BY s.email`,
      params,
    );
    return rows.map((r) => r.email.split('@')[0]);
  }

  it('an empty filter: everyone who may get a bulletin, and only them', async () => {
    expect(await pick({})).toEqual(['ana', 'bea', 'cruz', 'juan']);
  });

  it('campaigns (any of them), language, country', async () => {
    expect(await pick({ campaignIds: [C1, C2] })).toEqual(['ana', 'bea', 'juan']);
    expect(await pick({ campaignIds: [C3] })).toEqual(['cruz', 'juan']);
    expect(await pick({ locale: 'es' })).toEqual(['ana', 'cruz', 'juan']);
    expect(await pick({ locale: 'en' })).toEqual(['bea']);
    expect(await pick({ country: 'US' })).toEqual(['bea']);
  });

  it('region and city: the whole name, any case, surrounding spaces ignored', async () => {
    expect(await pick({ region: 'guanajuato' })).toEqual(['ana', 'cruz']);
    expect(await pick({ region: 'Guanajuato City' })).toEqual(['juan']);
    expect(await pick({ city: 'SILAO' })).toEqual(['ana', 'cruz']);
  });

  it('tags (any of them)', async () => {
    expect(await pick({ tags: [TAG1, TAG2] })).toEqual(['ana', 'bea']);
    expect(await pick({ tags: [TAG2] })).toEqual(['bea']);
  });

  it('signed: any letter or one, from (on or after) and to (before) at their exact ends', async () => {
    expect(await pick({ did: [{ action: 'signed' }] })).toEqual(['ana', 'bea', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', id: L1 }] })).toEqual(['ana', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', from: FROM }] })).toEqual(['ana', 'bea', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', from: ms(FROM, 1) }] })).toEqual(['bea', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', to: TO }] })).toEqual(['ana', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', to: ms(TO, 1) }] })).toEqual(['ana', 'bea', 'cruz']);
    expect(await pick({ did: [{ action: 'signed', from: FROM, to: TO }] })).toEqual(['ana', 'cruz']);
  });

  it('rsvped: a cancelled RSVP is none; attended: checked in, dated by the check-in', async () => {
    expect(await pick({ did: [{ action: 'rsvped' }] })).toEqual(['ana', 'cruz']);
    expect(await pick({ did: [{ action: 'rsvped', id: E1 }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'rsvped', to: TO }] })).toEqual(['ana', 'cruz']);
    expect(await pick({ did: [{ action: 'rsvped', from: TO }] })).toEqual([]);
    expect(await pick({ did: [{ action: 'attended' }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'attended', id: E2 }] })).toEqual([]);
    expect(await pick({ did: [{ action: 'attended', to: TO }] })).toEqual([]);
    expect(await pick({ did: [{ action: 'attended', from: TO }] })).toEqual(['ana']);
  });

  it('pledged: by campaign and kind; gave: a refunded gift is none', async () => {
    expect(await pick({ did: [{ action: 'pledged' }] })).toEqual(['ana', 'bea']);
    expect(await pick({ did: [{ action: 'pledged', kind: 'sign' }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'pledged', id: C1, kind: 'support' }] })).toEqual(['bea']);
    expect(await pick({ did: [{ action: 'pledged', id: C2 }] })).toEqual([]);
    expect(await pick({ did: [{ action: 'pledged', to: FROM }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'gave' }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'gave', id: F1, from: ms(FROM, 1) }] })).toEqual(['ana']);
    expect(await pick({ did: [{ action: 'gave', from: ms(FROM, 2) }] })).toEqual([]);
  });

  it('did not, and every part together (AND)', async () => {
    expect(await pick({ didNot: [{ action: 'signed' }] })).toEqual(['juan']);
    expect(await pick({ didNot: [{ action: 'rsvped', id: E1 }] })).toEqual(['bea', 'cruz', 'juan']);
    expect(await pick({ did: [{ action: 'signed' }, { action: 'gave' }] })).toEqual(['ana']);
    expect(
      await pick({
        locale: 'es',
        did: [{ action: 'signed', id: L1 }],
        didNot: [{ action: 'rsvped', id: E1 }],
      }),
    ).toEqual(['cruz']);
    expect(await pick({ locale: 'es', country: 'US' })).toEqual([]);
  });
});
