// Mutation testing of the core rule modules (stryker.config.mjs), one Stryker run per module with
// only that module's own spec. Fails (exit code 1) when a module scores below the break threshold or
// when a mutant survives (or is not reached) that is not listed as equivalent in
// stryker.equivalent.json.
//
// Score = detected (killed or timed out) / (mutants - accepted equivalent mutants), the usual definition:
// an equivalent mutant behaves exactly like the original, so no test can kill it. Stryker's own report
// counts them as survivors ("Stryker score %").
//
//   node scripts/mutate.mjs                       all core modules
//   node scripts/mutate.mjs src/common/slug.ts    some of them
//   node scripts/mutate.mjs --only-in-ci          all of them when CI=true, else nothing (npm test)
import { readFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';
import config, { CORE_MODULES } from '../stryker.config.mjs';

// Read before the first run: Stryker merges its options into the same imported config object.
const BREAK_AT = config.thresholds?.break ?? 0;
const args = process.argv.slice(2);
const onlyInCi = args.includes('--only-in-ci');
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
// The second CI pass (another Node line) sets MUTATE_SKIP=1: mutants behave the same on every Node line.
if (onlyInCi && process.env.MUTATE_SKIP === '1') {
  console.log('Mutation testing skipped (MUTATE_SKIP=1): it ran in the first pass.');
  process.exit(0);
}
if (onlyInCi && !ci) {
  console.log('Mutation testing runs in CI (CI=true) or with `npm run mutate`; skipped here.');
  process.exit(0);
}

const chosen = args.filter((a) => !a.startsWith('--'));
for (const file of chosen) {
  if (!CORE_MODULES.includes(file)) {
    console.error(`${file} is not a core module; known: ${CORE_MODULES.join(', ')}`);
    process.exit(2);
  }
}
const modules = chosen.length ? chosen : CORE_MODULES;

/**
 * Each entry accepts up to `count` (default 1) surviving mutants of `file` made by `mutator` that turn
 * the source text `original` into `replacement` (text, not line numbers, so edits elsewhere in the file
 * do not invalidate the list).
 * @type {{ file: string; mutator: string; original: string; replacement: string; count?: number; why: string }[]}
 */
const equivalent = JSON.parse(readFileSync(new URL('../stryker.equivalent.json', import.meta.url), 'utf8'));

/** The source text a mutant replaces. */
function originalText(file, location) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join('\n');
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
const unexplained = [];
const uses = equivalent.map(() => 0);
const started = Date.now();

for (const file of modules) {
  const name = file
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
  // The module's own spec and its topical siblings (money.ts: money.spec.ts, money-typed.spec.ts).
  process.env.MUTATE_SPEC = file.replace(/\.ts$/, '{,-*}.spec.ts');
  const moduleStarted = Date.now();
  const results = await new Stryker({
    mutate: [file],
    // This script applies the threshold itself, to the score without the accepted equivalent mutants.
    thresholds: { high: config.thresholds?.high ?? 95, low: BREAK_AT, break: 0 },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  }).runMutationTest();
  let detected = 0;
  let undetected = 0;
  let accepted = 0;
  for (const r of results) {
    if (DETECTED.has(r.status)) detected++;
    if (!UNDETECTED.has(r.status)) continue;
    undetected++;
    const original = originalText(file, r.location);
    const match = equivalent.findIndex(
      (e, i) =>
        e.file === file &&
        e.mutator === r.mutatorName &&
        e.original === original &&
        e.replacement === r.replacement &&
        uses[i] < (e.count ?? 1),
    );
    if (match >= 0) {
      accepted++;
      uses[match]++;
    } else {
      unexplained.push({
        file,
        line: r.location.start.line,
        status: r.status,
        mutator: r.mutatorName,
        original,
        replacement: r.replacement,
      });
    }
  }
  const percent = (n, d) => Number(((100 * n) / (d || 1)).toFixed(1));
  rows.push({
    module: file,
    mutants: detected + undetected,
    killed: detected,
    equivalent: accepted,
    'not killed, not equivalent': undetected - accepted,
    'score %': percent(detected, detected + undetected - accepted),
    'Stryker score %': percent(detected, detected + undetected),
    seconds: Math.round((Date.now() - moduleStarted) / 1000),
  });
}

console.log(
  `\nMutation testing of ${modules.length} module(s) in ${Math.round((Date.now() - started) / 1000)} s:`,
);
console.table(rows);
const low = rows.filter((r) => r['score %'] < BREAK_AT);
if (low.length) {
  console.error(`Below the break threshold of ${BREAK_AT}%: ${low.map((r) => r.module).join(', ')}`);
  process.exitCode = 1;
}
if (unexplained.length) {
  console.error(
    `${unexplained.length} mutant(s) survived that are not accepted as equivalent in stryker.equivalent.json:`,
  );
  for (const u of unexplained) console.error(JSON.stringify(u));
  process.exitCode = 1;
}
const stale = equivalent.filter((e, i) => modules.includes(e.file) && uses[i] < (e.count ?? 1));
if (stale.length) {
  console.error('Listed as equivalent but not (or fewer times) surviving; correct stryker.equivalent.json:');
  for (const s of stale) console.error(JSON.stringify(s));
  process.exitCode = 1;
}
