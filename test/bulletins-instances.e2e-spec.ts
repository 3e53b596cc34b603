import { jest } from '@jest/globals';
import pg from 'pg';
import { ADMIN, addOrgMember, adminToken, createOrganization } from './support/factories.js';
import { startChildApp, type ChildApp } from './support/child-app.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { createTestDatabase, dropTestDatabase } from './support/test-app.js';

const SECOND = 1000;
/** Two app processes of its own: minutes, not jest's default, on a busy machine. */
jest.setTimeout(300 * SECOND);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Issue 22: a bulletin to 2,000 supporters sent by two instances (the built app in child processes,
 * as `npm start` runs it) on one database, one of them killed with SIGKILL mid-way: everyone gets it,
 * and only the rows the dead instance held (claimed, outcome not recorded) may arrive twice.
 */
describe('a bulletin sent by two instances, one killed mid-way', () => {
  const N = 2000;
  let smtp: TestSmtp;
  let databaseUrl: string;
  let db: pg.Pool;
  const apps: ChildApp[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    databaseUrl = await createTestDatabase();
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  });
  afterAll(async () => {
    for (const app of apps) await app.kill().catch(() => undefined);
    await db.end();
    await dropTestDatabase(databaseUrl);
    await smtp.close();
  });

  it('delivers to each of 2,000 once, except the documented crash window', async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtp.url,
      REMINDERS_ENABLED: 'true',
      // Short, so the dead instance's rows come back quickly; long enough that a live instance starved of
      // CPU on a busy 2-core CI machine still renews (every third of it) before its rows look abandoned.
      REMINDER_LEASE_SECONDS: '6',
      BULLETIN_TICK_SECONDS: '1',
      BULLETIN_RATE_PER_SECOND: '500',
      QUIET_HOURS: 'off',
    };
    apps.push(await startChildApp(env), await startChildApp(env));
    const [a] = apps;
    const admin = await adminToken(a.t);
    const org = await createOrganization(a.t, admin, { name: 'Comité dos instancias' });
    await addOrgMember(a.t, admin, org.id, ADMIN.email, 'organizer');
    // 2,000 consenting supporters (through SQL: 2,000 public requests would only slow the test).
    await db.query(
      `INSERT INTO supporters (organization_id, email, first_name, locale, email_consent, email_consent_at)
       SELECT $1, 'p' || i || '@example.org', 'P' || i, CASE WHEN i % 2 = 0 THEN 'es' ELSE 'en' END, true, now()
         FROM generate_series(1, $2::int) AS i`,
      [org.id, N],
    );
    const as = (url: string) => a.t.http.post(url).auth(admin, { type: 'bearer' });
    const audience = await as(`/api/organizations/${org.id}/audiences`)
      .send({ name: 'Todas', filter: {} })
      .expect(201);
    const bulletin = await as(`/api/organizations/${org.id}/bulletins`)
      .send({
        subject: { en: 'News', es: 'Noticias' },
        body: { en: 'Hi {{supporter.firstName}}', es: 'Hola, {{supporter.firstName}}' },
        audienceId: audience.body.id,
      })
      .expect(201);
    smtp.setDelay(20); // 5 pooled connections per instance: a few hundred mails a second in all
    try {
      const sent = await as(`/api/bulletins/${bulletin.body.id}/send`).expect(200);
      expect(sent.body.audienceCount).toBe(N);

      // Kill an instance that holds rows once about a third went out.
      const limit = Date.now() + 60 * SECOND;
      while (smtp.messages.length < N / 3 && Date.now() < limit) await sleep(10);
      const holders = await db.query<{ locked_by: string }>(
        `SELECT DISTINCT locked_by FROM bulletin_deliveries WHERE status = 'sending'`,
      );
      expect(holders.rows.length).toBeGreaterThan(0);
      const victimId = holders.rows[0].locked_by;
      const victim = apps.find((w) => w.pid === Number(victimId.split(':')[1]))!;
      await victim.kill();
      const window = await db.query<{ email: string }>(
        `SELECT s.email FROM bulletin_deliveries d JOIN supporters s ON s.id = d.supporter_id
          WHERE d.status = 'sending' AND d.locked_by = $1`,
        [victimId],
      );
      const inWindow = new Set(window.rows.map((r) => r.email));

      // The survivor takes the rest, and the dead instance's rows once their lease ran out.
      for (let i = 0; i < 900; i++) {
        const { rows } = await db.query<{ status: string }>(`SELECT status FROM bulletins WHERE id = $1`, [
          bulletin.body.id,
        ]);
        if (rows[0].status === 'sent') break;
        await sleep(100);
      }
      const statuses = await db.query<{ status: string; n: number }>(
        `SELECT status::text, count(*)::int AS n FROM bulletin_deliveries GROUP BY status`,
      );
      expect(statuses.rows).toEqual([{ status: 'sent', n: N }]);

      const byRecipient = new Map<string, number>();
      for (const m of smtp.messages)
        byRecipient.set(m.envelope.to[0], (byRecipient.get(m.envelope.to[0]) ?? 0) + 1);
      expect(byRecipient.size).toBe(N); // nobody missed
      const twice = [...byRecipient].filter(([, n]) => n > 1).map(([to]) => to);
      expect(twice.filter((to) => !inWindow.has(to))).toEqual([]); // duplicates only in the window
      // Each got her own language and name.
      const p2 = smtp.messages.find((m) => m.envelope.to[0] === 'p2@example.org')!;
      expect(p2.subject).toBe('Noticias');
      expect(p2.text).toContain('Hola, P2');
      console.log(
        `bulletin, 2 instances, one killed: ${N} recipients, ${inWindow.size} in the crash window, ${twice.length} sent twice`,
      );
    } finally {
      smtp.setDelay(0);
    }
  });
});
