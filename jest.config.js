// Unit tests (*.spec.ts) sit beside the code; integration tests (*.int-spec.ts) talk to the real
// Postgres and Redis that test/global-setup.ts finds or starts. Each integration file gets its own
// database cloned from a migrated template and its own Redis key prefix (test/harness.ts).
const { swcOptions } = require('./scripts/build.js');

const swc = swcOptions('x.ts');
delete swc.filename;
swc.sourceMaps = 'inline';

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/scripts', '<rootDir>/migrations', '<rootDir>/helm'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@watchfloor/(.*)$': '<rootDir>/libs/$1/index.ts' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  maxWorkers: 2,
  testTimeout: 30000,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.data'],
};
