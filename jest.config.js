// Two tiers: `unit` fakes the engine behind our own interfaces; `integration` talks to the real
// Docker engine, the real registry and real database files (see scripts/up.sh for what it needs).
const tsJest = ['ts-jest', { diagnostics: false }];
// A few of fastify's dependencies ship only as ES modules (they declare Node >= 22, which can
// require() them). Jest's CommonJS runtime on Node 20 can't load them, so they are transformed too.
const esmOnly = ['cookie', 'content-disposition'];
const transform = {
  '^.+\\.ts$': tsJest,
  [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      slowTestThreshold: 60,
    },
  ],
};
