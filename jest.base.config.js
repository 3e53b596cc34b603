// Shared jest settings. The project is native ESM (NestJS 12 ships ESM only), so jest runs in its
// ESM mode (node --experimental-vm-modules) and ts-jest emits ESM. Type checking is done once by
// `npm run typecheck`; here ts-jest only transpiles each file, which keeps the suite fast.
//
// A few CommonJS dependencies `require()` packages that are ESM only. Node 20.19 allows that
// (require(esm)), jest's module loader on Node 20 does not, so those packages (and only those) are
// transpiled to CommonJS for jest. On Node 22 and later jest loads them as they are (and the
// transpiled copy would break: jest then runs it as ESM, where `exports` is not defined).
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const ESM_REQUIRED_FROM_CJS = NODE_MAJOR < 22 ? ['content-disposition'] : [];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', transpilation: true }],
    ...(ESM_REQUIRED_FROM_CJS.length && {
      [`/node_modules/(${ESM_REQUIRED_FROM_CJS.join('|')})/.+\\.js$`]: [
        'ts-jest',
        {
          useESM: false,
          transpilation: true,
          tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' },
        },
      ],
    }),
  },
  transformIgnorePatterns: ESM_REQUIRED_FROM_CJS.length
    ? [`/node_modules/(?!(${ESM_REQUIRED_FROM_CJS.join('|')})/)`]
    : ['/node_modules/'],
};
