import { assertAcceptingActions } from '../src/campaigns/campaigns.service.js';
import { acceptingTargetSql } from '../src/campaigns/campaigns.sql.js';
import type { CampaignStatus } from '../src/campaigns/campaign.entity.js';
import type { EventStatus } from '../src/events/event.entity.js';
import { rsvpClosedReason, rsvpOpenSql } from '../src/events/rsvp-open.js';
import type { LetterActionStatus } from '../src/letters/letter-action.entity.js';
import { assertSignable, signableSql } from '../src/letters/signable.js';
import { mayReceiveBulletin, mayReceiveBulletinSql } from '../src/bulletins/eligibility.js';
import { mayReceiveCampaignEmailSql, SupportersService } from '../src/supporters/supporters.service.js';
import { activeCampaign, adminToken, createStaff, type Staff } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The rules that are written twice — once in JavaScript (for the answer's reason, or for rows already
 * read) and once as SQL (inside a hot path's one statement) — evaluated on the same table of cases by
 * both, in the real PostgreSQL: they must agree on every case. Boundaries are exact (at the deadline, at
 * the start, one millisecond either side), every status value, null deadlines and empty notes.
 */
const NOW = new Date('2026-02-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3_600_000;
const BEFORE = at(-1);
const AFTER = at(1);
const LATER = at(HOUR);
/** Times around NOW: one ms before, exactly at, one ms after, an hour after (compared by identity below). */
const AROUND = [BEFORE, NOW, AFTER, LATER];

function cross<A, B>(as: A[], bs: B[]): [A, B][] {
  return as.flatMap((a) => bs.map((b) => [a, b] as [A, B]));
}

const throws = (f: () => void) => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe('SQL and JavaScript twins agree', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Evaluates `sql` (a predicate on the alias `x`) once per row of `rows`, in order. */
  async function evaluate(sql: string, columns: string, rows: object[], params: unknown[] = []) {
    const { rows: out } = await t.db.query(
      `SELECT (${sql}) AS ok FROM jsonb_to_recordset($1::jsonb) AS x(i int, ${columns}) ORDER BY x.i`,
      [JSON.stringify(rows.map((r, i) => ({ i, ...r }))), ...params],
    );
    expect(out).toHaveLength(rows.length);
    return (out as { ok: boolean }[]).map((r) => r.ok);
  }

  it('rsvpOpenSql and rsvpClosedReason (assertRsvpOpen): status, start and RSVP deadline', async () => {
    const statuses: EventStatus[] = ['scheduled', 'cancelled', 'completed'];
    const cases = cross(cross(statuses, AROUND), [null, ...AROUND]).map(([[status, startsAt], deadline]) => ({
      status,
      startsAt,
      rsvpDeadline: deadline,
    }));
    const sql = await evaluate(
      rsvpOpenSql('x', '$2'),
      'status event_status, starts_at timestamptz, rsvp_deadline timestamptz',
      cases.map((c) => ({ status: c.status, starts_at: c.startsAt, rsvp_deadline: c.rsvpDeadline })),
      [NOW],
    );
    const js = cases.map((c) => rsvpClosedReason(c, NOW) === null);
    expect(sql).toEqual(js);
    // The table is not trivial: both answers occur, and the exact boundaries are the expected ones.
    expect(js.filter(Boolean).length).toBeGreaterThan(0);
    expect(js.filter((x) => !x).length).toBeGreaterThan(0);
    const open = (startsAt: Date, rsvpDeadline: Date | null) =>
      sql[
        cases.findIndex(
          (c) => c.status === 'scheduled' && c.startsAt === startsAt && c.rsvpDeadline === rsvpDeadline,
        )
      ];
    expect(open(NOW, null)).toBe(false); // at the start: closed
    expect(open(AFTER, null)).toBe(true);
    expect(open(LATER, NOW)).toBe(true); // at the deadline: still open
    expect(open(LATER, BEFORE)).toBe(false); // after the deadline: closed
  });

  it('acceptingTargetSql and assertAcceptingActions: campaign status, missing campaign, missing target', async () => {
    const statuses: (CampaignStatus | null)[] = [null, 'draft', 'active', 'won', 'lost', 'archived'];
    const cases = cross(statuses, [true, false]);
    for (const [status, targetExists] of cases) {
      // The tables the builder reads, shadowed by CTEs of the same names holding just this case.
      const { rows } = await t.db.query(
        `WITH campaigns AS (
           SELECT 'c1' AS id, 'the-campaign' AS slug, v.status FROM (SELECT $1::campaign_status AS status) v
            WHERE v.status IS NOT NULL),
         events AS (SELECT 'e1' AS id, 'c1' AS campaign_id, 'the-event' AS slug WHERE $2::boolean)
         SELECT EXISTS (${acceptingTargetSql({ table: 'events', accepting: () => 'true' }, "'the-campaign'", "'the-event'")}) AS ok`,
        [status, targetExists],
      );
      const js = !throws(() => assertAcceptingActions(status ?? undefined)) && targetExists;
      expect({ status, targetExists, accepted: (rows[0] as { ok: boolean }).ok }).toEqual({
        status,
        targetExists,
        accepted: js,
      });
    }
  });

  it("the sign statement's accepting clause (signableSql) and assertSignable: status, deadline, note", async () => {
    const statuses: LetterActionStatus[] = ['draft', 'open', 'closed'];
    const notes = [null, '', 'Solidarity from Detroit'];
    const cases = cross(cross(cross(statuses, [null, ...AROUND]), [true, false]), notes).map(
      ([[[status, deadline], allowPersonalNote], personalNote]) => ({
        status,
        deadline,
        allowPersonalNote,
        personalNote,
      }),
    );
    const sql = await evaluate(
      signableSql('x', '$2', 'x.note'),
      'status letter_action_status, deadline timestamptz, allow_personal_note boolean, note text',
      cases.map((c) => ({
        status: c.status,
        deadline: c.deadline,
        allow_personal_note: c.allowPersonalNote,
        note: c.personalNote,
      })),
      [NOW],
    );
    const js = cases.map(
      (c) => !throws(() => assertSignable(c, { personalNote: c.personalNote ?? undefined }, NOW)),
    );
    expect(sql).toEqual(js);
    const open = (deadline: Date | null) =>
      sql[
        cases.findIndex(
          (c) =>
            c.status === 'open' && c.deadline === deadline && c.allowPersonalNote && c.personalNote === null,
        )
      ];
    expect(open(NOW)).toBe(false); // at the deadline: closed
    expect(open(AFTER)).toBe(true);
    expect(open(null)).toBe(true);
  });

  it('mayReceiveCampaignEmailSql and SupportersService.mayReceiveCampaignEmail: consent, unsubscribe, erasure', async () => {
    const cases = cross(cross([true, false], [null, NOW]), [null, NOW]).map(
      ([[emailConsent, unsubscribedAt], erasedAt]) => ({ emailConsent, unsubscribedAt, erasedAt }),
    );
    const sql = await evaluate(
      mayReceiveCampaignEmailSql('x'),
      'email_consent boolean, unsubscribed_at timestamptz, erased_at timestamptz',
      cases.map((c) => ({
        email_consent: c.emailConsent,
        unsubscribed_at: c.unsubscribedAt,
        erased_at: c.erasedAt,
      })),
    );
    const js = cases.map((c) => Boolean(SupportersService.mayReceiveCampaignEmail(c)));
    expect(sql).toEqual(js);
    expect(js.filter(Boolean)).toHaveLength(1);
  });

  it('mayReceiveBulletinSql and mayReceiveBulletin: consent, unsubscribe, erasure, bounce', async () => {
    const cases = cross(cross(cross([true, false], [null, NOW]), [null, NOW]), [null, NOW]).map(
      ([[[emailConsent, unsubscribedAt], erasedAt], bouncedAt]) => ({
        emailConsent,
        unsubscribedAt,
        erasedAt,
        bouncedAt,
      }),
    );
    const sql = await evaluate(
      mayReceiveBulletinSql('x'),
      'email_consent boolean, unsubscribed_at timestamptz, erased_at timestamptz, bounced_at timestamptz',
      cases.map((c) => ({
        email_consent: c.emailConsent,
        unsubscribed_at: c.unsubscribedAt,
        erased_at: c.erasedAt,
        bounced_at: c.bouncedAt,
      })),
    );
    const js = cases.map((c) => mayReceiveBulletin(c));
    expect(sql).toEqual(js);
    expect(js.filter(Boolean)).toHaveLength(1);
  });

  describe('through the public API', () => {
    let org: Staff;
    let slug: string;
    let campaignId: string;
    let n = 0;
    const startsAt = at(2 * HOUR);
    const rsvpDeadline = at(HOUR);

    beforeAll(async () => {
      t.clock.set(NOW);
      org = await createStaff(t, await adminToken(t), 'organizer');
      ({ slug, id: campaignId } = await activeCampaign(t, org.token));
    });

    async function createEvent(): Promise<string> {
      const res = await t.http
        .post(`/api/campaigns/${campaignId}/events`)
        .auth(org.token, { type: 'bearer' })
        .send({
          title: { en: `Picket ${++n}` },
          kind: 'picket',
          city: 'Detroit',
          startsAt: startsAt.toISOString(),
          rsvpDeadline: rsvpDeadline.toISOString(),
          timezone: 'America/Detroit',
        });
      expect(res.status).toBe(201);
      return res.body.slug as string;
    }

    async function rsvpAt(when: Date, eventSlug: string) {
      t.clock.set(when);
      const email = `twin${++n}@example.org`;
      const res = await t.http
        .post(`/api/public/campaigns/${slug}/events/${eventSlug}/rsvps`)
        .send({ email, firstName: 'Ana', lastName: 'Solidaria', locale: 'en' });
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM supporters WHERE email = $1', [
        email,
      ]);
      return {
        status: res.status,
        code: res.body.code as string | undefined,
        supporters: (rows[0] as { n: number }).n,
      };
    }

    it('takes an RSVP up to the RSVP deadline, inclusive', async () => {
      const e = await createEvent();
      expect(await rsvpAt(rsvpDeadline, e)).toMatchObject({ status: 202, supporters: 1 });
    });

    it('refuses an RSVP after the RSVP deadline (409, nothing written)', async () => {
      const e = await createEvent();
      expect(await rsvpAt(new Date(rsvpDeadline.getTime() + 1), e)).toEqual({
        status: 409,
        code: 'rsvp_deadline_passed',
        supporters: 0,
      });
    });

    it('refuses an RSVP at and after the start of the event (409, nothing written)', async () => {
      const e = await createEvent();
      for (const when of [startsAt, at(3 * HOUR)]) {
        expect(await rsvpAt(when, e)).toEqual({ status: 409, code: 'event_started', supporters: 0 });
      }
    });
  });
});
