import unit from './jest.unit.config.js';

// Jest for Stryker (stryker.config.mjs): the unit tests, restricted by scripts/mutate.mjs to the spec
// beside the module being mutated and its topical siblings (MUTATE_SPEC=src/common/money{,-*}.spec.ts), so a mutant is judged by the
// module's own tests and each one runs a single small test file.
const spec = process.env.MUTATE_SPEC;

export default {
  ...unit,
  displayName: 'mutate',
  ...(spec ? { roots: ['<rootDir>/src'], testMatch: [`<rootDir>/${spec}`] } : {}),
};
