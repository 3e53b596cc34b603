// `npm run bench [-- name ...]`: a fresh embedded PostgreSQL, the built app as a child process, fixtures
// through the API, then each benchmark beside its baseline; prints a table and writes bench/results.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { BENCHMARKS } from './benchmarks.js';
import { activeCampaign, firstTarget, staff } from './fixtures.js';
import { ROOT, startApp, startDatabase } from './harness.js';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const n of names) {
  if (!(n in BENCHMARKS)) {
    console.error(`unknown benchmark "${n}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
}
const selected = names.length ? names : Object.keys(BENCHMARKS);

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const date = new Date().toISOString();
const settings = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')));

console.log(`Puente bench ${date} on ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}`);
console.log(`benchmarks: ${selected.join(', ')}  settings: ${JSON.stringify(settings)}`);

const db = await startDatabase();
console.log(`PostgreSQL: fresh embedded server in ${db.dataDir} (${db.ephemeral ? 'fsync off' : 'durable'})`);
const app = await startApp(db);
const results = {};
try {
  const { token } = await staff(app);
  const campaign = await activeCampaign(app, token);
  const targetId = await firstTarget(app, token);
  const ctx = { db, app, token, campaign, targetId };
  for (const name of selected) {
    console.log(`\n▶ ${name}`);
    const t0 = performance.now();
    try {
      results[name] = { date, ...(await BENCHMARKS[name](ctx)) };
    } catch (e) {
      console.error(e);
      results[name] = { date, error: e instanceof Error ? e.message : String(e), pass: false };
    }
    const r = results[name];
    console.log(
      `  ${r.figure ?? r.error}\n  baseline: ${r.baseline ?? '-'}\n  ratio ${r.ratio ?? '-'} (goal ${r.goal ?? '-'}) → ${r.pass ? 'PASS' : 'FAIL'}  [${Math.round((performance.now() - t0) / 1000)} s]`,
    );
  }
} finally {
  await app.stop();
  await db.stop();
}

// Keep earlier results of benchmarks not run this time (each entry has its own date).
const file = join(ROOT, 'bench/results.json');
const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { benchmarks: {} };
const out = {
  machine,
  date,
  database: db.ephemeral ? 'embedded PostgreSQL 18, fsync off' : 'embedded PostgreSQL 18, durable',
  settings,
  benchmarks: { ...previous.benchmarks, ...results },
};
// Formatted as the repository's `prettier --check .` expects.
writeFileSync(
  file,
  await prettier.format(JSON.stringify(out), {
    ...(await prettier.resolveConfig(file)),
    parser: 'json',
  }),
);

const rows = selected.map((n) => [
  n,
  results[n].figure ?? results[n].error,
  results[n].baseline ?? '',
  String(results[n].ratio ?? ''),
  results[n].goal ?? '',
  results[n].pass ? 'pass' : 'FAIL',
]);
console.log(
  '\n| benchmark | figure | baseline | ratio | goal | result |\n| --- | --- | --- | --- | --- | --- |',
);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nwritten to bench/results.json`);
process.exitCode = selected.every((n) => results[n].pass) ? 0 : 1;
