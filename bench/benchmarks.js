// The benchmarks of issue 11. Each returns { figure, baseline, ratio, goal, pass, details, notes }.
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import pg from 'pg';
import { COUNTER_SHARDS } from '../dist/src/letters/signature-counter.js';
import { supporterValues, UPSERT_SUPPORTER } from '../dist/src/supporters/supporters.sql.js';
import { bulletins } from './bulletins.js';
import { activeCampaign, events, openLetters, supporterBody } from './fixtures.js';
import {
  api,
  envInt,
  load,
  rawLoad,
  round,
  sampleCpu,
  sampleRss,
  sampleWaits,
  sleep,
  startApp,
  startSmtp,
  cpuMsPerItem,
} from './harness.js';

const SECONDS = () => envInt('BENCH_SECONDS', 20);
const CONNECTIONS = () => envInt('BENCH_CONNECTIONS', 64);
const POOL = () => envInt('BENCH_POOL', 20);
const runTag = () => randomBytes(3).toString('hex');

const INSERT_SIGNATURE_SQL = `INSERT INTO signatures (action_id, supporter_id, personal_note, show_publicly, locale, source, created_at)
  VALUES ($1, $2, NULL, $3, $4, 'web', $5)
  ON CONFLICT ON CONSTRAINT signatures_action_id_supporter_id_key DO NOTHING RETURNING id`;
const INCREMENT_COUNTER_SQL = `INSERT INTO letter_action_counters AS c (action_id, shard, count)
  VALUES ($1, floor(random() * ${COUNTER_SHARDS})::smallint, 1)
  ON CONFLICT ON CONSTRAINT letter_action_counters_pkey DO UPDATE SET count = c.count + 1`;

async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** The baseline signing transaction: supporter upsert + signature insert + counter shard, nothing else. */
async function rawSign(pool, campaignId, actionId, fields) {
  await inTransaction(pool, async (c) => {
    const now = new Date();
    const { rows } = await c.query(
      UPSERT_SUPPORTER.text,
      UPSERT_SUPPORTER.bind({ ...supporterValues(fields, now), campaignId, source: `signature:${actionId}` }),
    );
    const ins = await c.query(INSERT_SIGNATURE_SQL, [actionId, rows[0].supporterId, false, 'es', now]);
    if (ins.rowCount) await c.query(INCREMENT_COUNTER_SQL, [actionId]);
  });
}

/** Sign load on `actions` (round robin), a distinct supporter per request. */
function signLoad(ctx, actions, prefix, seconds) {
  let n = 0;
  const paths = actions.map((a) => `/api/public/campaigns/${ctx.campaign.slug}/letters/${a.slug}/signatures`);
  return load({
    url: ctx.app.base,
    connections: CONNECTIONS(),
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest(req) {
          const i = n++;
          return { ...req, path: paths[i % paths.length], body: JSON.stringify(supporterBody(i, prefix)) };
        },
      },
    ],
  });
}

async function signatureState(ctx, actionIds) {
  const { rows } = await ctx.db.query(
    `SELECT (SELECT count(*)::int FROM signatures WHERE action_id = ANY($1::uuid[])) AS rows,
            (SELECT coalesce(sum(count), 0)::int FROM letter_action_counters WHERE action_id = ANY($1::uuid[])) AS counted`,
    [actionIds],
  );
  return rows[0];
}

export async function sign(ctx) {
  const seconds = SECONDS();
  const [appAction, rawAction, warmAction] = await openLetters(
    ctx.app,
    ctx.token,
    ctx.campaign.id,
    ctx.targetId,
    3,
  );
  // Warm-up (JIT, lazily loaded modules, pool connections) on a letter of its own, not measured.
  await signLoad(ctx, [warmAction], `warm-${runTag()}`, envInt('BENCH_WARMUP_SECONDS', 3));
  const pool = new pg.Pool({ connectionString: ctx.db.url, max: POOL() });
  pool.on('error', () => undefined); // an idle client losing its server is not a result
  const tag = runTag();
  const stopRawCpu = sampleCpu(ctx.db.dataDir);
  const baseline = await rawLoad(CONNECTIONS(), seconds, (i) =>
    rawSign(pool, ctx.campaign.id, rawAction.id, supporterBody(i, `raw-${tag}`)),
  );
  const rawCpu = stopRawCpu();
  await pool.end();
  const stopWaits = sampleWaits(ctx.db.url);
  const stopCpu = sampleCpu(ctx.db.dataDir);
  const app = await signLoad(ctx, [appAction], `sign-${tag}`, seconds);
  const cpu = stopCpu();
  const waits = await stopWaits();
  await sleep(1000);
  const state = await signatureState(ctx, [appAction.id]);
  // Requests still in flight when autocannon stops may commit without being counted as 2xx.
  const exact =
    state.rows === state.counted && state.rows >= app.ok2xx && state.rows - app.ok2xx <= CONNECTIONS();
  const ratio = app.rps / baseline.rps;
  return {
    figure: `${round(app.rps, 0)} req/s, p99 ${app.p99} ms`,
    baseline: `${round(baseline.rps, 0)} tx/s, p99 ${baseline.p99} ms (raw pg, pool ${POOL()})`,
    ratio: round(ratio),
    goal: '≥ 0.6; p99 < 100 ms; 0 non-2xx; count exact',
    pass: ratio >= 0.6 && app.p99 < 100 && app.non2xx === 0 && app.errors === 0 && exact,
    details: {
      app,
      baseline,
      seconds,
      connections: CONNECTIONS(),
      pool: POOL(),
      state,
      countExact: exact,
      waits,
      cpu: { app: cpu, baseline: rawCpu },
    },
  };
}

export async function signHot(ctx) {
  const seconds = SECONDS();
  const spreadActions = await openLetters(ctx.app, ctx.token, ctx.campaign.id, ctx.targetId, 100);
  const [hotAction] = await openLetters(ctx.app, ctx.token, ctx.campaign.id, ctx.targetId, 1);
  const tag = runTag();
  const spread = await signLoad(ctx, spreadActions, `spread-${tag}`, seconds);
  const hot = await signLoad(ctx, [hotAction], `hot-${tag}`, seconds);
  await sleep(1000);
  const hotState = await signatureState(ctx, [hotAction.id]);
  const spreadState = await signatureState(
    ctx,
    spreadActions.map((a) => a.id),
  );
  const ratio = hot.rps / spread.rps;
  const exact = hotState.rows === hotState.counted && spreadState.rows === spreadState.counted;
  return {
    figure: `hot ${round(hot.rps, 0)} req/s, p99 ${hot.p99} ms`,
    baseline: `spread over 100: ${round(spread.rps, 0)} req/s, p99 ${spread.p99} ms`,
    ratio: round(ratio),
    goal: '≥ 0.9',
    pass: ratio >= 0.9 && hot.non2xx === 0 && spread.non2xx === 0 && exact,
    details: { hot, spread, hotState, spreadState, seconds },
  };
}

/** The baseline RSVP: upsert, lock the event, check room, insert, add the seats. */
async function rawRsvp(pool, campaignId, eventId, fields, guests) {
  await inTransaction(pool, async (c) => {
    const now = new Date();
    const { rows } = await c.query(
      UPSERT_SUPPORTER.text,
      UPSERT_SUPPORTER.bind({ ...supporterValues(fields, now), campaignId, source: `rsvp:${eventId}` }),
    );
    const {
      rows: [e],
    } = await c.query(`SELECT capacity, seats_taken FROM events WHERE id = $1 FOR UPDATE`, [eventId]);
    const going = e.capacity === null || e.capacity - e.seats_taken >= 1 + guests;
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
    const ins = await c.query(
      `INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash, source, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'web', $6, $6)
       ON CONFLICT ON CONSTRAINT rsvps_event_id_supporter_id_key DO NOTHING RETURNING id`,
      [eventId, rows[0].supporterId, going ? 'going' : 'waitlisted', guests, hash, now],
    );
    if (ins.rowCount && going)
      await c.query(`UPDATE events SET seats_taken = seats_taken + $2 WHERE id = $1`, [eventId, 1 + guests]);
  });
}

async function seatCheck(ctx, eventIds) {
  const { rows } = await ctx.db.query(
    `SELECT e.id, e.capacity, e.seats_taken AS "seatsTaken", e.waitlisted AS "waitlistLength",
            coalesce(sum(1 + r.guests) FILTER (WHERE r.status IN ('going', 'offered') AND NOT r.walk_in), 0)::int AS held,
            count(r.id) FILTER (WHERE r.status = 'waitlisted')::int AS waiting,
            count(r.id)::int AS rsvps
       FROM events e LEFT JOIN rsvps r ON r.event_id = e.id
      WHERE e.id = ANY($1::uuid[]) GROUP BY e.id`,
    [eventIds],
  );
  // Capacity held, seats_taken equal to the seats held, and the kept waitlist length equal to the line.
  const ok = rows.every(
    (r) => r.seatsTaken <= r.capacity && r.seatsTaken === r.held && r.waitlistLength === r.waiting,
  );
  return {
    ok,
    rsvps: rows.reduce((n, r) => n + r.rsvps, 0),
    full: rows.filter((r) => r.seatsTaken >= r.capacity - 2).length,
  };
}

export async function rsvp(ctx) {
  const seconds = SECONDS();
  const n = envInt('BENCH_RSVP_EVENTS', 10);
  const capacity = envInt('BENCH_RSVP_CAPACITY', 300);
  const appEvents = await events(ctx.app, ctx.token, ctx.campaign.id, n, capacity);
  const rawEvents = await events(ctx.app, ctx.token, ctx.campaign.id, n, capacity);
  const tag = runTag();
  const pool = new pg.Pool({ connectionString: ctx.db.url, max: POOL() });
  pool.on('error', () => undefined); // an idle client losing its server is not a result
  await ctx.db.topStatements(); // resets the statement statistics (BENCH_STATEMENTS=1)
  const stopRawWaits = sampleWaits(ctx.db.url);
  const stopRawCpu = sampleCpu(ctx.db.dataDir);
  const baseline = await rawLoad(CONNECTIONS(), seconds, (i) =>
    rawRsvp(pool, ctx.campaign.id, rawEvents[i % n].id, supporterBody(i, `rawrsvp-${tag}`), i % 3),
  );
  const rawCpu = stopRawCpu();
  const rawWaits = await stopRawWaits();
  const rawStatements = await ctx.db.topStatements();
  await pool.end();
  let k = 0;
  const stopWaits = sampleWaits(ctx.db.url);
  const stopCpu = sampleCpu(ctx.db.dataDir);
  const paths = appEvents.map((e) => `/api/public/campaigns/${ctx.campaign.slug}/events/${e.slug}/rsvps`);
  const app = await load({
    url: ctx.app.base,
    connections: CONNECTIONS(),
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest(req) {
          const i = k++;
          const body = { ...supporterBody(i, `rsvp-${tag}`), guests: i % 3 };
          return { ...req, path: paths[i % n], body: JSON.stringify(body) };
        },
      },
    ],
  });
  const cpu = stopCpu();
  const waits = await stopWaits();
  const statements = await ctx.db.topStatements();
  await sleep(1000);
  const appSeats = await seatCheck(
    ctx,
    appEvents.map((e) => e.id),
  );
  const rawSeats = await seatCheck(
    ctx,
    rawEvents.map((e) => e.id),
  );
  const ratio = app.rps / baseline.rps;
  return {
    figure: `${round(app.rps, 0)} req/s, p99 ${app.p99} ms`,
    baseline: `${round(baseline.rps, 0)} tx/s, p99 ${baseline.p99} ms (raw pg, pool ${POOL()})`,
    ratio: round(ratio),
    goal: '≥ 0.6; capacity never exceeded',
    pass: ratio >= 0.6 && app.non2xx === 0 && appSeats.ok && rawSeats.ok,
    details: {
      app,
      baseline,
      events: n,
      capacity,
      appSeats,
      rawSeats,
      seconds,
      cpu: { app: cpu, baseline: rawCpu },
      waits,
      rawWaits,
      statements,
      rawStatements,
    },
  };
}

/**
 * The big campaign for public-read and export: `BENCH_SIGNATURES` signatures (default 1,000,000),
 * `BENCH_RSVPS` RSVPs and `BENCH_DONATIONS` donations inserted by SQL generate_series (not through
 * HTTP), with the counter shards set to match. Made once per run.
 */
async function bigData(ctx) {
  if (ctx.big) return ctx.big;
  const signatures = envInt('BENCH_SIGNATURES', 1_000_000);
  const rsvps = envInt('BENCH_RSVPS', 10_000);
  const donations = envInt('BENCH_DONATIONS', 10_000);
  const make = async (name) => {
    const campaign = await activeCampaign(ctx.app, ctx.token, name);
    const [action] = await openLetters(ctx.app, ctx.token, campaign.id, ctx.targetId, 1);
    const [event] = await events(ctx.app, ctx.token, campaign.id, 1, 1_000_000);
    const fundraiser = await api(ctx.app, 'POST', `/api/campaigns/${campaign.id}/fundraisers`, {
      token: ctx.token,
      body: {
        title: { en: 'Strike fund', es: 'Fondo de huelga' },
        goal: { amount: '100000.00', currency: 'USD' },
      },
    });
    return { campaign, action, event, fundraiserId: fundraiser.id };
  };
  const empty = await make('Empty');
  const big = await make('Big');
  const t0 = performance.now();
  const tag = runTag();
  await ctx.db.query(
    `WITH s AS (
       INSERT INTO supporters (organization_id, email, first_name, last_name, city, region, country, locale)
       SELECT (SELECT organization_id FROM campaigns WHERE id = $3), 'big-${tag}-' || i || '@bench.test', 'Ana', 'Pérez ' || i, 'Silao', 'Guanajuato', 'MX', 'es'
         FROM generate_series(1, $2::int) i RETURNING id)
     INSERT INTO signatures (action_id, supporter_id, show_publicly, locale, personal_note)
     SELECT $1, id, true, 'es', 'Solidaridad con la planta' FROM s`,
    [big.action.id, signatures, big.campaign.id],
  );
  await ctx.db.query(
    `INSERT INTO letter_action_counters (action_id, shard, count)
     SELECT $1, g, $2::bigint / ${COUNTER_SHARDS} + CASE WHEN g < $2::bigint % ${COUNTER_SHARDS} THEN 1 ELSE 0 END
       FROM generate_series(0, ${COUNTER_SHARDS - 1}) g
     ON CONFLICT ON CONSTRAINT letter_action_counters_pkey DO UPDATE SET count = EXCLUDED.count`,
    [big.action.id, signatures],
  );
  await ctx.db.query(
    `WITH s AS (
       INSERT INTO supporters (organization_id, email, first_name, locale)
       SELECT (SELECT organization_id FROM campaigns WHERE id = $3), 'bigrsvp-${tag}-' || i || '@bench.test', 'Luis', 'es' FROM generate_series(1, $2::int) i RETURNING id)
     INSERT INTO rsvps (event_id, supporter_id, status, guests, manage_token_hash)
     SELECT $1, id, 'going', 0, md5(id::text) FROM s`,
    [big.event.id, rsvps, big.campaign.id],
  );
  await ctx.db.query(`UPDATE events SET seats_taken = $2 WHERE id = $1`, [big.event.id, rsvps]);
  await ctx.db.query(
    `INSERT INTO donations (fundraiser_id, amount_minor, currency, status, method, received_at)
     SELECT $1, 1000 + i % 5000, 'USD', 'received', 'card', now() - (i % 30) * interval '1 day'
       FROM generate_series(1, $2::int) i`,
    [big.fundraiserId, donations],
  );
  // VACUUM, not only ANALYZE: otherwise autovacuum works through the fresh 1M rows during the measured reads.
  await ctx.db.query('VACUUM (ANALYZE)');
  const loadSeconds = round((performance.now() - t0) / 1000, 1);
  ctx.big = { big, empty, signatures, rsvps, donations, loadSeconds };
  return ctx.big;
}

export async function publicRead(ctx) {
  const seconds = SECONDS();
  const data = await bigData(ctx);
  const connections = envInt('BENCH_READ_CONNECTIONS', 32);
  const read = (slug) =>
    load({ url: `${ctx.app.base}/api/public/campaigns/${slug}?lang=es`, connections, duration: seconds });
  const check = await api(ctx.app, 'GET', `/api/public/campaigns/${data.big.campaign.slug}`);
  const shown = check.totals?.signatures?.total;
  const empty = await read(data.empty.campaign.slug);
  const big = await read(data.big.campaign.slug);
  const ratio = big.rps / empty.rps;
  return {
    figure: `${round(big.rps, 0)} req/s, p99 ${big.p99} ms (${data.signatures} signatures, ${data.rsvps} RSVPs, ${data.donations} donations)`,
    baseline: `empty campaign ${round(empty.rps, 0)} req/s, p99 ${empty.p99} ms`,
    ratio: round(ratio),
    goal: '≥ 0.8',
    pass: ratio >= 0.8 && big.non2xx === 0 && empty.non2xx === 0 && shown === data.signatures,
    details: {
      big,
      empty,
      connections,
      seconds,
      totalsShown: check.totals,
      bulkLoadSeconds: data.loadSeconds,
    },
    notes: `bulk rows inserted by SQL generate_series in ${data.loadSeconds} s`,
  };
}

class Counter extends Writable {
  bytes = 0;
  _write(chunk, _enc, done) {
    this.bytes += chunk.length;
    done();
  }
}

export async function exportCsv(ctx) {
  const data = await bigData(ctx);
  const { id } = data.big.action;
  // COPY takes no parameters: the uuid comes from our own fixture (checked anyway).
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('unexpected action id');
  const baselineSql = `COPY (SELECT g.seq, s.first_name, s.last_name, s.city, s.region, s.country, g.personal_note, g.created_at
       FROM signatures g JOIN supporters s ON s.id = g.supporter_id
      WHERE g.action_id = '${id}' ORDER BY g.seq) TO STDOUT (FORMAT csv, HEADER)`;
  const client = new pg.Client({ connectionString: ctx.db.url });
  client.on('error', () => undefined);
  await client.connect();
  const sink = new Counter();
  let t = performance.now();
  await pipeline(client.query(pgCopy.to(baselineSql)), sink);
  const baselineSeconds = (performance.now() - t) / 1000;
  await client.end();

  const path = `/api/letter-actions/${id}/targets/${ctx.targetId}/packet.csv`;
  const stopRss = sampleRss(ctx.app.pid);
  t = performance.now();
  const res = await fetch(ctx.app.base + path, { headers: { authorization: `Bearer ${ctx.token}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  }
  const appSeconds = (performance.now() - t) / 1000;
  const rss = stopRss();
  const ratio = appSeconds / baselineSeconds;
  return {
    figure: `${round(appSeconds, 1)} s, ${round(bytes / 1e6, 1)} MB, RSS +${rss.growthMb} MB (${data.signatures} signatures, packet.csv)`,
    baseline: `COPY … TO STDOUT (csv) ${round(baselineSeconds, 1)} s, ${round(sink.bytes / 1e6, 1)} MB`,
    ratio: round(ratio),
    goal: 'time ≤ 2 × baseline; RSS growth < 100 MB',
    pass: res.status === 200 && ratio <= 2 && rss.growthMb < 100 && lines >= data.signatures,
    details: {
      status: res.status,
      appSeconds,
      baselineSeconds,
      bytes,
      lines,
      baselineBytes: sink.bytes,
      rss,
      path,
    },
  };
}

/** Inserts `n` due reminders (one fresh, consenting supporter each) by SQL; returns their dedupe tag. */
async function insertReminders(ctx, n, eventId) {
  const tag = runTag();
  const data = {
    eventTitle: 'Piquete en la sede de GM',
    when: 'sábado 14 de marzo de 2026, 11:00',
    place: 'GM Renaissance Center, Detroit',
    manageUrl: 'http://localhost:3000/rsvp/bench',
    startsInMinutes: 1440,
  };
  await ctx.db.query(
    `WITH s AS (
       INSERT INTO supporters (organization_id, email, first_name, locale, timezone, email_consent, email_consent_at,
                               email_consent_source)
       SELECT (SELECT organization_id FROM campaigns WHERE id = $3), 'rem-${tag}-' || i || '@bench.test', 'Ana', 'es', 'America/Mexico_City', true, now(), 'bench'
         FROM generate_series(1, $1::int) i RETURNING id)
     INSERT INTO reminders (kind, template, subject_type, subject_id, campaign_id, supporter_id, locale, data,
                            due_at, status, dedupe_key, transactional)
     SELECT 'event-reminder', 'event-reminder', 'event', $2, $3, id, 'es', $4::jsonb, now() - interval '1 second',
            'pending', 'bench:${tag}:' || id, false FROM s`,
    [n, eventId, ctx.campaign.id, JSON.stringify(data)],
  );
  return tag;
}

async function deliverWith(ctx, smtp, instances, n, eventId) {
  const env = {
    REMINDERS_ENABLED: 'true',
    REMINDER_TICK_SECONDS: '1',
    SMTP_URL: smtp.url,
    QUIET_HOURS: 'off',
  };
  const apps = [];
  for (let i = 0; i < instances; i++) apps.push(await startApp(ctx.db, env, `worker-${i + 1}`));
  await smtp.reset();
  await ctx.db.topStatements(); // resets the statement statistics (BENCH_STATEMENTS=1)
  const stopCpu = sampleCpu(ctx.db.dataDir);
  const timeoutMs = envInt('BENCH_REMINDER_TIMEOUT', 900) * 1000;
  const t0 = performance.now();
  const tag = await insertReminders(ctx, n, eventId);
  let state = { sent: 0, failed: 0, open: n };
  // The database is asked only once the sink has every mail (or every 2 s, to see failures): the
  // count scans the run's reminders, and PostgreSQL is the CPU both sides of the ratio share.
  let asked = 0;
  while (performance.now() - t0 < timeoutMs) {
    if ((await smtp.count()) < n && performance.now() - asked < 2000) {
      await sleep(50);
      continue;
    }
    asked = performance.now();
    const { rows } = await ctx.db.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status IN ('failed', 'skipped', 'cancelled'))::int AS failed,
              count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS open
         FROM reminders WHERE dedupe_key LIKE $1`,
      [`bench:${tag}:%`],
    );
    state = rows[0];
    if (state.open === 0) break;
    await sleep(50);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = stopCpu();
  await sleep(500);
  let duplicates = 0;
  let recipients = 0;
  const { perRecipient } = await smtp.stats();
  for (const [to, count] of perRecipient) {
    if (!to.startsWith(`rem-${tag}-`)) continue;
    recipients++;
    if (count > 1) duplicates += count - 1;
  }
  const statements = await ctx.db.topStatements();
  for (const a of apps) await a.stop();
  return {
    statements,
    cpu,
    // CPU time per mail (ms of one core) of each part: what limits how far a second instance can add.
    cpuMsPerMail: cpuMsPerItem(cpu, seconds, state.sent),
    instances,
    seconds: round(seconds, 1),
    rate: round(state.sent / seconds, 1),
    ...state,
    recipients,
    duplicates,
  };
}

export async function reminders(ctx) {
  const n = envInt('BENCH_REMINDERS', 20_000);
  const [event] = await events(ctx.app, ctx.token, ctx.campaign.id, 1, 100);
  const smtp = await startSmtp();
  try {
    const one = await deliverWith(ctx, smtp, 1, n, event.id);
    const two = await deliverWith(ctx, smtp, 2, n, event.id);
    const ratio = one.seconds / two.seconds;
    const complete = (r) => r.sent === n && r.open === 0 && r.recipients === n;
    return {
      figure: `2 instances: ${two.seconds} s (${two.rate}/s), ${two.duplicates} duplicates`,
      baseline: `1 instance: ${one.seconds} s (${one.rate}/s)`,
      ratio: round(ratio),
      goal: '≥ 1.5; 0 duplicates',
      pass: ratio >= 1.5 && one.duplicates === 0 && two.duplicates === 0 && complete(one) && complete(two),
      details: { reminders: n, one, two },
    };
  } finally {
    await smtp.close();
  }
}

export const BENCHMARKS = {
  sign,
  'sign-hot': signHot,
  rsvp,
  'public-read': publicRead,
  export: exportCsv,
  reminders,
  bulletins,
};
