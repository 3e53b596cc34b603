import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import pg from 'pg';
import supertest from 'supertest';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { isWebPath } from '../src/web/setup.js';
import { activeCampaign, adminToken, createStaff } from './support/factories.js';
import { postgresPids, startChildApp, type ChildApp } from './support/child-app.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';

const SECOND = 1000;
/** Each test starts app processes of its own: minutes, not jest's default minute, on a busy machine. */
jest.setTimeout(300 * SECOND);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Faults injected into the running app, as an outside reviewer would: the built app runs in child
 * processes (as `npm start` runs it) on a PostgreSQL server of this file's own, which the tests kill,
 * freeze and stop. Every loop is bounded in count and time, and all traffic stays on loopback.
 * The numbers the README quotes are printed (console.log) by these tests.
 */
describe('resilience', () => {
  let dataDir: string;
  let server: EmbeddedPostgres;
  let db: pg.Pool;
  const apps: ChildApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const app = await startChildApp({
      DATABASE_URL: server.url('puente'),
      REMINDERS_ENABLED: 'false',
      ...env,
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'puente-resilience-'));
    server = await EmbeddedPostgres.start({ dataDir, port: null, ephemeral: true });
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE puente');
    await admin.end();
    db = new pg.Pool({ connectionString: server.url('puente'), max: 2 });
    db.on('error', () => undefined); // its idle connections die when the server is stopped below
  });
  afterAll(async () => {
    for (const app of apps) await app.kill().catch(() => undefined);
    await db.end();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('an app instance killed with SIGKILL during a signing load', () => {
    it('keeps every acknowledged signature, and the count equals the rows', async () => {
      const a = await start();
      const org = await createStaff(a.t, await adminToken(a.t), 'organizer');
      const { id: campaignId, slug } = await activeCampaign(a.t, org.token);
      const targets = await a.t.http.get('/api/targets').auth(org.token, { type: 'bearer' }).expect(200);
      const letter = await a.t.http
        .post(`/api/campaigns/${campaignId}/letter-actions`)
        .auth(org.token, { type: 'bearer' })
        .send({
          title: { en: 'Respect the vote' },
          subject: { en: 'Respect the vote' },
          body: { en: 'Respect the vote.' },
          targetIds: [targets.body.items[0].id],
        })
        .expect(201);
      await a.t.http
        .patch(`/api/letter-actions/${letter.body.id}`)
        .auth(org.token, { type: 'bearer' })
        .send({ status: 'open' })
        .expect(200);

      // 8 signers in parallel, each signing in a loop; the app is killed once 150 were acknowledged.
      const acknowledged: string[] = [];
      let refused = 0;
      let sent = 0;
      const deadline = Date.now() + 30 * SECOND;
      const signer = async () => {
        while (Date.now() < deadline && sent < 2000) {
          const email = `s${sent++}-${randomUUID().slice(0, 6)}@example.org`;
          try {
            const res = await fetch(
              `${a.url}/api/public/campaigns/${slug}/letters/${letter.body.slug}/signatures`,
              {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ email, firstName: 'Firma', country: 'MX' }),
              },
            );
            if (res.status >= 200 && res.status < 300) acknowledged.push(email);
            else refused++;
            await res.arrayBuffer();
          } catch {
            return; // the connection died with the app
          }
        }
      };
      const load = Array.from({ length: 8 }, signer);
      while (acknowledged.length < 150 && Date.now() < deadline) await sleep(10);
      await a.kill();
      await Promise.all(load);
      expect(refused).toBe(0);
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);

      const { rows } = await db.query<{ email: string }>(
        `SELECT s.email FROM signatures g JOIN supporters s ON s.id = g.supporter_id WHERE g.action_id = $1`,
        [letter.body.id],
      );
      const stored = new Set(rows.map((r) => r.email));
      expect(acknowledged.filter((e) => !stored.has(e))).toEqual([]);
      const counter = await db.query<{ n: number }>(
        'SELECT coalesce(sum(count), 0)::int AS n FROM letter_action_counters WHERE action_id = $1',
        [letter.body.id],
      );
      expect(counter.rows[0].n).toBe(rows.length);

      // A new instance on the same database answers the same count.
      const b = await start();
      const read = await b.t.http
        .get(`/api/public/campaigns/${slug}/letters/${letter.body.slug}`)
        .expect(200);
      expect(read.body.signatureCount).toBe(rows.length);
      await b.stop();
      console.log(
        `kill -9 during signing: ${acknowledged.length} acknowledged, ${rows.length} stored, counter ${counter.rows[0].n}`,
      );
    });
  });

  describe('a database that stalls, then stops', () => {
    let app: ChildApp;
    let slug: string;
    let orgSlug: string;
    let campaignId: string;
    /** The organizer's console session (cookie header). */
    let session: string;
    beforeAll(async () => {
      app = await start(); // the default DATABASE_CONNECT_TIMEOUT_MS and DATABASE_STATEMENT_TIMEOUT_MS
      const org = await createStaff(app.t, await adminToken(app.t), 'organizer');
      ({ slug, id: campaignId } = await activeCampaign(app.t, org.token));
      const me = await app.t.http
        .get(`/api/organizations/${org.organizationId}`)
        .auth(org.token, { type: 'bearer' });
      orgSlug = me.body.slug;
      const agent = supertest.agent(app.url);
      const form = await agent.get('/admin/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      const login = await agent
        .post('/admin/login')
        .type('form')
        .send({ _csrf: csrf, email: org.email, password: 'a-long-enough-password' })
        .expect(303);
      session = [login.headers['set-cookie'] ?? []]
        .flat()
        .map((c: string) => c.split(';')[0])
        .join('; ');
    });

    /**
     * A mix of reads, writes, public pages (the campaign, the bulletin archive and its feed, an embed,
     * a preview image) and a console screen, at once; each answer with how long it took.
     */
    const burst = () =>
      Promise.all(
        [
          ['GET', '/api/health'],
          ['GET', `/api/public/campaigns/${slug}`],
          ['GET', `/c/${slug}`],
          ['GET', `/o/${orgSlug}/bulletins`],
          ['GET', `/o/${orgSlug}/bulletins.atom`],
          ['GET', `/embed/c/${slug}/pledge`],
          ['GET', `/c/${slug}/preview.jpg`],
          ['GET', `/admin/campaigns/${campaignId}`],
          ['POST', `/api/public/campaigns/${slug}/pledges`],
          ['POST', `/api/public/campaigns/${slug}/pledges`],
          ['POST', '/api/auth/login'],
        ].map(async ([method, path], i) => {
          const began = Date.now();
          const res = await fetch(app.url + path, {
            method,
            redirect: 'manual',
            headers: {
              'content-type': 'application/json',
              'accept-language': 'es',
              ...(path.startsWith('/admin') ? { cookie: session } : {}),
            },
            body:
              method === 'POST'
                ? JSON.stringify(
                    path.endsWith('login')
                      ? { email: 'nobody@example.org', password: 'not-the-password' }
                      : {
                          email: `p${i}-${randomUUID().slice(0, 6)}@example.org`,
                          firstName: 'P',
                          kind: 'support',
                        },
                  )
                : undefined,
          });
          const text = await res.text();
          return {
            path,
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            text,
            ms: Date.now() - began,
          };
        }),
      );

    const expectUnavailable = (answers: Awaited<ReturnType<typeof burst>>) => {
      for (const a of answers) {
        expect([a.path, a.status]).toEqual([a.path, 503]);
        expect(a.retryAfter).toMatch(/^\d+$/);
        if (isWebPath(a.path))
          expect([a.path, a.text]).toEqual([
            a.path,
            expect.stringContaining('no está disponible por un momento'),
          ]);
        else expect(JSON.parse(a.text)).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      }
    };

    const recovered = async () => {
      for (let i = 0; i < 50; i++) {
        const answers = await burst();
        if (answers.every((a) => a.status < 500)) return answers;
        await sleep(200);
      }
      throw new Error('the app did not recover within 10 s of the database coming back');
    };

    it('answers 503 fast while PostgreSQL is frozen (SIGSTOP), then recovers by itself', async () => {
      await burst(); // warm: pooled connections exist, as in production
      const pids = await postgresPids(dataDir);
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      // Should a request wait for the database, it would only answer after this (and not 503).
      const thaw = setTimeout(() => pids.forEach((pid) => process.kill(pid, 'SIGCONT')), 30 * SECOND);
      let answers;
      try {
        answers = await burst();
      } finally {
        clearTimeout(thaw);
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
      expectUnavailable(answers);
      const ok = await recovered();
      expect(ok.filter((a) => a.path.endsWith('pledges')).map((a) => a.status)).toEqual([201, 201]);
      console.log(`stalled database: longest wait ${Math.max(...answers.map((a) => a.ms))} ms (all 503)`);
    });

    it('answers 503 while PostgreSQL is stopped, then recovers once it is back', async () => {
      const port = server.port;
      await server.stop();
      try {
        expectUnavailable(await burst());
      } finally {
        server = await EmbeddedPostgres.start({ dataDir, port, ephemeral: true });
      }
      await recovered();
    });
  });

  describe('a reminder worker killed while sending', () => {
    let smtp: TestSmtp;
    beforeAll(async () => {
      smtp = await startSmtp();
    });
    afterAll(() => smtp.close());

    it('delivers every reminder once, before the event, except the documented crash window', async () => {
      const env = {
        SMTP_URL: smtp.url,
        REMINDERS_ENABLED: 'true',
        REMINDER_TICK_SECONDS: '1',
        REMINDER_LEASE_SECONDS: '3',
        QUIET_HOURS: 'off',
      };
      // Mail queued by the tests above (the signers' thank-yous) is not what this test counts.
      await db.query(
        `UPDATE reminders SET status = 'cancelled' WHERE status IN ('pending', 'sending', 'failed')`,
      );
      const workers = [await start(env), await start(env)];
      // 5 pooled connections: ~12 mails/s, so one claim of 100 takes ~8 s, over two leases.
      smtp.setDelay(400);
      const arrivals: number[] = [];
      const stamp = setInterval(() => {
        while (arrivals.length < smtp.messages.length) arrivals.push(Date.now());
      }, 10);

      const N = 100;
      const due = new Date();
      const startsAt = new Date(due.getTime() + 10 * 60 * SECOND);
      await db.query(
        `INSERT INTO reminders (kind, template, subject_type, subject_id, recipient_email, locale, data, due_at, dedupe_key)
         SELECT 'resilience', 'event-reminder', 'event', gen_random_uuid(), 'r' || i || '@example.org', 'es',
                jsonb_build_object('firstName', 'R', 'eventTitle', 'Piquete', 'when', 'hoy', 'place', 'Silao',
                                   'manageUrl', 'http://puente.test/rsvp/x', 'startsInMinutes', 10,
                                   'startsAtIso', $2::text),
                $1, 'resilience:' || i
           FROM generate_series(1, $3::int) AS i`,
        [due, startsAt.toISOString(), N],
      );
      try {
        // Kill whichever instance holds the claim once 80 mails left (past one lease: it renewed).
        const limit = Date.now() + 30 * SECOND;
        while (smtp.messages.length < 80 && Date.now() < limit) await sleep(10);
        const holder = await db.query<{ locked_by: string }>(
          `SELECT DISTINCT locked_by FROM reminders WHERE kind = 'resilience' AND status = 'sending'`,
        );
        expect(holder.rows).toHaveLength(1);
        const pid = Number(holder.rows[0].locked_by.split(':')[1]);
        const victim = workers.find((w) => w.pid === pid)!;
        // Until the kill nobody got a reminder twice: the claim outlasted its lease, and the holder's
        // heartbeat kept renewing it, so the other instance never took its rows.
        const beforeKill = smtp.messages.map((m) => m.envelope.to[0]);
        expect(beforeKill.length - new Set(beforeKill).size).toBe(0);
        await victim.kill();
        const killedAt = Date.now();
        // The crash window: what the dead instance still held (claimed, outcome not recorded).
        const window = await db.query<{ email: string }>(
          `SELECT recipient_email AS email FROM reminders
            WHERE kind = 'resilience' AND status = 'sending' AND locked_by = $1`,
          [holder.rows[0].locked_by],
        );
        const inWindow = new Set(window.rows.map((r) => r.email));

        // The survivor takes the rest once the dead instance's lease ran out.
        for (let i = 0; i < 300; i++) {
          const left = await db.query(
            `SELECT 1 FROM reminders WHERE kind = 'resilience' AND status IN ('pending', 'sending')`,
          );
          if (left.rowCount === 0) break;
          await sleep(100);
        }
        const statuses = await db.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM reminders WHERE kind = 'resilience' GROUP BY status`,
        );
        expect(statuses.rows).toEqual([{ status: 'sent', n: N }]);

        const byRecipient = new Map<string, number[]>();
        smtp.messages.forEach((m, i) => {
          const to = m.envelope.to[0];
          byRecipient.set(to, [...(byRecipient.get(to) ?? []), arrivals[i] ?? Date.now()]);
        });
        expect(byRecipient.size).toBe(N); // nobody missed
        const twice = [...byRecipient].filter(([, times]) => times.length > 1).map(([to]) => to);
        expect(twice.filter((to) => !inWindow.has(to))).toEqual([]); // duplicates only in the window
        const last = Math.max(...[...byRecipient.values()].map((times) => Math.min(...times)));
        expect(last).toBeLessThan(startsAt.getTime()); // on time: before the event
        console.log(
          `worker killed mid-send: ${N} reminders, ${inWindow.size} in the crash window, ${twice.length} sent twice, ` +
            `last first delivery ${last - due.getTime()} ms after due (${last - killedAt} ms after the kill)`,
        );
      } finally {
        clearInterval(stamp);
        smtp.setDelay(0);
      }
    });
  });
});
