// @ts-check
// Mutation testing of the core rule modules with their unit tests: `npm run mutate` (all modules) or
// `npm run mutate -- src/common/slug.ts` (some). scripts/mutate.mjs runs Stryker once per module with
// only that module's own `*.spec.ts` (see jest.mutate.config.js), checks every surviving mutant against
// the accepted equivalent mutants in stryker.equivalent.json, and fails below `thresholds.break`.
// docs/architecture.md "Mutation testing" has the scores per module; the last full run: every module
// 100% without the 34 accepted equivalent mutants (Stryker's own score, counting them as survivors:
// 95.8%, lowest slug.ts 84% and tally-math.ts 87.7%), 814 mutants in about 10½ minutes.

/**
 * The core rule modules. Each is tested by the `.spec.ts` beside it. The bulletin audience rules that
 * are TypeScript: who may get one (the twin of the SQL audiences use), the throttle's arithmetic, and
 * each recipient's language and first name; the filters themselves are SQL, guarded by
 * test/audience-filter.e2e-spec.ts (docs/architecture.md "Which tests guard which rule").
 */
export const CORE_MODULES = [
  'src/common/money.ts',
  'src/fundraising/tally-math.ts',
  'src/reminders/reminder-timing.ts',
  'src/letters/merge-fields.ts',
  'src/common/localized-text.ts',
  'src/common/slug.ts',
  'src/common/csv-safety.ts',
  'src/events/event-time.ts',
  'src/bulletins/eligibility.ts',
  'src/bulletins/bulletin-throttle.ts',
  'src/bulletins/bulletin-render.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // The project's jest runs in ESM mode, as in `npm run test:unit`.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: { configFile: 'jest.mutate.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: CORE_MODULES,
  concurrency: 2,
  // A busy machine must not turn a slow test into a "timed out" (= killed) mutant too easily.
  timeoutMS: 10000,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['/reports', '/dist', '/data', '/coverage', '/test-artifacts', '/bench'],
  cleanTempDir: 'always',
};
